using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Sweeps;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Sweeps;

public class SweepWorkTests
{
    internal static string SineFile => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", "sine-regression.yaml");

    static PreparedSweep Prepare(string root, int seeds = 3) => SweepSetup.Prepare(ExperimentKinds.CreateDefault(), ConfigDocument.Load(SineFile), "sine-regression",
        new SweepSpec { Grid = [new("training.lr", ["0.01", "0.02"])], Seeds = seeds }, (true, false, false), ["training.epochs=1"], null, null, root);

    [Fact]
    public void Every_point_is_checked_before_anything_is_written()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<UserInputException>(() => SweepSetup.Prepare(ExperimentKinds.CreateDefault(), ConfigDocument.Load(SineFile), "sine-regression",
            new SweepSpec { Grid = [new("training.lr", ["0.01", "-1"])] }, (false, false, false), [], null, null, folder.Path));
        Assert.StartsWith("sweep point p001 (training.lr=-1, seed 1): ", error.Message);
        Assert.Contains("training.lr", error.Message[30..]);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_sweep_folder_holds_its_config_points_and_resolved_point_files()
    {
        using var folder = new TempFolder();
        var prepared = Prepare(folder.Path);
        Assert.True(prepared.Materialise());
        var sweep = prepared.Folder;
        Assert.Equal(Path.Combine(folder.Path, $"sine-regression-sweep-{prepared.Plan.Fingerprint}"), sweep.Path);
        Assert.Equal(6, sweep.ReadPlan().Points.Count);
        string p003 = File.ReadAllText(sweep.PointConfig(prepared.Plan.Points[3]));
        Assert.StartsWith("kind: training\n", p003);
        Assert.Contains("lr: 0.02", p003);
        Assert.Contains("seed: 1", p003);       // p003 = the second setting's first seed
        Assert.Equal("running", sweep.Run.ReadSummary()!["status"]!.GetValue<string>());
        Assert.Equal("sweep", RunListing.Read(sweep.Path)!.Kind);

        // the sweep folder's config.yaml is itself a sweep file that names the same sweep
        var again = SweepSetup.Prepare(ExperimentKinds.CreateDefault(), ConfigDocument.Load(sweep.Run.ConfigPath), "config",
            new SweepSpec(), (false, false, false), [], null, null, folder.Path);
        Assert.Equal(prepared.Plan.Fingerprint, again.Plan.Fingerprint);
        Assert.False(again.Materialise());

        // another sweep into the same folder is refused
        var other = SweepSetup.Prepare(ExperimentKinds.CreateDefault(), ConfigDocument.Load(SineFile), "sine-regression",
            new SweepSpec { Seeds = 2 }, (true, false, false), [], null, sweep.Path, folder.Path);
        Assert.Contains("holds another sweep", Assert.Throws<UserInputException>(() => other.Materialise()).Message);
    }

    [Fact]
    public void A_restart_skips_finished_points_resumes_what_can_resume_and_moves_the_rest_aside()
    {
        using var folder = new TempFolder();
        var prepared = Prepare(folder.Path);
        prepared.Materialise();
        var sweep = prepared.Folder;
        var points = prepared.Plan.Points;
        void Fake(int i, string status, bool checkpoint = false)
        {
            var run = sweep.PointRun(points[i]);
            Directory.CreateDirectory(run.CheckpointsPath);
            File.Copy(sweep.PointConfig(points[i]), run.ConfigPath);
            File.WriteAllText(run.SummaryPath, $"{{\"kind\": \"training\", \"status\": \"{status}\"}}");
            if (checkpoint) File.WriteAllText(run.LastCheckpointPath, "x");
        }
        Fake(0, "completed");
        Fake(1, "interrupted", checkpoint: true);
        Fake(2, "interrupted");                                        // stopped before its first checkpoint: cannot resume
        Directory.CreateDirectory(sweep.PointRun(points[3]).Path);     // empty: not started
        Directory.CreateDirectory(sweep.PointRun(points[4]).Path);
        File.WriteAllText(Path.Combine(sweep.PointRun(points[4]).Path, "stray.txt"), "half-made");
        Fake(5, "diverged");

        var moved = new List<string>();
        var tasks = SweepWork.Decide(sweep, prepared.Plan, ExperimentKinds.CreateDefault(), takeRunning: true, (from, to) => moved.Add(Path.GetFileName(to)));

        Assert.Equal([PointAction.Skip, PointAction.Resume, PointAction.Start, PointAction.Start, PointAction.Start, PointAction.Skip], tasks.Select(t => t.Action));
        Assert.Equal(["p002.old-1", "p004.old-1"], moved);
        Assert.True(File.Exists(Path.Combine(sweep.RunsPath, "p004.old-1", "stray.txt")));      // never deleted
        Assert.Equal(["run", "--resume", sweep.PointRun(points[1]).Path, "--threads", "2"], tasks[1].Arguments(sweep, 2));
        Assert.Equal(["run", sweep.PointConfig(points[2]), "--out", sweep.PointRun(points[2]).Path, "--threads", "1"], tasks[2].Arguments(sweep, 1));
    }

    /// <summary>A one-point sweep whose point's run folder says <paramref name="status"/>.</summary>
    static PreparedSweep OnePointWithStatus(string path, string status)
    {
        var prepared = Prepare(path, seeds: 1);
        prepared.Materialise();
        var run = prepared.Folder.PointRun(prepared.Plan.Points[0]);
        Directory.CreateDirectory(run.Path);
        File.Copy(prepared.Folder.PointConfig(prepared.Plan.Points[0]), run.ConfigPath);
        File.WriteAllText(run.SummaryPath, $"{{\"kind\": \"training\", \"status\": \"{status}\"}}");
        return prepared;
    }

    [Fact]
    public void A_failed_point_is_kept_unless_failed_points_are_retried_and_then_its_folder_is_moved_aside()
    {
        using var folder = new TempFolder();
        var prepared = OnePointWithStatus(folder.Path, "failed");

        Assert.Equal(PointAction.Skip, SweepWork.Decide(prepared.Folder, prepared.Plan, ExperimentKinds.CreateDefault(), takeRunning: true)[0].Action);
        var moved = new List<string>();
        var task = SweepWork.Decide(prepared.Folder, prepared.Plan, ExperimentKinds.CreateDefault(), takeRunning: true,
            (from, to) => moved.Add(Path.GetFileName(to)), retryFailed: true)[0];
        Assert.Equal(PointAction.Start, task.Action);
        Assert.Equal(["p000.old-1"], moved);
        Assert.True(File.Exists(Path.Combine(prepared.Folder.RunsPath, "p000.old-1", "summary.json")));   // kept, not deleted
    }

    [Fact]
    public void A_running_point_is_left_alone_for_Slurm_and_taken_over_here()
    {
        using var folder = new TempFolder();
        var prepared = OnePointWithStatus(folder.Path, "running");
        Assert.Equal(PointAction.Skip, SweepWork.Decide(prepared.Folder, prepared.Plan, ExperimentKinds.CreateDefault(), takeRunning: false)[0].Action);
        Assert.Equal(PointAction.Start, SweepWork.Decide(prepared.Folder, prepared.Plan, ExperimentKinds.CreateDefault(), takeRunning: true)[0].Action);
    }
}
