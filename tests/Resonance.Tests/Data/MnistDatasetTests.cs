using Resonance.Data;

namespace Resonance.Tests.Data;

public class MnistDatasetTests
{
    [Fact]
    public void A_dataset_written_to_a_folder_loads_back_identical()
    {
        using var folder = new TempFolder();
        var data = MnistDataset.Synthetic(trainCount: 30, testCount: 7, seed: 1);
        data.Write(folder.Path);

        var read = MnistDataset.LoadFolder(folder.Path);

        Assert.Equal(data.Train.Pixels, read.Train.Pixels);
        Assert.Equal(data.Train.Labels, read.Train.Labels);
        Assert.Equal(data.Test.Pixels, read.Test.Pixels);
        Assert.Equal(data.Test.Labels, read.Test.Labels);
    }

    [Fact]
    public void Synthetic_data_is_the_recorded_dataset_for_its_seed()
    {
        // Recorded before SplitMix64 moved to Runtime: labels, and a position-weighted checksum of every pixel.
        var data = MnistDataset.Synthetic(trainCount: 4, testCount: 2, seed: 5);

        Assert.Equal([3, 0, 6, 8, 6, 6], data.Train.Labels.Concat(data.Test.Labels).Select(label => (int)label));
        Assert.Equal(112238604L, data.Train.Pixels.Concat(data.Test.Pixels).Select((pixel, i) => (long)pixel * (i + 1)).Sum());
    }

    [Fact]
    public void Gzip_files_load_like_plain_ones()
    {
        using var folder = new TempFolder();
        var data = MnistDataset.Synthetic(12, 5, seed: 2);
        data.Write(folder.Path, gzip: true);

        var read = MnistDataset.LoadFolder(folder.Path);

        Assert.Equal(data.Train.Pixels, read.Train.Pixels);
        Assert.True(File.Exists(folder.Combine(MnistFiles.TrainImages + ".gz")));
    }

    [Fact]
    public void A_label_count_that_differs_from_the_image_count_is_refused()
    {
        using var folder = new TempFolder();
        MnistDataset.Synthetic(10, 5, seed: 3).Write(folder.Path);
        IdxFile.WriteLabels(folder.Combine(MnistFiles.TrainLabels), new byte[9]);

        var error = Assert.Throws<UserInputException>(() => MnistDataset.LoadFolder(folder.Path, "fix it"));

        Assert.Equal($"{folder.Combine(MnistFiles.TrainLabels)}: 9 labels but {MnistFiles.TrainImages} has 10 images; fix it.",
            error.Message);
    }

    [Fact]
    public void A_folder_without_a_file_names_the_missing_one()
    {
        using var folder = new TempFolder();
        MnistDataset.Synthetic(4, 4, seed: 4).Write(folder.Path);
        File.Delete(folder.Combine(MnistFiles.TestLabels));

        var error = Assert.Throws<UserInputException>(() => MnistDataset.LoadFolder(folder.Path, MnistDataset.CacheRemedy));

        Assert.Equal($"{folder.Path}: missing {MnistFiles.TestLabels}; {MnistDataset.CacheRemedy}.", error.Message);
    }

    [Fact]
    public void The_synthetic_dataset_is_the_same_for_the_same_seed_and_differs_for_another()
    {
        var first = MnistDataset.Synthetic(50, 10, seed: 7);
        var again = MnistDataset.Synthetic(50, 10, seed: 7);
        var other = MnistDataset.Synthetic(50, 10, seed: 8);

        Assert.Equal(first.Train.Pixels, again.Train.Pixels);
        Assert.Equal(first.Test.Labels, again.Test.Labels);
        Assert.NotEqual(first.Train.Pixels, other.Train.Pixels);
    }

    [Fact]
    public void Synthetic_digits_carry_their_label_as_a_bright_bar_on_rows_4_plus_2k()
    {
        var data = MnistDataset.Synthetic(40, 0, seed: 9);
        for (int n = 0; n < data.Train.Count; n++)
        {
            int label = data.Train.Labels[n];
            byte[] image = data.Train.Pixels[(n * 784)..((n + 1) * 784)];
            int brightestRow = Enumerable.Range(0, 28).MaxBy(row => image.Skip(row * 28).Take(28).Count(p => p >= 200));
            Assert.Equal(4 + 2 * label, brightestRow);
        }
    }

    [Fact]
    public void A_split_refuses_pixels_that_do_not_match_its_labels()
    {
        Assert.Throws<ArgumentException>(() => new MnistSplit(new byte[784 * 2], new byte[3]));
        Assert.Throws<ArgumentException>(() => new MnistSplit(new byte[784], [10]));
    }
}
