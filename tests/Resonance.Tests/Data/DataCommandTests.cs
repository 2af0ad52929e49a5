using Resonance.Cli;
using Resonance.Data;
using Spectre.Console.Testing;

namespace Resonance.Tests.Data;

/// <summary>The CLI's data commands, on inputs that fail before the cache is touched (so no RESONANCE_HOME is needed).</summary>
public class DataCommandTests
{
    static (int ExitCode, string[] Lines) Run(params string[] args)
    {
        var console = new TestConsole().Width(2000);
        int exitCode = ResonanceCli.Run(args, console);
        return (exitCode, console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Fetch_from_a_folder_without_the_files_exits_2_with_one_line_naming_the_folder()
    {
        using var source = new TempFolder();

        var (exitCode, lines) = Run("data", "fetch", "mnist", "--from", source.Path);

        Assert.Equal(2, exitCode);
        string error = Assert.Single(lines);
        Assert.StartsWith($"error: --from {source.Path}: no MNIST IDX files there", error);
    }

    [Fact]
    public void Fetch_from_a_truncated_file_exits_2_naming_the_file_and_the_problem()
    {
        using var source = new TempFolder();
        MnistDataset.Synthetic(3, 2, seed: 1).Write(source.Path);
        using (var file = File.OpenWrite(source.Combine(MnistFiles.TrainImages))) file.SetLength(20);

        var (exitCode, lines) = Run("data", "fetch", "mnist", "--from", source.Path);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: {source.Combine(MnistFiles.TrainImages)}: truncated: header says 3 images of 28x28 (2368 bytes) " +
            "but the file has 20 bytes;", lines[^1]);
        Assert.DoesNotContain(lines, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public void Fetch_from_a_folder_that_does_not_exist_exits_2()
    {
        using var source = new TempFolder();
        string missing = source.Combine("nope");

        var (exitCode, lines) = Run("data", "fetch", "mnist", "--from", missing);

        Assert.Equal(2, exitCode);
        Assert.Equal($"error: --from {missing}: no such folder; name the folder that holds the MNIST IDX files.", Assert.Single(lines));
    }

    [Fact]
    public void Fetch_of_an_unknown_dataset_exits_2()
    {
        var (exitCode, _) = Run("data", "fetch", "cifar");

        Assert.Equal(2, exitCode);
    }
}
