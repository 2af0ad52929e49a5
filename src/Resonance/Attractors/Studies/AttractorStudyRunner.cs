using System.Diagnostics;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>What a finished study produced.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Tables">Its tables, the main one first (also in <c>table.md</c>, <c>table.csv</c>, <c>table-*.csv</c>).</param>
/// <param name="Summary">The flat headline figures written to <c>summary.json</c>.</param>
/// <param name="Plots">Every PNG written under <c>plots/</c>.</param>
/// <param name="Failed">Whether the study failed as a whole (e.g. every trained net diverged); a single diverged net is a result, not a failure.</param>
/// <param name="Message">One line on how it ended.</param>
public sealed record AttractorStudyResult(string Directory, IReadOnlyList<StudyTable> Tables, IReadOnlyDictionary<string, object?> Summary, IReadOnlyList<string> Plots, bool Failed, string Message);

/// <summary>What one study's code returns to the runner.</summary>
internal sealed record StudyOutcome(IReadOnlyList<StudyTable> Tables, IReadOnlyDictionary<string, object?> Summary, IReadOnlyList<string> Plots, bool Failed, string Message);

/// <summary>What one study's code gets from the runner: the study, the device, where plots go, the metrics log and the event stream.</summary>
internal sealed class StudyContext(AttractorStudy study, Device device, string plotsPath, MetricsLog metrics, IRunEvents events, CancellationToken cancellation)
{
    public AttractorStudy Study => study;
    public Device Device => device;
    public string PlotsPath => plotsPath;
    public CancellationToken Cancellation => cancellation;

    public void Note(string stage, string note) => events.Report(new RunMessage($"[{stage}] {note}"));

    /// <summary>Training progress of a stage as <see cref="RunProgress"/> events, counted in epochs.</summary>
    public IProgress<AttractorTrainingProgress> TrainingProgress(string stage) =>
        new Relay<AttractorTrainingProgress>(p => events.Report(new RunProgress(p.Epoch, p.Epochs, "epoch", null, null, null,
            p.MeanLoss is double loss
                ? $"{p.Nets} nets, mean loss {loss:F4}, {p.Diverged} diverged"
                : $"{p.Converged} of {p.Nets} converged, {p.Diverged} diverged", stage)));

    /// <summary>A metrics sink that adds <c>stage</c> (and any <paramref name="extra"/> fields) to every line.</summary>
    public Action<IReadOnlyDictionary<string, object?>> Log(string stage, IReadOnlyDictionary<string, object?>? extra = null) => line =>
    {
        var values = new Dictionary<string, object?> { ["stage"] = stage };
        if (extra is not null) foreach (var (key, value) in extra) values[key] = value;
        foreach (var (key, value) in line) values[key] = value;
        metrics.Write(values);
    };

    /// <summary>Calls back on the calling thread, in order.</summary>
    sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>
/// The attractor-study kind of experiment (<c>kind: attractor</c>, or any file with a <c>study:</c> key). A study writes
/// the common run directory plus <c>table.md</c> (every table), <c>table.csv</c> (the main table) and <c>table-*.csv</c>.
/// It trains all its nets as one batched program from the start, so it does not resume.
/// </summary>
public sealed class AttractorExperimentKind : IExperimentKind
{
    public string Name => "attractor";
    public string Description => "an attractor-memory study (capacity, activations, basins, classical, boundary, modern)";
    public IReadOnlyList<string> HeadlineKeys { get; } =
        ["study", "converged", "nets", "*_p", "largest_load", "diverged"];

