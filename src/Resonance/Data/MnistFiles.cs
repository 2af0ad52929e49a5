namespace Resonance.Data;

/// <summary>Where the four MNIST IDX files of one copy are (each plain or <c>.gz</c>).</summary>
/// <param name="Folder">The folder that holds them.</param>
/// <param name="TrainImages">Path of <c>train-images-idx3-ubyte</c> (or its <c>.gz</c>).</param>
/// <param name="TrainLabels">Path of <c>train-labels-idx1-ubyte</c> (or its <c>.gz</c>).</param>
/// <param name="TestImages">Path of <c>t10k-images-idx3-ubyte</c> (or its <c>.gz</c>).</param>
/// <param name="TestLabels">Path of <c>t10k-labels-idx1-ubyte</c> (or its <c>.gz</c>).</param>
public sealed record MnistFileSet(string Folder, string TrainImages, string TrainLabels, string TestImages, string TestLabels);

/// <summary>The names of the MNIST IDX files and how to find them in a folder.</summary>
public static class MnistFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The four file names (uncompressed), training images first.</summary>
    public static readonly IReadOnlyList<string> Names = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>
    /// The folders searched under a user's folder, in order: the folder itself, <c>MNIST/raw</c> (torchvision's
    /// layout) and <c>raw</c>.
    /// </summary>
    public static IReadOnlyList<string> SearchFolders(string folder) =>
        [folder, Path.Combine(folder, "MNIST", "raw"), Path.Combine(folder, "raw")];

    /// <summary>Finds the four files in <paramref name="folder"/> or one of its <see cref="SearchFolders"/>; plain files win over <c>.gz</c>.</summary>
    /// <param name="folder">A folder the user named (e.g. with <c>--from</c>).</param>
    /// <exception cref="UserInputException">The folder does not exist, or no searched folder holds all four files.</exception>
    public static MnistFileSet Locate(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new UserInputException($"--from {folder}: no such folder; name the folder that holds the MNIST IDX files.");
        int bestFound = 0;
        string bestFolder = folder;
        foreach (string candidate in SearchFolders(folder))
        {
            if (!Directory.Exists(candidate)) continue;
            string?[] found = Names.Select(name => Find(candidate, name)).ToArray();
            int present = found.Count(path => path is not null);
            if (present == Names.Count)
                return new MnistFileSet(candidate, found[0]!, found[1]!, found[2]!, found[3]!);
            if (present > bestFound)
            {
                bestFound = present;
                bestFolder = candidate;
            }
        }
        if (bestFound == 0)
            throw new UserInputException(
                $"--from {folder}: no MNIST IDX files there or in its MNIST/raw or raw folder (looked for {string.Join(", ", Names)}, " +
                "plain or .gz); name the folder that holds them.");
        string missing = string.Join(", ", Names.Where(name => Find(bestFolder, name) is null));
        throw new UserInputException(
            $"--from {folder}: {bestFolder} lacks {missing} (plain or .gz); add the missing files or name a folder that holds all four.");
    }

    /// <summary>Finds the four files directly in <paramref name="folder"/> (plain or <c>.gz</c>), or null when any is missing.</summary>
    public static MnistFileSet? TryLocateIn(string folder)
    {
        string?[] found = Names.Select(name => Find(folder, name)).ToArray();
        return found.All(path => path is not null)
            ? new MnistFileSet(folder, found[0]!, found[1]!, found[2]!, found[3]!)
            : null;
    }

    static string? Find(string folder, string name)
    {
        string plain = Path.Combine(folder, name);
        if (File.Exists(plain)) return plain;
        string gzip = plain + ".gz";
        return File.Exists(gzip) ? gzip : null;
    }
}
