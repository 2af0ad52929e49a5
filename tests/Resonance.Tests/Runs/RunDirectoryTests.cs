using Resonance.Runs;
using Resonance.Tests.Cli;

namespace Resonance.Tests.Runs;

/// <summary>The one run directory: where a new run may go, what a summary always holds, and what a listing does with damage.</summary>
public class RunDirectoryTests
{
    const string Sine = """
        name: sine
        seed: 2
        model: { type: rnn, hidden: 8 }
        data: { dataset: synthetic, samples: 64, steps: 6 }
        training: { epochs: 1, lr: 0.01, batch_size: 32 }
        logging: { tensorboard: false, plots: false }
        """;

    [Fact]
    public void A_folder_with_other_files_is_refused_and_left_as_it_was()
    {
        using var folder = new TempFolder();
        string file = folder.File("sine.yaml", Sine);
        string mine = folder.File("mine/summary-notes.txt", "my notes");
        var (code, output) = CliHarness.Run("run", file, "--out", folder.Combine("mine"));
        Assert.Equal(2, code);
        Assert.Contains("the folder is not empty and is not a run", output);
        Assert.Equal(["summary-notes.txt"], Directory.GetFileSystemEntries(folder.Combine("mine")).Select(Path.GetFileName));
        Assert.Equal("my notes", File.ReadAllText(mine));
    }

    [Fact]
    public void An_out_that_is_a_file_or_under_a_file_is_refused_with_one_line()
    {
        using var folder = new TempFolder();
        string file = folder.File("sine.yaml", Sine);
        foreach (string target in new[] { file, Path.Combine(file, "run") })
        {
            var (code, output) = CliHarness.Run("run", file, "--out", target);
            Assert.Equal(2, code);
            Assert.Contains("is a file", output);
            Assert.Single(output.Trim().Split('\n'));
        }
    }

    [Fact]
    public void An_empty_out_or_resume_is_refused_with_one_line()
    {
        foreach (string[] args in new[] { new[] { "run", "sine-regression", "--out", "" }, ["run", "--resume", " "] })
        {
            var (code, output) = CliHarness.Run(args);
            Assert.Equal(2, code);
            Assert.Contains("not a folder name", output);
        }
    }

    [Fact]
    public void A_name_that_is_a_path_is_refused_so_the_run_stays_in_the_runs_folder()
    {
        foreach (string name in new[] { "../../x", "/tmp/x", "..", "a/b" })
            Assert.Contains("is not a plain name", Assert.Throws<UserInputException>(() => RunDirectory.DefaultPath(name, DateTime.Now)).Message);
        Assert.EndsWith("quick-20261201-101500", RunDirectory.DefaultPath("quick", new DateTime(2026, 12, 1, 10, 15, 0)));
    }

    [Fact]
    public void A_data_cache_that_is_a_file_is_refused_before_any_folder_is_made()
    {
        using var folder = new TempFolder();
        string file = folder.File("mnist.yaml", Sine.Replace("dataset: synthetic, samples: 64, steps: 6", "dataset: mnist, view: row"));
        var environment = new Dictionary<string, string> { ["RESONANCE_HOME"] = folder.File("home-is-a-file", "x") };
        var (code, output) = CliProcess.Run(folder.Path, environment, "run", file, "--out", folder.Combine("run"));
        Assert.Equal(2, code);
        Assert.Contains("RESONANCE_HOME=", output);
        Assert.Contains("is a file", output);
        Assert.False(Directory.Exists(folder.Combine("run")));
    }

    sealed class FailingBuild : IPreparedRun
    {
        public string Name => "failing";
        public string ResolvedYaml => "name: failing\n";
        public string Describe(TorchSharp.torch.Device device) => "a run whose build fails";
        public IBuiltRun Build(RunContext context, bool resume) => throw new UserInputException("model.hidden: too large for this machine");
    }