    public bool Recognises(ConfigDocument document) => AttractorStudy.IsStudy(document);

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName) =>
        new Prepared(AttractorStudy.Prepare(document, overrides, seed, defaultName));

    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config) =>
        throw new UserInputException($"--resume {run.Path}: an attractor study cannot resume (it trains all its nets as one batched program " +
            $"from the start); run it again with: resonance run {run.ConfigPath} --out NEW_DIR");

    internal sealed class Prepared(AttractorStudy study) : IPreparedRun, IBuiltRun
    {
        public string Name => study.Name;
        public string ResolvedYaml => study.Resolved().ToYaml();

        public string Describe(Device device) =>
            $"{study.Name}: {AttractorStudy.SectionOf(study.Kind)} study, seed {study.Seed}, device {device.type.ToString().ToLowerInvariant()}, " +
            $"{TorchSharp.torch.get_num_threads()} thread(s)";

        public IBuiltRun Build(RunContext context, bool resume) => this;

        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            var clock = Stopwatch.StartNew();
            StudyOutcome outcome;
            using (var metrics = run.OpenMetrics())
            {
                var studyContext = new StudyContext(study, context.Device, run.PlotsPath, metrics, context.Events, context.Stop);
                outcome = study.Kind switch
                {
                    AttractorStudyKind.Capacity => CapacityStudy.Run(studyContext),
                    AttractorStudyKind.Activations => ActivationsStudy.Run(studyContext),
                    AttractorStudyKind.Basins => BasinsStudy.Run(studyContext),
                    AttractorStudyKind.Classical => ClassicalStudy.Run(studyContext),
                    AttractorStudyKind.Boundary => BoundaryStudy.Run(studyContext),
                    AttractorStudyKind.Modern => ModernStudy.Run(studyContext),
                    _ => throw new ArgumentOutOfRangeException(nameof(study)),
                };
            }
            double seconds = clock.Elapsed.TotalSeconds;
            foreach (string plot in outcome.Plots) context.Events.Report(new FigureWritten(plot));

            run.Guard("write the tables", () =>
            {
                AtomicFile.WriteAllText(Path.Combine(run.Path, "table.md"),
                    $"# {study.Name} ({AttractorStudy.SectionOf(study.Kind)} study, seed {study.Seed})\n\n" + string.Join("\n", outcome.Tables.Select(t => t.ToMarkdown())));
                for (int i = 0; i < outcome.Tables.Count; i++)
                {
                    var table = outcome.Tables[i];
                    AtomicFile.WriteAllText(Path.Combine(run.Path, i == 0 ? "table.csv" : $"table-{table.Slug}.csv"), table.ToCsv());
                }
            });
            var summary = new Dictionary<string, object?>
            {
                ["name"] = study.Name,
                ["study"] = AttractorStudy.SectionOf(study.Kind),
                ["seed"] = study.Seed,
            };
            foreach (var (key, value) in outcome.Summary) summary[key] = value;
            summary["failed"] = outcome.Failed;
            summary["wall_s"] = seconds;
            return new RunOutcome(outcome.Failed ? RunStatus.Failed : RunStatus.Completed, outcome.Message, summary, outcome.Tables)
            {
                Plots = outcome.Plots,
            };
        }

        public void Dispose() { }
    }
}

/// <summary>Runs an attractor study into a run directory through <see cref="RunLauncher"/> (for code and tests that hold a study).</summary>
public static class AttractorStudyRunner
{
    /// <summary>Runs <paramref name="study"/> into <paramref name="directory"/>, which must be new or empty.</summary>
    /// <exception cref="UserInputException">The directory already holds a run or other files.</exception>
    public static AttractorStudyResult Run(AttractorStudy study, string directory, Device device,
        IRunEvents? events = null, CancellationToken cancellation = default)
    {
        var run = new RunDirectory(directory);
        var context = new RunContext(device, DataCache.FromEnvironment(), events ?? NullRunEvents.Instance, cancellation);
        var outcome = RunLauncher.Start(new AttractorExperimentKind(), new AttractorExperimentKind.Prepared(study), run, context);
        return new AttractorStudyResult(run.Path, outcome.Tables, outcome.Summary, outcome.Plots, outcome.Status == RunStatus.Failed, outcome.Message);
    }
}
