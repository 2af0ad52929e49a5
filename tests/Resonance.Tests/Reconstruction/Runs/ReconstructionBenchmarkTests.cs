using System.Runtime.InteropServices;
using Resonance.Data;
using Resonance.Dynamics;
using Resonance.Experiments;
using Resonance.Reconstruction;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Reconstruction.Runs;

/// <summary>The chaos benchmark's reliability, on three systems with a tiny reservoir: an interrupted or crashed benchmark
/// continues at its first unfinished system, a failing system is a failed row, and the tensor library's Scalar fault
/// costs a rerun of one system, not the benchmark.</summary>
[NoCollections]
public class ReconstructionBenchmarkTests
{
    static readonly string[] Systems = ["lorenz63", "rossler", "henon"];

    /// <summary>A second or so per system: a short series, a small evaluation, 30 units.</summary>
    static readonly string[] Small =
    [
        "systems=[lorenz63,rossler,henon]", "data.steps=1500", "evaluation.test_steps=200", "evaluation.warmup=20",
        "evaluation.starts=3", "evaluation.horizon=100", "model.units=30",
    ];

    static string BenchmarkFile => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", "chaos-benchmark.yaml");

    static RunOutcome Start(ReconstructionKind kind, RunDirectory run, IRunEvents? events = null, CancellationToken stop = default)
    {
        var (_, document) = new ExperimentKinds().Add(kind).Detect(ConfigDocument.Load(BenchmarkFile));
        return RunLauncher.Start(kind, kind.Prepare(document, Small, null, "chaos-benchmark"), run, Context(run, events, stop));
    }

    static RunOutcome Resume(ReconstructionKind kind, RunDirectory run, IRunEvents? events = null) =>
        RunLauncher.Resume(new ExperimentKinds().Add(kind), run, Context(run, events, CancellationToken.None));

    static RunContext Context(RunDirectory run, IRunEvents? events, CancellationToken stop) =>
        new(TorchSharp.torch.CPU, new DataCache(Path.Combine(run.Path, "..", "cache")), events ?? NullRunEvents.Instance, stop);

    /// <summary>table.csv without its last column (seconds: wall-clock).</summary>
    static List<string> Table(RunDirectory run) =>
        [.. File.ReadAllLines(Path.Combine(run.Path, "table.csv")).Select(line => line[..line.LastIndexOf(',')])];

    static string Status(RunDirectory run) => run.ReadSummary()!["status"]!.GetValue<string>();

    [Fact]
    public void An_interrupted_benchmark_resumes_at_the_second_system_and_lists_every_system_once()
    {
        using var folder = new TempFolder();
        var whole = new RunDirectory(folder.Combine("whole"));
        Assert.Equal(RunStatus.Completed, Start(new ReconstructionKind(), whole).Status);

        var run = new RunDirectory(folder.Combine("cut"));
        using var stop = new CancellationTokenSource();
        var first = Start(new ReconstructionKind(), run, new RunEventRelay(e => { if (e is RunMetrics) stop.Cancel(); }), stop.Token);   // Ctrl-C during the first system

        Assert.Equal(RunStatus.Interrupted, first.Status);
        Assert.Equal("interrupted", Status(run));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run.Path, "table.csv")).Length);                   // the header and the finished system
        var started = new List<string>();
        var resumed = Resume(new ReconstructionKind(), run, new RunEventRelay(e => { if (e is RunProgress { Unit: "system" } p) started.Add(p.Text); }));

        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(Systems[1..], started);                                                             // lorenz63 is not run again
        Assert.Equal(Systems, MetricsLog.Read(run.MetricsPath).Select(line => line["system"]!.GetValue<string>()));
        Assert.Equal(Table(whole), Table(run));                                                          // the same figures as without the cut
        Assert.Equal(3, run.ReadSummary()!["systems"]!.GetValue<double>());
    }

    [Fact]
    public void A_crashed_benchmark_resumes_after_its_last_whole_line()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("crashed"));
        Assert.Equal(RunStatus.Completed, Start(new ReconstructionKind(), run).Status);
        var expected = Table(run);
        string[] lines = File.ReadAllLines(run.MetricsPath);
        File.WriteAllText(run.MetricsPath, lines[0] + "\n" + lines[1][..(lines[1].Length / 2)]);         // killed while writing the second line
        run.WriteSummary(new Dictionary<string, object?> { ["status"] = "running" });

        var (code, text) = CliHarness.Run("run", "--resume", run.Path, "--device", "cpu");

        Assert.True(code == 0, text);
        Assert.Contains("continuing at rossler", text);
        Assert.Equal("completed", Status(run));
        Assert.Equal(expected, Table(run));
        Assert.Equal([1L, 2L, 3L], MetricsLog.Read(run.MetricsPath).Select(line => line["step"]!.GetValue<long>()));
    }

    [Fact]
    public void A_failing_system_is_a_failed_row_with_its_reason_and_the_benchmark_goes_on()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("failing"));
        var kind = new ReconstructionKind
        {
            LoadSystem = (experiment, system) => system == "rossler"
                ? throw new DivergenceException("rossler: the trajectory left the finite numbers by step 256 (it diverged)")
                : ReconstructionData.Load(experiment, system),
        };

        var outcome = Start(kind, run);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Contains("2 of 3 systems reconstructed, 1 failed", outcome.Message);
        string[] csv = File.ReadAllLines(Path.Combine(run.Path, "table.csv"));
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("rossler,failed,", csv[2]);
        Assert.StartsWith("henon,", csv[3]);                                                              // the run went on to the next system
        Assert.DoesNotContain("failed", csv[3]);
        Assert.Contains("rossler failed: rossler: the trajectory left the finite numbers", File.ReadAllText(Path.Combine(run.Path, "table.md")));
        Assert.Equal(1, run.ReadSummary()!["failed"]!.GetValue<double>());
        Assert.Contains("diverged", MetricsLog.Read(run.MetricsPath)[1]["error"]!.GetValue<string>());
    }

    [Fact]
    public void The_tensor_librarys_scalar_fault_runs_that_system_again()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("fault"));
        int calls = 0;
        var kind = new ReconstructionKind
        {
            LoadSystem = (experiment, system) => system == "rossler" && calls++ == 0
                ? throw new ExternalException("Expected false to be true, but got false.")
                : ReconstructionData.Load(experiment, system),
        };
        var warnings = new List<string>();

        var outcome = Start(kind, run, new RunEventRelay(e => { if (e is RunMessage { Level: MessageLevel.Warning } m) warnings.Add(m.Text); }));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(2, calls);
        Assert.Contains("rossler: the tensor library's known Scalar fault", Assert.Single(warnings));
        Assert.Equal(0, run.ReadSummary()!["failed"]!.GetValue<double>());
    }
}
