using System.Buffers.Binary;
using System.IO.Compression;

namespace Resonance.Data;

/// <summary>The pixels of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes, row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height in pixels.</param>
/// <param name="Columns">Image width in pixels.</param>
/// <param name="Pixels">Grey levels 0..255, length <c>Count * Rows * Columns</c>, image after image, row after row.</param>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads and writes IDX files (LeCun's MNIST format), plain or gzip-compressed (a name ending in <c>.gz</c>).
/// </summary>
/// <remarks>
/// An IDX file is a big-endian header, then the data: the magic number <c>0x0000TTDD</c> (TT = element type,
/// 0x08 for unsigned bytes; DD = number of dimensions), one 32-bit size per dimension, then the elements in
/// row-major order. MNIST images are <c>0x00000803</c> (count, 28, 28); labels are <c>0x00000801</c> (count).
/// Reading validates the magic number, the dimensions, that the file's length matches the header exactly and,
/// for labels, that every label is a class index; each failure is a <see cref="UserInputException"/> whose
/// message names the file, the problem and <c>remedy</c>.
/// </remarks>
public static class IdxFile
{
    /// <summary>The magic number of an unsigned-byte IDX file with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an unsigned-byte IDX file with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>What to say when a file is bad and no caller-specific advice applies.</summary>
    public const string DefaultRemedy = "replace it with an intact copy of the file";

    const int UnsignedByteType = 0x08;

    /// <summary>Reads an image file and checks that every image is <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    /// <param name="path">The file; a name ending in <c>.gz</c> is decompressed.</param>
    /// <param name="rows">Expected image height.</param>
    /// <param name="columns">Expected image width.</param>
    /// <param name="remedy">The fix to name in error messages (e.g. how to fetch the file again).</param>
    /// <exception cref="UserInputException">Missing or unreadable file, wrong magic number, wrong image size, wrong length.</exception>
    public static IdxImages ReadImages(string path, int rows = 28, int columns = 28, string remedy = DefaultRemedy)
    {
        using var stream = Open(path, remedy);
        int[] dimensions = ReadHeader(stream, path, ImagesMagic, "images", remedy);
        int count = dimensions[0];
        if (dimensions[1] != rows || dimensions[2] != columns)
            throw Fail(path, $"images are {dimensions[1]}x{dimensions[2]}, expected {rows}x{columns}", remedy);
        long payload = (long)count * rows * columns;
        byte[] pixels = ReadPayload(stream, path, payload, HeaderBytes(3),
            $"{count} images of {rows}x{columns}", remedy);
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a label file and checks that every label lies in <c>0..classes-1</c>.</summary>
    /// <param name="path">The file; a name ending in <c>.gz</c> is decompressed.</param>
    /// <param name="classes">Number of classes (10 for MNIST).</param>
    /// <param name="remedy">The fix to name in error messages.</param>
    /// <returns>One label per example, length = the header's count.</returns>
    /// <exception cref="UserInputException">Missing or unreadable file, wrong magic number, wrong length, a label out of range.</exception>
    public static byte[] ReadLabels(string path, int classes = 10, string remedy = DefaultRemedy)
    {
        using var stream = Open(path, remedy);
        int count = ReadHeader(stream, path, LabelsMagic, "labels", remedy)[0];
        byte[] labels = ReadPayload(stream, path, count, HeaderBytes(1), $"{count} labels", remedy);
        int bad = Array.FindIndex(labels, label => label >= classes);
        if (bad >= 0)
            throw Fail(path, $"label {labels[bad]} at index {bad} is outside 0..{classes - 1}", remedy);
        return labels;
    }

    /// <summary>Writes an unsigned-byte IDX file with the given dimensions; gzip-compressed when the name ends in <c>.gz</c>.</summary>
    /// <param name="path">The file to create (its folder must exist); overwritten if present.</param>
    /// <param name="dimensions">The sizes, outermost first, e.g. <c>(count, 28, 28)</c> for images, <c>(count)</c> for labels.</param>
    /// <param name="data">The elements, row-major; any length (a mismatch with <paramref name="dimensions"/> makes a deliberately corrupt file).</param>
    public static void Write(string path, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data) =>
        WriteRaw(path, (UnsignedByteType << 8) | dimensions.Length, dimensions, data);

    /// <summary>Writes an IDX header with any magic number, then <paramref name="data"/>: for making malformed files in tests.</summary>
    /// <param name="path">The file to create; gzip-compressed when the name ends in <c>.gz</c>.</param>
    /// <param name="magic">The 32-bit magic number to write.</param>
    /// <param name="dimensions">The sizes written after the magic number.</param>
    /// <param name="data">The bytes written after the header.</param>
    public static void WriteRaw(string path, int magic, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data)
    {
        using var file = File.Create(path);
        using Stream stream = IsGzip(path) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        stream.Write(word);
        foreach (int size in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, size);
            stream.Write(word);
        }
        stream.Write(data);
    }

