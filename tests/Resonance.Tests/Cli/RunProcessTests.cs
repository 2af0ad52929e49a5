using Resonance.Runs;
using System.Diagnostics;
using Resonance.Training;

namespace Resonance.Tests.Cli;

/// <summary>The real tool under real signals: SIGINT saves and exits cleanly; SIGKILL at any moment leaves a resumable run.</summary>
public class RunProcessTests
{
    // Long enough to be killed mid-way (384 batches, a checkpoint after every one: at 4 epochs a fast machine finished inside
    // the random wait before the kill), small enough to finish in seconds.
    const string Experiment = """
        name: killme
        seed: 5
        model:
          type: rnn
          hidden: 16
        data:
          dataset: synthetic
          samples: 512
          steps: 12
        training:
          epochs: 12
          lr: 0.01
          batch_size: 16
          checkpoint_every_batches: 1
        logging:
          every_batches: 4
          plots: false
        """;

    [Fact]
    public void Sigint_saves_a_checkpoint_and_exits_130_and_resume_finishes_like_an_uninterrupted_run()
    {
        using var folder = new TempFolder();
        string file = folder.File("killme.yaml", Experiment);
        var reference = RunToEnd(folder, file, "reference");

        string runPath = Path.Combine(folder.Path, "interrupted");
        using (var process = CliProcess.Start(folder.Path, null, "run", file, "--out", runPath))
        {
            WaitFor(() => File.Exists(Path.Combine(runPath, "checkpoints", "last.ckpt")), process);
            CliProcess.Signal(process, "INT");
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 130 || process.ExitCode == 0, $"exit {process.ExitCode}: {output}");
            if (process.ExitCode == 130) Assert.Contains("resonance run --resume", output);
        }
        var (code, resumeOutput) = CliProcess.Run(folder.Path, null, "run", "--resume", runPath);
        Assert.True(code == 0, resumeOutput);
        Assert.Equal(reference, TestFigures(runPath));
    }

    [Fact]
    public void A_run_killed_with_sigkill_at_any_moment_resumes_from_its_last_checkpoint()
    {
        using var folder = new TempFolder();
        string file = folder.File("killme.yaml", Experiment);
        var reference = RunToEnd(folder, file, "reference");
        string runPath = Path.Combine(folder.Path, "killed");
        var random = new Random(17);

        using (var process = CliProcess.Start(folder.Path, null, "run", file, "--out", runPath))
        {
            WaitFor(() => File.Exists(Path.Combine(runPath, "checkpoints", "last.ckpt")) && MetricsLog.Read(Path.Combine(runPath, "metrics.jsonl")).Count > 0, process);
            Thread.Sleep(random.Next(0, 400));
            process.Kill();
            process.WaitForExit();
        }
        // Killed outright: the run says it is running (nothing could say otherwise) and keeps its metrics so far.
        var killed = new RunDirectory(runPath).ReadSummary()!;
        Assert.Equal("running", killed["status"]!.GetValue<string>());
        Assert.Equal("training", killed["kind"]!.GetValue<string>());
        Assert.NotEmpty(MetricsLog.Read(Path.Combine(runPath, "metrics.jsonl")));
        for (int kill = 0; kill < 2; kill++)
        {
            using var process = CliProcess.Start(folder.Path, null, "run", "--resume", runPath);
            Thread.Sleep(random.Next(600, 1500)); // somewhere in start-up, a batch, or a checkpoint write
            process.Kill();
            process.WaitForExit();
            Assert.DoesNotContain(Directory.GetFiles(Path.Combine(runPath, "checkpoints"), "*.ckpt"), f => new FileInfo(f).Length == 0);
        }
        var (code, output) = CliProcess.Run(folder.Path, null, "run", "--resume", runPath);
        Assert.True(code == 0, output);
        Assert.Equal(reference, TestFigures(runPath));
    }

    [Fact]
    public void A_bad_override_exits_2_with_one_line_naming_the_key()
    {
        using var folder = new TempFolder();
        string file = folder.File("killme.yaml", Experiment);
        var (code, output) = CliProcess.Run(folder.Path, null, "run", file, "--set", "training.lr=fast");
        Assert.Equal(2, code);
        Assert.Contains("training.lr: expected a number, got \"fast\"", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs")));
    }

    static string RunToEnd(TempFolder folder, string file, string name)
    {
        string path = Path.Combine(folder.Path, name);
        var (code, output) = CliProcess.Run(folder.Path, null, "run", file, "--out", path);
        Assert.True(code == 0, output);
        return TestFigures(path);
    }

    static string TestFigures(string runPath)
    {
        var summary = new RunDirectory(runPath).ReadSummary()!;
        return $"{summary["status"]} {summary["steps"]} {summary["test_loss"]} {summary["test_accuracy"]} {summary["final_train_loss"]}";
    }

    internal static void WaitFor(Func<bool> condition, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited) throw new InvalidOperationException("resonance exited early: " + process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd());
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("no checkpoint within 60 s");
            Thread.Sleep(20);
        }
    }
}
