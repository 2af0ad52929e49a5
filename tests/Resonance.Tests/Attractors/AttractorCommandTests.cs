using Resonance.Cli;
using Spectre.Console;

namespace Resonance.Tests.Attractors;

public class AttractorCommandTests
{
    static (int ExitCode, string Output) Run(params string[] args) => Resonance.Tests.Cli.CliHarness.Run(args);

    const string Tiny = """
        study: capacity
        network: { neurons: 16, present_steps: 2, retain_steps: 4 }
        training: { epochs: 3 }
        capacity: { memories: [2, 3] }
        """;

    [Fact]
    public void Run_writes_the_run_directory_and_prints_the_table()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        string directory = folder.Combine("run");
        var (code, output) = Run("attractor", "run", file, "--out", directory, "--seed", "9", "--set", "training.lr=0.02", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.Contains("tiny: capacity study, seed 9", output);
        Assert.Contains("Capacity: N = 16", output);
        Assert.True(File.Exists(Path.Combine(directory, "table.md")));
        Assert.True(File.Exists(Path.Combine(directory, "plots", "capacity.png")));
        Assert.Contains("lr: 0.02", File.ReadAllText(Path.Combine(directory, "config.yaml")));
    }

    [Fact]
    public void A_learned_dense_boundary_prints_its_training_loss_and_its_capacity()
    {
        using var folder = new TempFolder();
        string file = folder.File("dense.yaml", """
            study: boundary
            network: { neurons: 16, retain_steps: 5 }
            training: { epochs: 20, lr: 0.01, noise_cues: 2, noise_flip_max: 0.4 }
            boundary: { neurons: [16], rules: [dense, learned-dense], load_grid: [0.25, 0.5], trials: 2, refine_points: 1 }
            """);
        var (code, output) = Run("attractor", "run", file, "--out", folder.Combine("run"), "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.Matches(@"\[N = 16, learned-dense, round 1\] epoch 20/20: 2 nets, mean loss \d+\.\d{4}, 0 diverged", output);
        Assert.Contains("N = 16, dense: P* =", output);
        Assert.Contains("N = 16, learned-dense: P* =", output);
    }

    [Fact]
    public void A_bad_key_is_one_line_and_exit_code_two()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        var (code, output) = Run("attractor", "run", file, "--set", "training.regimen=sometimes", "--out", folder.Combine("run"));
        Assert.Equal(2, code);
        Assert.Equal("error: training.regimen: expected one of cyclic, batch, noisy, basin, got \"sometimes\"", output.Trim());
        Assert.False(Directory.Exists(folder.Combine("run")));
    }

    [Fact]
    public void A_missing_file_and_a_training_experiment_are_refused_with_exit_code_two()
    {
        var (code, output) = Run("attractor", "run", "no/such/study.yaml");
        Assert.Equal(2, code);
        Assert.Contains("no/such/study.yaml: no such experiment file", output);

        (code, output) = Run("attractor", "run", "quickstart");
        Assert.Equal(2, code);
        Assert.Contains("study: missing; choose one of capacity", output);
    }

    [Fact]
    public void An_occupied_run_directory_is_refused()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        Assert.Equal(0, Run("attractor", "run", file, "--out", folder.Combine("run")).ExitCode);
        var (code, output) = Run("attractor", "run", file, "--out", folder.Combine("run"));
        Assert.Equal(2, code);
        Assert.Contains("already holds a run", output);
    }

    [Fact]
    public void Bench_times_a_capacity_study()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        var (code, output) = Run("attractor", "bench", file, "--repeats", "2");
        Assert.True(code == 0, output);
        Assert.Contains("2 nets, N = 16, up to 3 epochs", output);
        Assert.Contains("s per study (median of 2", output);
    }

    [Fact]
    public void The_run_command_runs_a_study_file_as_the_alias_does()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        var (code, output) = Run("run", file, "--out", folder.Combine("run"), "--seed", "9", "--set", "training.lr=0.02", "--device", "cpu");
        Assert.True(code == 0, output);
        var (_, alias) = Run("attractor", "run", file, "--out", folder.Combine("alias"), "--seed", "9", "--set", "training.lr=0.02", "--device", "cpu");
        string Figures(string run) => string.Join(",", new Resonance.Runs.RunDirectory(folder.Combine(run)).ReadSummary()!
            .Where(pair => !Resonance.Runs.MetricsLog.IsTimingKey(pair.Key) && pair.Key != "started_at").Select(pair => $"{pair.Key}={pair.Value}"));
        Assert.Equal(Figures("alias"), Figures("run"));
        Assert.Contains("kind: attractor", File.ReadAllText(folder.Combine("run/config.yaml")));
    }

    [Fact]
    public void Resume_of_a_study_gives_its_one_line_reason()
    {
        using var folder = new TempFolder();
        string file = folder.File("tiny.yaml", Tiny);
        Assert.Equal(0, Run("run", file, "--out", folder.Combine("run")).ExitCode);
        var (code, output) = Run("run", "--resume", folder.Combine("run"));
        Assert.Equal(2, code);
        Assert.Contains("an attractor study cannot resume", output);
        Assert.StartsWith("error: --resume", output.Trim());
        Assert.DoesNotContain("   at ", output);
    }
}
