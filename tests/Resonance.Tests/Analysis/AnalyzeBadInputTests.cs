using Resonance.Tests.Cli;
using Resonance.Tests.Training;

namespace Resonance.Tests.Analysis;

/// <summary>A RUN_DIR that cannot be analysed, or a bad <c>--set</c>, ends in one line naming it and exit code 2.</summary>
public class AnalyzeBadInputTests
{
    static void RefusedWith(string expected, params string[] args)
    {
        var (code, output) = CliHarness.Run(["analyze", .. args]);
        Assert.Equal(2, code);
        string message = output.Replace("\n", "");                 // the console wraps a long path at its width
        Assert.StartsWith("error: ", message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "error: "));
        Assert.Contains(expected, message);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        using var folder = new TempFolder();
        RefusedWith("no such folder; give a run directory that resonance run created", folder.Combine("nothing-here"));
    }

    [Fact]
    public void A_file_is_not_a_run()
    {
        using var folder = new TempFolder();
        RefusedWith("a file, not a run directory", folder.File("notes.txt", "x"));
    }

    [Fact]
    public void A_folder_without_config_is_not_a_run()
    {
        using var folder = new TempFolder();
        RefusedWith("not a run directory (no config.yaml)", folder.Path);
    }

    [Fact]
    public void A_spark_run_cannot_be_analysed_yet()
    {
        using var folder = new TempFolder();
        folder.File("config.yaml", "kind: sparks\nsparks:\n  neurons: 8\n");
        RefusedWith("a sparks run; resonance analyze reads training runs", folder.Path);
    }

    [Fact]
    public void A_run_without_checkpoints_says_so()
    {
        using var folder = new TempFolder();
        folder.File("config.yaml", "kind: training\n" + TrainingHarness.Tiny);
        RefusedWith("no checkpoint (checkpoints/best.ckpt or last.ckpt)", folder.Path);
    }

    [Fact]
    public void A_damaged_checkpoint_is_named()
    {
        using var folder = new TempFolder();
        folder.File("config.yaml", "kind: training\n" + TrainingHarness.Tiny);
        folder.File(Path.Combine("checkpoints", "best.ckpt"), "not a checkpoint at all");
        RefusedWith("best.ckpt: not a Resonance checkpoint", folder.Path);
    }

    [Fact]
    public void A_fused_model_has_no_step_to_analyse()
    {
        using var folder = new TempFolder();
        folder.File("config.yaml", "kind: training\n" + TrainingHarness.Tiny.Replace("type: rnn", "type: lstm-fused"));
        folder.File(Path.Combine("checkpoints", "last.ckpt"), "x");
        RefusedWith("model.type lstm-fused runs inside a fused libtorch kernel", folder.Path);
    }

    [Theory]
    [InlineData("analysis.bogus=1", "analysis.bogus: unknown key")]
    [InlineData("analysis.batch=0", "analysis.batch: expected a whole number in [1, 100000], got 0.")]
    [InlineData("analysis.fixed_points.tol_q=-1", "analysis.fixed_points.tol_q: expected a number > 0")]
    [InlineData("analysis.parts=fixed_points,fixed_points", "analysis.parts: the list names an entry twice")]
    [InlineData("training.lr=1", "resonance analyze takes only analysis.* keys")]
    public void A_bad_setting_names_its_key(string assignment, string expected)
    {
        using var folder = new TempFolder();
        RefusedWith(expected, folder.Path, "--set", assignment);
    }
}
