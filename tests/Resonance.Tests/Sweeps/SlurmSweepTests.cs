using System.Diagnostics;
using Resonance.Runs;
using Resonance.Sweeps;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;
using Resonance.Tests.Runs;

namespace Resonance.Tests.Sweeps;

/// <summary>A sweep submitted to a real one-node Slurm (tests/slurm/up.sh brings it up: Debian's slurmctld, slurmd and munge on
/// loopback, installed when missing) and collected.</summary>
public class SlurmSweepTests
{
    static readonly Lazy<string?> Problem = new(BringUp, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs tests/slurm/up.sh; null when the cluster answers, else why not.</summary>
    static string? BringUp()
    {
        string script = Path.Combine(ExperimentConfigTests.RepositoryRoot(), "tests", "slurm", "up.sh");
        var (code, output, error) = Exec.Run("bash", [script], TimeSpan.FromMinutes(10), "bash not found");
        return code == 0 ? null : code == 3
            ? "the Slurm sweep test needs a one-node Slurm: run tests/slurm/up.sh as root once (it installs slurmctld, slurmd and munge and starts them)."
            : $"tests/slurm/up.sh failed (exit {code}): {output}{error}";
    }

    [Fact]
    public void A_four_point_sweep_runs_as_one_job_array_and_is_collected()
    {
        if (Problem.Value is { } problem) Assert.Fail(problem);
        using var folder = new TempFolder();
        string sweep = folder.Combine("sweep");
        string[] tiny = [.. EveryExperimentFileTests.Tiny("sine-regression.yaml").Overrides.SelectMany(o => new[] { "--set", o })];
        var (code, output) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--grid", "training.lr=0.005,0.02", "--seeds", "2",
            "--slurm", "--cpus", "1", "--time", "00:10:00", "--out", sweep, .. tiny]);
        Assert.True(code == 0, output);
        var match = System.Text.RegularExpressions.Regex.Match(output, @"submitted Slurm job array (\d+) \(4 task\(s\)\)");
        Assert.True(match.Success, output);
        string job = match.Groups[1].Value;
        string script = File.ReadAllText(Path.Combine(sweep, "sweep.sbatch"));
        Assert.Contains("#SBATCH --array=0-3", script);
        Assert.Contains("#SBATCH --time=00:10:00", script);
        Assert.Equal(0, Exec.Run("bash", ["-n", Path.Combine(sweep, "sweep.sbatch")], TimeSpan.FromSeconds(10), "bash").Code);
        Assert.Equal("running", new RunDirectory(sweep).ReadSummary()!["status"]!.GetValue<string>());

        var clock = Stopwatch.StartNew();
        while (Exec.Run("squeue", ["-h", "-j", job], TimeSpan.FromSeconds(30), "squeue not found").Output.Trim().Length > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"job {job} still queued after 4 minutes");
            Thread.Sleep(500);
        }

        (code, output) = CliProcess.Run(folder.Path, null, ["sweep", "--collect", sweep]);
        Assert.True(code == 0, output);
        Assert.Contains("4 of 4 points completed", output);
        Assert.Equal("completed", new RunDirectory(sweep).ReadSummary()!["status"]!.GetValue<string>());
        Assert.Equal(4, Directory.GetFiles(Path.Combine(sweep, "logs"), $"slurm-{job}_*.out").Length);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(sweep, "table.csv")).Length);

        // submitting the same sweep again finds nothing left to do
        (code, output) = CliProcess.Run(folder.Path, null, ["sweep", SweepWorkTests.SineFile, "--grid", "training.lr=0.005,0.02", "--seeds", "2",
            "--slurm", "--cpus", "1", "--time", "00:10:00", "--out", sweep, .. tiny]);
        Assert.True(code == 0, output);
        Assert.Contains("nothing submitted", output);
    }
}
