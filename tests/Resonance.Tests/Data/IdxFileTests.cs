using Resonance.Data;

namespace Resonance.Tests.Data;

public class IdxFileTests
{
    static IdxImages SomeImages(int count)
    {
        var pixels = new byte[count * 28 * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 256);
        return new IdxImages(count, 28, 28, pixels);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("images.gz")]
    public void Images_written_and_read_back_are_identical(string name)
    {
        using var folder = new TempFolder();
        var images = SomeImages(3);
        string path = folder.Combine(name);
        IdxFile.WriteImages(path, images);

        var read = IdxFile.ReadImages(path);

        Assert.Equal((3, 28, 28), (read.Count, read.Rows, read.Columns));
        Assert.Equal(images.Pixels, read.Pixels);
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("labels.gz")]
    public void Labels_written_and_read_back_are_identical(string name)
    {
        using var folder = new TempFolder();
        byte[] labels = [0, 9, 3, 3, 7];
        IdxFile.WriteLabels(folder.Combine(name), labels);

        Assert.Equal(labels, IdxFile.ReadLabels(folder.Combine(name)));
    }

    [Fact]
    public void A_plain_file_written_has_the_exact_IDX_layout()
    {
        using var folder = new TempFolder();
        IdxFile.WriteLabels(folder.Combine("labels"), [5, 6]);

        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 5, 6 }, File.ReadAllBytes(folder.Combine("labels")));
    }

    [Fact]
    public void A_truncated_image_file_is_refused_with_both_sizes_and_the_remedy()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("train-images-idx3-ubyte");
        IdxFile.WriteImages(path, SomeImages(2));
        using (var file = File.OpenWrite(path)) file.SetLength(1000);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadImages(path, remedy: "delete it and fetch again"));

        Assert.Equal($"{path}: truncated: header says 2 images of 28x28 (1584 bytes) but the file has 1000 bytes; " +
            "delete it and fetch again.", error.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_refused_after_decompression()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("labels.gz");
        IdxFile.Write(path, [10], new byte[4]); // header promises 10 labels, 4 follow

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.Contains("truncated: header says 10 labels (18 bytes) but the file has 12 bytes after decompression", error.Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_refused()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("labels");
        IdxFile.Write(path, [2], new byte[5]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.Contains("too long: header says 2 labels (10 bytes) but the file has 13 bytes", error.Message);
    }

    [Fact]
    public void A_label_file_read_as_images_is_refused_for_its_magic_number()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("train-images-idx3-ubyte");
        IdxFile.WriteLabels(path, [1, 2, 3]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadImages(path));

        Assert.StartsWith($"{path}: wrong magic number 0x00000801, expected 0x00000803", error.Message);
    }

    [Fact]
    public void A_wrong_magic_number_in_a_label_file_is_refused()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("labels");
        IdxFile.WriteRaw(path, 0x12345678, [1], [0]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.Contains("wrong magic number 0x12345678, expected 0x00000801", error.Message);
    }

    [Fact]
    public void Images_of_the_wrong_size_are_refused()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("images");
        IdxFile.Write(path, [1, 32, 32], new byte[32 * 32]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadImages(path));

        Assert.Contains("images are 32x32, expected 28x28", error.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_refused_with_its_index()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("labels");
        IdxFile.WriteLabels(path, [1, 2, 12, 4]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.Contains("label 12 at index 2 is outside 0..9", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("nothing-here");

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.StartsWith($"{path}: no such file;", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_its_header_is_refused()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("images");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadImages(path));

        Assert.Contains("truncated: 6 bytes, too short for its 16-byte IDX header", error.Message);
    }

    [Fact]
    public void A_gz_name_over_plain_bytes_is_refused_as_not_gzip()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("labels.gz");
        File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 1, 3]);

        var error = Assert.Throws<UserInputException>(() => IdxFile.ReadLabels(path));

        Assert.StartsWith($"{path}: ", error.Message);
    }
}
