using System.Diagnostics;
using Resonance.Experiments;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// The temporal-averaging studies as a kind of experiment (<c>kind: temporal-study</c>): robustness, few examples, dynamics
/// and completion (<see cref="TemporalStudyKind"/>). A study writes the common run directory plus <c>table.md</c> (every table),
/// <c>table.csv</c> (the main table) and <c>table-*.csv</c>. It trains its nets from the start, so it does not resume.
/// </summary>
public sealed class TemporalStudyExperimentKind : IExperimentKind
{
    public string Name => "temporal-study";
    public string Description => "a temporal-averaging study (robustness, few-examples, dynamics, completion) over seeds";
    public IReadOnlyList<string> HeadlineKeys { get; } = ["study", "clean_*", "accuracy_*", "fixed_fraction_*", "seeds"];

    /// <summary>Only files that say <c>kind: temporal-study</c>.</summary>
    public bool Recognises(ConfigDocument document) => false;

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName) =>
        new Prepared(TemporalStudy.Prepare(document, overrides, seed, defaultName));

    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config) =>
        throw new UserInputException($"--resume {run.Path}: a temporal study cannot resume (it trains its nets from the start); " +
            $"run it again with: resonance run {run.ConfigPath} --out NEW_DIR");

    internal sealed class Prepared(TemporalStudy study) : IPreparedRun
    {
        public string Name => study.Name;
        public string ResolvedYaml => study.Resolved().ToYaml();

        public string Describe(Device device) =>
            $"{study.Name}: {TemporalStudy.NameOf(study.Kind)} study, {study.Seeds} seeds from seed {study.Seed}, device {device.type.ToString().ToLowerInvariant()}, " +
            $"{get_num_threads()} thread(s)";

        public IBuiltRun Build(RunContext context, bool resume) =>
            new Built(study, StudyImages.Load(study.Data, context.Cache, context.Device, new Progress<string>(text => context.Events.Report(new RunMessage(text)))));
    }

    sealed class Built(TemporalStudy study, StudyImages images) : IBuiltRun
    {
        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            var clock = Stopwatch.StartNew();
            TemporalStudyOutcome outcome;
            int diverged;
            using (var metrics = run.OpenMetrics())
            {
                Directory.CreateDirectory(run.PlotsPath);
                var studyContext = new TemporalStudyContext(study, images, context.Device, run.PlotsPath, metrics, context.Events, context.Stop);
                try
                {
                    outcome = study.Kind switch
                    {
                        TemporalStudyKind.Robustness => RobustnessStudy.Run(studyContext),
                        TemporalStudyKind.FewExamples => FewExamplesStudy.Run(studyContext),
                        TemporalStudyKind.Dynamics => DynamicsStudy.Run(studyContext),
                        TemporalStudyKind.Completion => CompletionStudy.Run(studyContext),
                        _ => throw new ArgumentOutOfRangeException(nameof(study)),
                    };
                }
                catch (OperationCanceledException)
                {
                    string message = $"interrupted after {clock.Elapsed.TotalSeconds:F0} s; a temporal study does not resume, run it again.";
                    return new RunOutcome(RunStatus.Interrupted, message, Summary(clock, studyContext.Diverged), []);
                }
                diverged = studyContext.Diverged;
            }
            foreach (string plot in outcome.Plots) context.Events.Report(new FigureWritten(plot));
            run.Guard("write the tables", () =>
            {
                AtomicFile.WriteAllText(Path.Combine(run.Path, "table.md"),
                    $"# {study.Name} ({TemporalStudy.NameOf(study.Kind)} study, {study.Seeds} seeds from seed {study.Seed})\n\n" +
                    string.Join("\n", outcome.Tables.Select(t => t.ToMarkdown())));
                for (int i = 0; i < outcome.Tables.Count; i++)
                    AtomicFile.WriteAllText(Path.Combine(run.Path, i == 0 ? "table.csv" : $"table-{outcome.Tables[i].Slug}.csv"), outcome.Tables[i].ToCsv());
            });
            var summary = Summary(clock, diverged);
            foreach (var (key, value) in outcome.Summary) summary[key] = value;
            return new RunOutcome(RunStatus.Completed, outcome.Message, summary, outcome.Tables) { Plots = outcome.Plots };
        }

        Dictionary<string, object?> Summary(Stopwatch clock, int diverged) => new()
        {
            ["name"] = study.Name,
            ["study"] = TemporalStudy.NameOf(study.Kind),
            ["seed"] = study.Seed,
            ["seeds"] = study.Seeds,
            ["diverged"] = diverged,
            ["wall_s"] = clock.Elapsed.TotalSeconds,
        };

        public void Dispose() => images.Dispose();
    }
}
