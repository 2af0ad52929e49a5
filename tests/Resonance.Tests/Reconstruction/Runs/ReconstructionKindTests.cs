using System.Text.Json.Nodes;
using Resonance.Data;
using Resonance.Dynamics;
using Resonance.Experiments;
using Resonance.Reconstruction;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Reconstruction.Runs;

/// <summary>The <c>reconstruction</c> run kind: validation at the edge, an ESN and a PLRNN run end to end in tiny form, the floor,
/// a series file as data, and the benchmark over two systems.</summary>
[NoCollections]
public class ReconstructionKindTests
{
    static string Experiment(string file) => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", file);

    /// <summary>Shrinks a file to a second or so: a short series, a small evaluation.</summary>
    static readonly string[] Small =
        ["data.steps=1500", "evaluation.test_steps=200", "evaluation.warmup=20", "evaluation.starts=3", "evaluation.horizon=100", "evaluation.lyapunov_steps=100"];

    static (int Code, string Text, string Run) Run(string file, string folder, params string[] overrides)
    {
        string output = Path.Combine(folder, Path.GetFileNameWithoutExtension(file));
        var (code, text) = CliHarness.Run(["run", Experiment(file), "--out", output, "--device", "cpu", .. overrides.SelectMany(o => new[] { "--set", o })]);
        return (code, text, output);
    }

    [Theory]
    [InlineData("model.unitz=10", "model.unitz", "units")]
    [InlineData("model.type=esm", "model.type", "did you mean esn")]
    [InlineData("training.epochs=3", "training:", "closed form")]
    [InlineData("data.train_fraction=2", "data.train_fraction", "")]
    [InlineData("evaluation.test_steps=100000", "evaluation", "raise data.steps")]
    [InlineData("data.system=lorenz36", "lorenz36", "lorenz63")]
    [InlineData("data.params=[rho]", "data.params", "name=number")]
    public void Refuses_bad_config_with_one_line_and_exit_2(string assignment, string names, string fix)
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-esn.yaml", folder.Path, [.. Small, "model.units=20", assignment]);

