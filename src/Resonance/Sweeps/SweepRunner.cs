using Resonance.Experiments;
using Resonance.Runs;

namespace Resonance.Sweeps;

/// <summary>
/// Runs a prepared sweep (here, or by submitting it to Slurm) and gathers its results: the engine behind
/// <c>resonance sweep</c>. Reports through the run's event stream like any run; the children report into their own folders.
/// </summary>
public static class SweepRunner
{
    /// <summary>Creates or continues the sweep folder, runs the points that need it, and collects the results.</summary>
    /// <param name="prepared">The checked sweep.</param>
    /// <param name="kinds">The kinds registry (resumability and headline figures of the children).</param>
    /// <param name="cli">How to start this CLI as a child: the executable and its leading arguments.</param>
    /// <param name="context">Events and the stop request.</param>
    /// <param name="retryFailed">Start failed points again (their folders moved aside) instead of keeping them.</param>
    public static RunOutcome Run(PreparedSweep prepared, ExperimentKinds kinds, IReadOnlyList<string> cli, RunContext context, bool retryFailed = false)
    {
        var folder = prepared.Folder;
        bool created = prepared.Materialise();
        var plan = prepared.Plan;
        var spec = prepared.Spec;
        folder.Run.Events = context.Events;
        string where = spec.Slurm is null ? $"here, {spec.Parallel} at a time, {LocalSweep.ThreadsPerChild(spec.Parallel)} thread(s) each" : "on Slurm as one job array";
        context.Events.Report(new RunStarted(folder.Path, SweepKind.Name,
            $"sweep of {prepared.Kind.Name} runs: {plan.Points.Count} points ({spec.Settings} setting(s) x {spec.Seeds} seed(s)) over {(plan.Keys.Count == 0 ? "seeds" : string.Join(", ", plan.Keys))}, {where}",
            Resumed: !created));
        var tasks = SweepWork.Decide(folder, plan, kinds, takeRunning: spec.Slurm is null,
            (from, to) => context.Events.Report(new RunMessage($"{Path.GetFileName(from)}: started again; its earlier folder is kept as {Path.GetFileName(to)}", MessageLevel.Warning)),
            retryFailed);
        int skipped = tasks.Count(t => t.Action == PointAction.Skip);
        if (skipped > 0)
            context.Events.Report(new RunMessage($"{skipped} of {plan.Points.Count} points already finished{(spec.Slurm is null ? "" : " or running")}: kept"));

        if (spec.Slurm is { } slurm)
        {
            string? job = SlurmSweep.Submit(folder, plan, slurm, cli, tasks);
            var (submitted, table) = Collect(folder, kinds, statusOverride: job is null ? null : RunStatus.Running);
            string message = job is null
                ? "every point had finished; nothing submitted"
                : $"submitted Slurm job array {job} ({tasks.Count - skipped} task(s)); gather the results with resonance sweep --collect {folder.Path}";
            return new RunOutcome(RunStatus.Completed, message, submitted.Summary(), [table]);
        }

        var childKind = prepared.Kind;
        bool finished = LocalSweep.Run(folder, tasks, spec.Parallel, cli, context.Events, context.Stop,
            pointEnded: () => SweepLog.Record(folder, SweepResults.Read(folder, plan, childKind.HeadlineKeys)));
        var (results, settings) = Collect(folder, kinds, statusOverride: finished ? null : RunStatus.Interrupted);
        var status = finished ? Status(results, finished: true) : RunStatus.Interrupted;
        string outcome = status switch
        {
            RunStatus.Completed => $"sweep completed: {results.Points.Count} points",
            RunStatus.Interrupted => $"sweep interrupted: {results.Count(PointState.Completed)} of {results.Points.Count} points completed; run the same command again to go on",
            _ => $"sweep finished with {results.Count(PointState.Failed)} failed point(s) of {results.Points.Count}; their logs are in {folder.LogsPath}",
        };
        return new RunOutcome(status, outcome, results.Summary(), [settings]);
    }

    /// <summary>Reads every point's run and writes <c>table.md</c>, <c>table.csv</c>, <c>runs.csv</c>, the plots and the sweep's
    /// <c>summary.json</c>. Works on a sweep that is still going (Slurm): the table holds what has finished.</summary>
    /// <param name="folder">The sweep folder.</param>
    /// <param name="kinds">For the children's headline figures.</param>
    /// <param name="statusOverride">The status to record, or null to derive it (finished: completed or failed; else running
    /// when a point is running, interrupted otherwise).</param>
    /// <exception cref="UserInputException">Not a sweep folder, or its files are damaged.</exception>
    public static (SweepResults Results, StudyTable Table) Collect(SweepDirectory folder, ExperimentKinds kinds, RunStatus? statusOverride = null)
    {
        var (results, spec) = Open(folder, kinds);
        var table = results.SettingsTable("mean over seeds");
        folder.Write(folder.TableMarkdownPath, table.ToMarkdown());
        folder.Write(folder.TablePath, results.SettingsCsv());
        folder.Write(folder.RunsTablePath, results.PointsCsv());
        SweepLog.Record(folder, results);
        foreach (string plot in SweepPlots.Write(results, spec, folder.Run.PlotsPath))
            folder.Run.Events.Report(new FigureWritten(plot));
        bool submitted = File.Exists(folder.SlurmJobPath); // points may still wait in the queue, with no folder yet
        var status = statusOverride ?? Status(results, finished: !submitted && !results.Points.Any(p => p.State is PointState.Running));
        folder.Run.Open(SweepKind.Name);
        var summary = results.Summary();
        summary["status"] = status.ToString().ToLowerInvariant();
        folder.Run.WriteSummary(summary);
        return (results, table);
    }

    /// <summary>A sweep folder's results as they stand (every point's state and figures, the settings with their means and
    /// intervals), read without writing anything: for the studio, which shows a sweep while it runs.</summary>
    /// <param name="folder">The sweep folder.</param>
    /// <param name="kinds">For the children's headline figures.</param>
    /// <exception cref="UserInputException">Not a sweep folder, or its files are damaged.</exception>
    public static SweepResults Results(SweepDirectory folder, ExperimentKinds kinds) => Open(folder, kinds).Results;

    /// <summary>Reads the plan, the spec and every point's run.</summary>
    static (SweepResults Results, SweepSpec Spec) Open(SweepDirectory folder, ExperimentKinds kinds)
    {
        var plan = folder.ReadPlan();
        if (!folder.Run.Exists)
            throw new UserInputException($"{folder.Path}: no config.yaml; this sweep folder is damaged (points.json without its config).");
        var (experiment, spec) = SweepSetup.Split(folder.Run.Guard("read config.yaml", () => ConfigDocument.Load(folder.Run.ConfigPath)));
        var (kind, _) = kinds.Detect(experiment);
        return (SweepResults.Read(folder, plan, kind.HeadlineKeys), spec);
    }

    /// <summary>Completed when every point completed; failed when every point finished and some failed; else interrupted
    /// (points left to run) or running.</summary>
    static RunStatus Status(SweepResults results, bool finished) =>
        results.Finished
            ? results.Count(PointState.Failed) > 0 ? RunStatus.Failed : RunStatus.Completed
            : finished ? RunStatus.Interrupted : RunStatus.Running;
}
