using Resonance.Experiments;
using Resonance.Runs;

namespace Resonance.Sweeps;

/// <summary>What to do with a point when a sweep (re)starts.</summary>
public enum PointAction
{
    /// <summary>Finished (completed or failed): kept as it is.</summary>
    Skip,
    /// <summary>New: <c>resonance run points/NAME.yaml --out runs/NAME</c>.</summary>
    Start,
    /// <summary>Interrupted or left running by a process that died: <c>resonance run --resume runs/NAME</c>.</summary>
    Resume,
}

/// <summary>A point with what to do about it.</summary>
public sealed record PointTask(SweepPoint Point, PointAction Action)
{
    /// <summary>The <c>resonance</c> arguments that do it (after the CLI's own command), with <paramref name="threads"/> intra-op threads.</summary>
    public IReadOnlyList<string> Arguments(SweepDirectory folder, int threads)
    {
        string count = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Action == PointAction.Resume
            ? ["run", "--resume", folder.PointRun(Point).Path, "--threads", count]
            : ["run", folder.PointConfig(Point), "--out", folder.PointRun(Point).Path, "--threads", count];
    }
}

/// <summary>Decides, point by point, what a (re)started sweep does: finished points are skipped, interrupted ones resumed
/// where their kind can resume (else moved aside and started again), damaged folders moved aside (never deleted).</summary>
public static class SweepWork
{
    /// <summary>The points to run, in plan order, with the folders of points that must start again moved aside.</summary>
    /// <param name="folder">The sweep folder.</param>
    /// <param name="plan">Its points.</param>
    /// <param name="kinds">To ask a point's kind whether its run can resume.</param>
    /// <param name="takeRunning">Whether a point that says <c>running</c> is taken over (a local sweep: its process died with the
    /// sweep) or left alone (a Slurm resubmission: it may still be running in the queue).</param>
    /// <param name="moved">Told each folder moved aside (from, to).</param>
    /// <param name="retryFailed">Whether a point that failed (a fault of the run, a diverged training) is moved aside and
    /// started again (<c>resonance sweep --retry-failed</c>) instead of kept.</param>
    public static IReadOnlyList<PointTask> Decide(SweepDirectory folder, SweepPlan plan, ExperimentKinds kinds, bool takeRunning, Action<string, string>? moved = null,
        bool retryFailed = false)
    {
        var tasks = new List<PointTask>();
        foreach (var point in plan.Points)
        {
            var state = folder.State(point);
            switch (state)
            {
                case PointState.Failed when retryFailed:
                    moved?.Invoke(folder.PointRun(point).Path, folder.MoveAside(point));
                    tasks.Add(new PointTask(point, PointAction.Start));
                    break;
                case PointState.Completed or PointState.Failed:
                    tasks.Add(new PointTask(point, PointAction.Skip));
                    break;
                case PointState.Running when !takeRunning:
                    tasks.Add(new PointTask(point, PointAction.Skip));
                    break;
                case PointState.Pending:
                    tasks.Add(new PointTask(point, PointAction.Start));
                    break;
                case PointState.Interrupted or PointState.Running when CanResume(folder.PointRun(point), kinds):
                    tasks.Add(new PointTask(point, PointAction.Resume));
                    break;
                default:
                    string from = folder.PointRun(point).Path;
                    moved?.Invoke(from, folder.MoveAside(point));
                    tasks.Add(new PointTask(point, PointAction.Start));
                    break;
            }
        }
        return tasks;
    }

    /// <summary>Whether the run's kind can continue it from what it saved (asks the kind, which checks its checkpoint or snapshot).</summary>
    static bool CanResume(RunDirectory run, ExperimentKinds kinds)
    {
        try
        {
            var (kind, config) = kinds.Detect(ConfigDocument.Load(run.ConfigPath));
            kind.PrepareResume(run, config);
            return true;
        }
        catch (UserInputException)
        {
            return false;
        }
    }
}