    [Fact]
    public void A_failure_while_building_leaves_no_folder_behind()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("run"));
        var context = new RunContext(TorchSharp.torch.CPU, new Resonance.Data.DataCache(folder.Combine("cache")), NullRunEvents.Instance, CancellationToken.None);
        var kind = ExperimentKinds.CreateDefault().All[0];
        Assert.Throws<UserInputException>(() => RunLauncher.Start(kind, new FailingBuild(), run, context));
        Assert.False(Directory.Exists(run.Path));
    }

    [Fact]
    public void A_learning_rate_that_blows_up_the_weights_ends_as_a_run_not_a_bug()
    {
        using var folder = new TempFolder();
        string file = folder.File("sine.yaml", Sine);
        var (refused, message) = CliHarness.Run("run", file, "--out", folder.Combine("lr1e38"), "--set", "training.lr=1e38");
        Assert.Equal(2, refused);
        Assert.Contains("training.lr: 1E+38 is beyond any useful learning rate", message);
        foreach (string lr in new[] { "1e20", "1e29" })
        {
            // Whether these weights overflow depends on the model; either way the run ends as a run, with its summary.
            var (code, output) = CliHarness.Run("run", file, "--out", folder.Combine($"lr{lr}"), "--set", $"training.lr={lr}",
                "--set", "model.type=resonator", "--set", "training.epochs=2", "--set", "training.clip_grad_norm=~");
            Assert.True(code is 0 or 1, $"exit {code}: {output}");
            Assert.DoesNotContain("internal error", output);
            string status = new RunDirectory(folder.Combine($"lr{lr}")).ReadSummary()!["status"]!.GetValue<string>();
            Assert.Equal(code == 0 ? "completed" : "diverged", status);
        }
    }

    [Fact]
    public void The_summary_always_holds_kind_status_and_start_time_first()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("run"));
        run.Create("training", "kind: training\n");
        run.WriteSummary(new Dictionary<string, object?> { ["test_loss"] = 0.5, ["status"] = "completed" });
        var summary = run.ReadSummary()!;
        Assert.Equal(["kind", "status", "started_at", "test_loss"], summary.Select(pair => pair.Key));
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_temp_file_left_by_a_killed_writer_is_removed_at_the_next_write()
    {
        using var folder = new TempFolder();
        string target = folder.Combine("summary.json");
        string stale = folder.File(".summary.json.999999999.0123456789abcdef.tmp", "half");
        AtomicFile.WriteAllText(target, "{}");
        Assert.False(File.Exists(stale));
        Assert.Equal("{}", File.ReadAllText(target));
    }

    [Fact]
    public void Runs_lists_half_written_and_damaged_folders_with_a_reason()
    {
        using var folder = new TempFolder();
        folder.File("no-summary/config.yaml", "kind: sparks\n");
        folder.File("duplicate-key/config.yaml", "kind: training\n");
        folder.File("duplicate-key/summary.json", """{"kind": "training", "status": "completed", "status": "failed"}""");
        folder.File("not-json/config.yaml", "kind: training\n");
        folder.File("not-json/summary.json", "{\"kind\": ");
        folder.File("not-a-run/notes.txt", "x");

        var (code, output) = CliHarness.Run("runs", "--root", folder.Path);

        Assert.Equal(0, code);
        Assert.Matches(@"no-summary\s*│\s*sparks\s*│\s*\?.*no summary\.json", output);
        Assert.Matches(@"duplicate-key\s*│\s*training\s*│.*summary\.json unreadable", output);
        Assert.Matches(@"not-json\s*│\s*training\s*│.*summary\.json unreadable", output);
        Assert.DoesNotContain("not-a-run", output);
    }

    [Fact]
    public void Runs_with_a_root_that_does_not_exist_exits_2()
    {
        var (code, output) = CliHarness.Run("runs", "--root", "/no/such/runs/folder");
        Assert.Equal(2, code);
        Assert.Contains("--root /no/such/runs/folder: no such folder", output);
    }
}
