using System.Diagnostics;
using Resonance.Runs;
using Resonance.Tests.Cli;

namespace Resonance.Tests.Runs;

/// <summary>A spark simulation through the real tool: its metrics grow line by line while it runs, and a run killed
/// outright resumes from its last snapshot to the same numbers as an uninterrupted one.</summary>
public class SparkLifecycleTests
{
    const string Simulation = """
        kind: sparks
        seed: 4
        sparks: { neurons: 48, spark_count: 6 }
        measures: { every: 25 }
        run: { steps: 1500, picture_steps: [], frame_every: 0, snapshot_every: 250, image_size: 200 }
        """;

    static List<string> Reproducible(string runPath) =>
        MetricsLog.Read(Path.Combine(runPath, "metrics.jsonl")).Select(line =>
        {
            foreach (string key in line.Select(kv => kv.Key).Where(MetricsLog.IsTimingKey).ToList()) line.Remove(key);
            return line.ToJsonString();
        }).ToList();

    [Fact]
    public void Metrics_grow_line_by_line_while_the_run_lives_and_a_killed_run_resumes_to_the_same_numbers()
    {
        using var folder = new TempFolder();
        string file = folder.File("sim.yaml", Simulation);
        var (code, output) = CliProcess.Run(folder.Path, null, "run", file, "--out", folder.Combine("whole"));
        Assert.True(code == 0, output);
        var reference = Reproducible(folder.Combine("whole"));
        Assert.Equal(61, reference.Count);   // steps 0, 25, ..., 1500

        string runPath = folder.Combine("killed");
        string metrics = Path.Combine(runPath, "metrics.jsonl");
        using (var process = CliProcess.Start(folder.Path, null, "run", file, "--out", runPath))
        {
            // Read while it runs: a few lines now, more later, every one whole.
            RunProcessTests.WaitFor(() => MetricsLog.Read(metrics).Count >= 3, process);
            int early = MetricsLog.Read(metrics).Count;
            RunProcessTests.WaitFor(() => Directory.Exists(Path.Combine(runPath, "snapshots")) &&
                                          Directory.GetFiles(Path.Combine(runPath, "snapshots"), "*.npz").Length >= 1, process);
            int later = MetricsLog.Read(metrics).Count;
            Assert.False(process.HasExited, "the run ended before it could be watched; make it longer");
            Assert.True(later > early, $"metrics.jsonl did not grow: {early} then {later} lines");
            process.Kill();
            process.WaitForExit();
        }
        Assert.Equal("running", new RunDirectory(runPath).ReadSummary()!["status"]!.GetValue<string>());

        (code, output) = CliProcess.Run(folder.Path, null, "run", "--resume", runPath);
        Assert.True(code == 0, output);
        Assert.Equal(reference, Reproducible(runPath));
        var summary = new RunDirectory(runPath).ReadSummary()!;
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        Assert.Equal(1500, summary["last_step"]!.GetValue<double>());
    }
}
