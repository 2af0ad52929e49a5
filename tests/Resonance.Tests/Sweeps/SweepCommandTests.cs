using System.Text.Json.Nodes;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Runs;

namespace Resonance.Tests.Sweeps;

/// <summary><c>resonance sweep</c> through the real CLI: children are real <c>resonance run</c> processes.</summary>
public class SweepCommandTests
{
    static string[] TinySine => [.. EveryExperimentFileTests.Tiny("sine-regression.yaml").Overrides.SelectMany(o => new[] { "--set", o })];

    [Fact]
    public void A_local_sweep_runs_every_point_tables_them_and_a_rerun_keeps_them()
    {
        using var folder = new TempFolder();
        string sweep = folder.Combine("sweep");
        var (code, output) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--grid", "training.lr=0.005,0.02", "--seeds", "2",
            "--parallel", "2", "--out", sweep, .. TinySine]);
        Assert.True(code == 0, output);
        Assert.Contains("sweep completed: 4 points", output);

        var summary = new RunDirectory(sweep).ReadSummary()!;
        Assert.Equal(("sweep", "completed", 4L, 4L), (summary["kind"]!.GetValue<string>(), summary["status"]!.GetValue<string>(),
            summary["points"]!.GetValue<long>(), summary["points_completed"]!.GetValue<long>()));
        foreach (string point in new[] { "p000", "p001", "p002", "p003" })
        {
            Assert.Equal("completed", new RunDirectory(Path.Combine(sweep, "runs", point)).ReadSummary()!["status"]!.GetValue<string>());
            Assert.True(new FileInfo(Path.Combine(sweep, "logs", point + ".log")).Length > 0);
        }
        string[] table = File.ReadAllLines(Path.Combine(sweep, "table.csv"));
        Assert.Equal(3, table.Length);                                   // header + two settings
        Assert.StartsWith("training.lr,seeds_completed,seeds,", table[0]);
        Assert.StartsWith("0.005,2,2,", table[1]);
        Assert.StartsWith("0.02,2,2,", table[2]);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(sweep, "runs.csv")).Length);
        Assert.True(File.Exists(Path.Combine(sweep, "plots", "training.lr.png")));
        var lines = MetricsLog.Read(Path.Combine(sweep, "metrics.jsonl"));
        Assert.Equal(["p000", "p001", "p002", "p003"], lines.Select(l => l["point"]!.GetValue<string>()).Order());

        // the same command again: nothing to run, same table
        var (again, text) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--grid", "training.lr=0.005,0.02", "--seeds", "2",
            "--out", sweep, .. TinySine]);
        Assert.True(again == 0, text);
        Assert.Contains("4 of 4 points already finished", text);
        Assert.Equal(table, File.ReadAllLines(Path.Combine(sweep, "table.csv")));
        Assert.Equal(4, MetricsLog.Read(Path.Combine(sweep, "metrics.jsonl")).Count);

        // resonance runs: one row for the sweep, its children folded inside it
        var (listed, list) = CliProcess.Run(folder.Path, null, ["runs", "--root", folder.Path, "--json"]);
        Assert.Equal(0, listed);
        var rows = JsonNode.Parse(list)!.AsArray();
        Assert.Equal("sweep", rows.Single()!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Run_on_a_sweep_file_and_bad_sweeps_end_in_one_line_with_exit_2()
    {
        using var folder = new TempFolder();
        string file = folder.File("s.yaml", File.ReadAllText(SweepWorkTests.SineFile) + "\nsweep:\n  seeds: 2\n");
        var (code, output) = CliProcess.Run(folder.Path, null, ["run", file]);
        Assert.Equal(2, code);
        Assert.Contains("run it with resonance sweep", output);

        (code, output) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--grid", "training.lr=0.01,abc"]);
        Assert.Equal(2, code);
        Assert.Contains("sweep point p001 (training.lr=abc, seed 1)", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(Directory.Exists(folder.Combine("runs")));

        (code, output) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--seeds", "2", "--cpus", "4"]);
        Assert.Equal(2, code);
        Assert.Contains("add --slurm", output);

        (code, output) = CliProcess.Run(folder.Path, null, ["sweep", "--collect", folder.Path]);
        Assert.Equal(2, code);
        Assert.Contains("not a sweep folder", output);
    }

    [Fact]
    public async Task Stopping_a_sweep_stops_its_children_and_the_same_command_goes_on()
    {
        using var folder = new TempFolder();
        string sweep = folder.Combine("sweep");
        // long enough that the children are still training when the signal comes
        string[] args = ["sweep", SweepWorkTests.SineFile, "--seeds", "2", "--parallel", "2", "--out", sweep,
            "--set", "training.epochs=10", "--set", "data.samples=1024", "--set", "logging.tensorboard=false"];
        using (var process = CliProcess.Start(folder.Path, null, args))
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!Directory.Exists(Path.Combine(sweep, "runs")) ||
                   !Directory.GetFiles(Path.Combine(sweep, "runs"), "metrics.jsonl", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited, "the children never started training");
                Thread.Sleep(100);
            }
            CliProcess.Signal(process, "TERM");
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
            Assert.True(process.ExitCode == 130, await stdout + await stderr);
        }
        Assert.Equal("interrupted", new RunDirectory(sweep).ReadSummary()!["status"]!.GetValue<string>());
        var states = new[] { "p000", "p001" }.Select(p => new RunDirectory(Path.Combine(sweep, "runs", p)).ReadSummary()?["status"]?.GetValue<string>()).ToList();
        Assert.Contains("interrupted", states);

        var (code, output) = CliProcess.Run(folder.Path, null, args);
        Assert.True(code == 0, output);
        Assert.Contains("resumed", output);
        Assert.Equal("completed", new RunDirectory(sweep).ReadSummary()!["status"]!.GetValue<string>());
    }
}
