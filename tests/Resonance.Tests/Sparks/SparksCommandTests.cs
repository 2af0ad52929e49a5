using Resonance.Cli;
using Spectre.Console;

namespace Resonance.Tests.Sparks;

public class SparksCommandTests
{
    static (int ExitCode, string Output) Run(params string[] args) => Resonance.Tests.Cli.CliHarness.Run(args);

    [Fact]
    public void Run_writes_a_run_directory_and_a_second_run_continues_from_its_latest_snapshot()
    {
        using var folder = new TempFolder();
        string directory = folder.Combine("run");
        var (code, output) = Run("sparks", "run", "--steps", "10", "--out", directory, "--seed", "4",
            "--set", "sparks.neurons=12", "--set", "sparks.spark_count=2", "--set", "run.frame_every=0",
            "--set", "run.picture_steps=[]", "--set", "run.image_size=200", "--set", "measures.every=5", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.Contains("12 neurons, 2 sparks, 10 steps from step 0, seed 4", output);
        Assert.True(File.Exists(Path.Combine(directory, "plots", "step-00000010.png")));
        string snapshot = Path.Combine(directory, "snapshots", "step-00000010.npz");
        Assert.True(File.Exists(snapshot));

        string next = folder.Combine("next");
        (code, output) = Run("sparks", "run", "--from-snapshot", directory, "--steps", "5", "--out", next);
        Assert.True(code == 0, output);
        Assert.Contains("5 steps from step 10", output);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(next, "metrics.jsonl")).Length);   // steps 10 and 15
    }

    [Fact]
    public void An_impossible_setting_is_one_line_and_exit_code_two()
    {
        using var folder = new TempFolder();
        var (code, output) = Run("sparks", "run", "--set", "sparks.epsilon=1.5", "--out", folder.Path);
        Assert.Equal(2, code);
        Assert.Equal("error: sparks.epsilon: expected a number in [0, 1], got 1.5.", output.Trim());
    }

    [Fact]
    public void More_sparks_than_neurons_is_refused_on_the_command_line()
    {
        var (code, output) = Run("sparks", "run", "--set", "sparks.neurons=8", "--set", "sparks.spark_count=9");
        Assert.Equal(2, code);
        Assert.Equal("error: sparks.spark_count: expected a whole number in [1, sparks.neurons = 8], got 9.", output.Trim());
    }

    [Fact]
    public void An_unknown_experiment_file_is_named()
    {
        var (code, output) = Run("sparks", "run", "no/such/sparks.yaml");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains("sparks.yaml: no such experiment file", output);
    }

    [Fact]
    public void A_folder_without_snapshots_is_refused()
    {
        using var temp = new TempFolder();
        string folder = temp.Path;
        var (code, output) = Run("sparks", "run", "--from-snapshot", folder);
        Assert.Equal(2, code);
        Assert.Equal($"error: --from-snapshot {folder}: neither a snapshot file nor a run directory with snapshots/step-*.npz.", output.Trim());
    }

    [Fact]
    public void Bench_prints_steps_per_second()
    {
        var (code, output) = Run("sparks", "bench", "--neurons", "32", "--sparks", "4", "--steps", "5", "--repeats", "1");
        Assert.True(code == 0, output);
        Assert.Matches(@"sparks N=32 S=4 layout=on device=cpu: [0-9.]+ steps/s", output);
    }
}