    /// <summary>Writes MNIST-style images: magic <c>0x00000803</c>, dimensions (count, rows, columns).</summary>
    /// <param name="path">The file to create; gzip-compressed when the name ends in <c>.gz</c>.</param>
    /// <param name="images">The images; <see cref="IdxImages.Pixels"/> is written as is.</param>
    public static void WriteImages(string path, IdxImages images) =>
        Write(path, [images.Count, images.Rows, images.Columns], images.Pixels);

    /// <summary>Writes MNIST-style labels: magic <c>0x00000801</c>, dimension (count).</summary>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels) => Write(path, [labels.Length], labels);

    /// <summary>Whether a file name marks gzip compression (ends in <c>.gz</c>).</summary>
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    static int HeaderBytes(int dimensions) => 4 + 4 * dimensions;

    static Stream Open(string path, string remedy)
    {
        Stream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, File.Exists(path) ? $"cannot be read ({e.Message})" : "no such file", remedy, e);
        }
        return IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    static int[] ReadHeader(Stream stream, string path, int expectedMagic, string what, string remedy)
    {
        int dimensionCount = expectedMagic & 0xFF;
        byte[] header = new byte[HeaderBytes(dimensionCount)];
        int read = ReadFully(stream, header, path, remedy);
        if (read < 4)
            throw Fail(path, $"truncated: {read} bytes, too short for an IDX header", remedy);
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
            throw Fail(path, $"wrong magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({what}); " +
                "this is not an IDX " + what + " file", remedy);
        if (read < header.Length)
            throw Fail(path, $"truncated: {read} bytes, too short for its {header.Length}-byte IDX header", remedy);
        var dimensions = new int[dimensionCount];
        for (int i = 0; i < dimensionCount; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * i));
            if (dimensions[i] < 0)
                throw Fail(path, $"header gives a negative size {dimensions[i]}", remedy);
        }
        return dimensions;
    }

    static byte[] ReadPayload(Stream stream, string path, long payload, int headerBytes, string described, string remedy)
    {
        long expectedFile = headerBytes + payload;
        if (payload > Array.MaxLength)
            throw Fail(path, $"header says {described} ({expectedFile} bytes), more than can be loaded", remedy);
        if (stream is FileStream plain && plain.Length != expectedFile)
            throw Fail(path, LengthProblem(described, expectedFile, plain.Length), remedy);
        byte[] data = new byte[payload];
        int read = ReadFully(stream, data, path, remedy);
        if (read < payload)
            throw Fail(path, LengthProblem(described, expectedFile, headerBytes + read) + " after decompression", remedy);
        if (stream.ReadByte() >= 0)
        {
            long actual = expectedFile + 1;
            byte[] rest = new byte[1 << 16];
            int more;
            while ((more = ReadFully(stream, rest, path, remedy)) > 0) actual += more;
            throw Fail(path, LengthProblem(described, expectedFile, actual) + " after decompression", remedy);
        }
        return data;
    }

    static string LengthProblem(string described, long expected, long actual) =>
        (actual < expected ? "truncated" : "too long") +
        $": header says {described} ({expected} bytes) but the file has {actual} bytes";

    static int ReadFully(Stream stream, byte[] buffer, string path, string remedy)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Fail(path, $"not valid gzip data ({e.Message})", remedy, e);
        }
        catch (IOException e)
        {
            throw Fail(path, $"cannot be read ({e.Message})", remedy, e);
        }
    }

    static UserInputException Fail(string path, string problem, string remedy, Exception? inner = null)
    {
        string message = $"{path}: {problem}; {remedy}.";
        return inner is null ? new UserInputException(message) : new UserInputException(message, inner);
    }
}
