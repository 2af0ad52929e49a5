using System.Diagnostics;
using Resonance.Training;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>Where a study stands: a stage starting or a note (<see cref="Training"/> null), or a training epoch.</summary>
/// <param name="Stage">What is running (e.g. <c>train N=64</c>).</param>
/// <param name="Note">A line worth telling the user, or null.</param>
/// <param name="Training">Training progress, or null.</param>
public sealed record AttractorStudyProgress(string Stage, string? Note, AttractorTrainingProgress? Training);

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

/// <summary>What one study's code gets from the runner: the study, the device, where plots go, the metrics log and progress.</summary>
internal sealed class StudyContext(AttractorStudy study, Device device, string plotsPath, MetricsLog metrics, IProgress<AttractorStudyProgress>? progress, CancellationToken cancellation)
{
    public AttractorStudy Study => study;
    public Device Device => device;
    public string PlotsPath => plotsPath;
    public CancellationToken Cancellation => cancellation;

    public void Note(string stage, string note) => progress?.Report(new AttractorStudyProgress(stage, note, null));

    public IProgress<AttractorTrainingProgress> TrainingProgress(string stage) =>
        new Relay<AttractorTrainingProgress>(p => progress?.Report(new AttractorStudyProgress(stage, null, p)));

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
/// Runs an attractor study into a run directory: <c>config.yaml</c> (resolved), <c>metrics.jsonl</c>, <c>summary.json</c>
/// (flat keys; wall-clock figures end in <c>_s</c>), <c>table.md</c> (every table), <c>table.csv</c> (the main table),
/// <c>table-*.csv</c> (the others) and <c>plots/*.png</c>. <c>resonance attractor run</c> goes through here.
/// </summary>
public static class AttractorStudyRunner
{
    /// <summary>Runs <paramref name="study"/> into <paramref name="directory"/>, which must not hold a run yet.</summary>
    /// <exception cref="UserInputException">The directory already holds a run.</exception>
    public static AttractorStudyResult Run(AttractorStudy study, string directory, Device device,
        IProgress<AttractorStudyProgress>? progress = null, CancellationToken cancellation = default)
    {
        var run = new RunDirectory(directory);
        if (run.Exists)
            throw new UserInputException($"--out {directory}: already holds a run; choose another folder.");
        Directory.CreateDirectory(run.Path);
        Directory.CreateDirectory(run.PlotsPath);
        AtomicFile.WriteAllText(run.ConfigPath, study.Resolved().ToYaml());
        var clock = Stopwatch.StartNew();
        StudyOutcome outcome;
        using (var metrics = new MetricsLog(run.MetricsPath))
        {
            var context = new StudyContext(study, device, run.PlotsPath, metrics, progress, cancellation);
            outcome = study.Kind switch
            {
                AttractorStudyKind.Capacity => CapacityStudy.Run(context),
                AttractorStudyKind.Activations => ActivationsStudy.Run(context),
                AttractorStudyKind.Basins => BasinsStudy.Run(context),
                AttractorStudyKind.Classical => ClassicalStudy.Run(context),
                AttractorStudyKind.Boundary => BoundaryStudy.Run(context),
                AttractorStudyKind.Modern => ModernStudy.Run(context),
                _ => throw new ArgumentOutOfRangeException(nameof(study)),
            };
        }
        double seconds = clock.Elapsed.TotalSeconds;

        AtomicFile.WriteAllText(Path.Combine(run.Path, "table.md"),
            $"# {study.Name} ({AttractorStudy.SectionOf(study.Kind)} study, seed {study.Seed})\n\n" + string.Join("\n", outcome.Tables.Select(t => t.ToMarkdown())));
        for (int i = 0; i < outcome.Tables.Count; i++)
        {
            var table = outcome.Tables[i];
            if (i == 0) AtomicFile.WriteAllText(Path.Combine(run.Path, "table.csv"), table.ToCsv());
            else AtomicFile.WriteAllText(Path.Combine(run.Path, $"table-{table.Slug}.csv"), table.ToCsv());
        }
        var summary = new Dictionary<string, object?>
        {
            ["name"] = study.Name,
            ["study"] = AttractorStudy.SectionOf(study.Kind),
            ["seed"] = study.Seed,
        };
        foreach (var (key, value) in outcome.Summary) summary[key] = value;
        summary["failed"] = outcome.Failed;
        summary["wall_s"] = seconds;
        run.WriteSummary(summary);
        return new AttractorStudyResult(run.Path, outcome.Tables, summary, outcome.Plots, outcome.Failed, outcome.Message);
    }

    /// <summary>The default run directory: <c>runs/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;</c>.</summary>
    public static string DefaultDirectory(string name, DateTime now) => RunDirectory.DefaultPath(name, now);
}