        Assert.Equal(2, code);
        string message = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(names, message);
        Assert.Contains(fix, message);
        Assert.False(Directory.Exists(run) && File.Exists(Path.Combine(run, "summary.json")) && File.ReadAllText(Path.Combine(run, "summary.json")).Contains("completed"));
    }

    [Fact]
    public void Refuses_a_file_without_data_source_and_a_benchmark_with_one()
    {
        var kind = new ReconstructionKind();
        var none = ConfigDocument.Parse("model:\n  type: esn\n", "x.yaml");
        var both = ConfigDocument.Parse("systems: [lorenz63]\ndata:\n  system: rossler\n", "x.yaml");

        Assert.Contains("give data.system", Assert.Throws<UserInputException>(() => kind.Prepare(none, [], null, "x")).Message);
        Assert.Contains("remove data.system", Assert.Throws<UserInputException>(() => kind.Prepare(both, [], null, "x")).Message);
    }

    [Fact]
    public void An_esn_run_writes_the_summary_keys_the_tables_and_the_plots()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-esn.yaml", folder.Path, [.. Small, "model.units=40"]);

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.Equal("reconstruction", summary["kind"]!.GetValue<string>());
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        foreach (string key in new[] { "d_stsp", "d_h", "vpt_steps", "vpt_lyapunov_times", "prediction_error", "floor_d_stsp", "floor_d_h", "fit_s" })
            Assert.True(summary[key] is JsonValue, $"summary lacks {key}");
        Assert.Equal(0.9056, summary["lambda_max_true"]!.GetValue<double>());                       // the catalogue's published value
        Assert.Null(summary["lambda_max_model"]);                                                   // left out for a reservoir, with a reason:
        Assert.Contains("lambda_max_model: the reservoir", File.ReadAllText(Path.Combine(run, "table.md")));
        Assert.Equal(summary["vpt_steps"]!.GetValue<double>() * 0.01 * 0.9056, summary["vpt_lyapunov_times"]!.GetValue<double>(), 5);
        double[] spread = [.. new[] { "min", "q1", "", "q3", "max" }.Select(k => summary[k.Length == 0 ? "vpt_lyapunov_times" : $"vpt_lyapunov_times_{k}"]!.GetValue<double>())];
        Assert.Equal(spread.Order(), spread);                                                       // the spread over the starts, in order
        Assert.Equal(summary["vpt_steps_max"]!.GetValue<double>() * 0.01 * 0.9056, spread[4], 5);
        Assert.True(File.Exists(Path.Combine(run, "table.csv")));
        Assert.True(File.Exists(Path.Combine(run, "plots", "attractors.png")));
        Assert.True(File.Exists(Path.Combine(run, "plots", "spectra.png")));
        Assert.Single(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")));                          // the closed-form fit
        Assert.StartsWith("kind: reconstruction\n", string.Concat(File.ReadLines(Path.Combine(run, "config.yaml")).SkipWhile(l => l.StartsWith('#')).Take(1).Select(l => l + "\n")));
    }

    [Fact]
    public void The_floor_between_two_true_stretches_is_small_and_below_a_poor_model()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-esn.yaml", folder.Path,
            "data.steps=13000", "evaluation.test_steps=5000", "evaluation.starts=2", "evaluation.horizon=50", "model.units=20");

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.InRange(summary["floor_d_h"]!.GetValue<double>(), 0, 0.05);
        Assert.InRange(summary["floor_d_stsp"]!.GetValue<double>(), 0, 1.5);       // 5,000 rows in 30³ bins: not 0, but far below
        Assert.True(summary["d_stsp"]!.GetValue<double>() > 2 * summary["floor_d_stsp"]!.GetValue<double>());   // a 20-unit ESN
    }

    [Fact]
    public void A_plrnn_run_trains_checkpoints_and_reports_its_own_exponent()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-shplrnn-gtf.yaml", folder.Path,
            [.. Small, "training.epochs=3", "training.batches_per_epoch=3", "training.sequence_length=20"]);

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.True(double.IsFinite(summary["lambda_max_model"]!.GetValue<double>()));
        var lines = MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(3, lines.Count);                                                 // one per epoch
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "model.pt")));
        var (resumeCode, resumeText) = CliHarness.Run("run", "--resume", run);
        Assert.Equal(2, resumeCode);
        Assert.Contains("do not resume", resumeText);
    }

    [Fact]
    public void A_training_that_diverges_says_so_and_records_the_epoch_in_the_summary()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-shplrnn-gtf.yaml", folder.Path,
            [.. Small, "training.forcing=none", "training.lr=1e3", "training.end_lr=1e3", "training.epochs=3", "training.batches_per_epoch=3",
             "training.sequence_length=50", "training.select_every=0"]);

        Assert.True(code == 0, text);                                                    // a finding, not a failure of the run
        Assert.Contains("training diverged", text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.InRange(summary["training_diverged_at_epoch"]!.GetValue<double>(), 1, 3);
    }

    [Fact]
    public void An_alrnn_run_counts_its_linear_subregions()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("lorenz-alrnn.yaml", folder.Path,
            [.. Small, "training.epochs=2", "training.batches_per_epoch=3", "training.sequence_length=20", "training.select_steps=200"]);

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.InRange(summary["regions_used"]!.GetValue<double>(), 1, 4);             // P = 2: at most 2² subregions
        Assert.Equal(2, summary["selected_epoch"]!.GetValue<double>());                 // the file selects; the last epoch is scored
        Assert.True(File.Exists(Path.Combine(run, "plots", "regions.png")));
    }

    [Fact]
    public void A_series_file_is_data_and_without_an_exponent_the_vpt_stays_in_steps()
    {
        using var folder = new TempFolder();
        var values = SystemSimulation.Generate(SystemCatalog.Get("lorenz63"), new SimulationOptions { Steps = 1500 });
        string csv = Path.Combine(folder.Path, "lorenz.csv");
        SeriesFile.WriteCsv(csv, new Series(["x", "y", "z"], values));

        var (code, text, run) = Run("lorenz-ngrc.yaml", folder.Path,
            [.. Small, "data.system=~", $"data.file={csv}", "data.dt=~"]);

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.Equal("lorenz.csv", summary["data"]!.GetValue<string>());
        Assert.True(summary["vpt_steps"]!.GetValue<double>() > 10);                    // NG-RC forecasts Lorenz-63 well
        Assert.Null(summary["vpt_lyapunov_times"]);
        Assert.Contains("evaluation.largest_exponent", File.ReadAllText(Path.Combine(run, "table.md")));
    }

    [Fact]
    public void The_benchmark_writes_one_row_per_system()
    {
        using var folder = new TempFolder();
        var (code, text, run) = Run("chaos-benchmark.yaml", folder.Path, [.. Small, "systems=[lorenz63,rossler]", "model.units=30"]);

        Assert.True(code == 0, text);
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.Equal(2, summary["systems"]!.GetValue<double>());
        string[] csv = File.ReadAllLines(Path.Combine(run, "table.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("lorenz63,", csv[1]);
        Assert.StartsWith("rossler,", csv[2]);
        Assert.Equal(2, MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Count);
    }
}
