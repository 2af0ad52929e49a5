using System.Diagnostics;
using System.Globalization;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>What a finished spark run produced.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Measures">Every measurement, in step order (a resumed run's earlier ones read back from metrics.jsonl).</param>
/// <param name="Summary">The headline figures written to <c>summary.json</c>.</param>
/// <param name="Pictures">Every PNG written under <c>plots/</c>.</param>
/// <param name="Frames">The layout animation frames under <c>frames/</c>, in order.</param>
/// <param name="Snapshots">The snapshots under <c>snapshots/</c>, the final one last.</param>
public sealed record SparkRunResult(
    string Directory,
    IReadOnlyList<SparkMeasures> Measures,
    IReadOnlyDictionary<string, double> Summary,
    IReadOnlyList<string> Pictures,
    IReadOnlyList<string> Frames,
    IReadOnlyList<string> Snapshots);

/// <summary>
/// The spark-simulation kind of experiment (<c>kind: sparks</c>, or any file with a <c>sparks:</c> section). Besides the
/// common run directory it writes <c>frames/layout-*.png</c> (the layout animation) and <c>snapshots/step-*.npz</c>;
/// <c>--resume</c> continues from the last snapshot. <c>metrics.jsonl</c> gets one line per measurement, appended as it is
/// taken. Wall-clock figures are only under keys ending in <c>_s</c> or <c>_per_s</c>; everything else repeats exactly for
/// the same seed, config and device.
/// </summary>
public sealed class SparkExperimentKind : IExperimentKind
{
    public string Name => "sparks";
    public string Description => "a spark-network simulation (Hebbian paths, memory field, force layout)";
    public IReadOnlyList<string> HeadlineKeys { get; } = ["last_step", "modularity", "diagonal_bias", "steps_per_s"];

    public bool Recognises(ConfigDocument document) =>
        document.Root.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("sparks"));

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return new Prepared(SparkConfig.From(copy).Validate(), defaultName, null);
    }

    /// <summary>Prepares a new run that continues a saved simulation (<c>resonance sparks run --from-snapshot</c>).</summary>
    /// <param name="snapshot">The snapshot; its config is the base for <paramref name="overrides"/>.</param>
    /// <param name="overrides"><c>--set</c> assignments.</param>
    /// <param name="name">The run's name.</param>
    public IPreparedRun PrepareFromSnapshot(SparkSnapshot snapshot, IReadOnlyList<string> overrides, string name) =>
        new Prepared(SparkConfig.ApplyOverrides(snapshot.Experiment, overrides).Validate(), name, snapshot);

    /// <summary>Prepares the continuation of <paramref name="run"/> from its latest sound snapshot: a damaged latest one is
    /// passed over for the one before it, with a warning when the run starts.</summary>
    /// <exception cref="UserInputException">The config is out of range, or the run has no snapshot, or none that is sound.</exception>
    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config)
    {
        var experiment = SparkConfig.From(config).Validate();
        string folder = Path.Combine(run.Path, "snapshots");
        var newestFirst = Directory.Exists(folder) ? Directory.GetFiles(folder, "step-*.npz").Order(StringComparer.Ordinal).Reverse().ToList() : [];
        if (newestFirst.Count == 0)
            throw new UserInputException($"--resume {run.Path}: no snapshot yet (it stopped before its first one); start it again with resonance run {run.ConfigPath} --out NEW_DIR.");
        var (snapshot, warning) = LatestSound(newestFirst, run);
        var summary = run.ReadSummary();
        long first = summary?["first_step"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue(out double step) ? (long)step : 0;
        return new Prepared(experiment, run.Name, snapshot) { TargetStep = first + experiment.Run.Steps, Warning = warning };
    }

    /// <summary>The newest snapshot that loads, and a warning naming the damaged newer one(s) when it is not the newest.</summary>
    static (SparkSnapshot Snapshot, string? Warning) LatestSound(IReadOnlyList<string> newestFirst, RunDirectory run)
    {
        UserInputException? newestProblem = null;
        foreach (string file in newestFirst)
        {
            try
            {
                var snapshot = SparkSnapshot.Load(file);
                string? warning = newestProblem is null ? null
                    : $"{WithoutFix(newestProblem.Message)}; continuing from {file} (step {snapshot.State.Step}) instead.";
                return (snapshot, warning);
            }
            catch (UserInputException e)
            {
                newestProblem ??= e;
            }
        }
        if (!newestProblem!.Message.EndsWith(NpzArchive.DamagedFix, StringComparison.Ordinal))
            throw new UserInputException(newestProblem.Message, newestProblem);
        throw new UserInputException($"{WithoutFix(newestProblem.Message)}; the snapshot is damaged and no earlier one of the run is sound " +
            $"({newestFirst.Count} checked), so start it again with resonance run {run.ConfigPath} --out NEW_DIR.", newestProblem);
    }

    /// <summary>A snapshot message without its closing advice: <c>FILE: what is wrong</c>.</summary>
    static string WithoutFix(string message) =>
        message.EndsWith("; " + NpzArchive.DamagedFix, StringComparison.Ordinal) ? message[..^(NpzArchive.DamagedFix.Length + 2)] : message.TrimEnd('.');

    /// <summary>The default run folder name of a run started from code: <c>sparks</c>.</summary>
    public const string DefaultName = "sparks";

    internal sealed class Prepared(SparkExperiment experiment, string name, SparkSnapshot? snapshot) : IPreparedRun
    {
        /// <summary>The step a resumed run ends at (its original end); null for a new run (its first step + run.steps).</summary>
        public long? TargetStep { get; init; }

        /// <summary>Said when the run starts: why the snapshot it continues from is not the newest.</summary>
        public string? Warning { get; init; }

        public string Name => name;
        public string ResolvedYaml => SparkConfig.ToYaml(experiment);

        public string Describe(Device device)
        {
            var o = experiment.Sparks;
            long from = snapshot?.State.Step ?? 0;
            return $"sparks: {o.Neurons} neurons, {o.SparkCount} sparks, {(TargetStep ?? from + experiment.Run.Steps) - from} steps from step {from}, " +
                   $"seed {experiment.Seed}, device {device.type.ToString().ToLowerInvariant()}";
        }

        public IBuiltRun Build(RunContext context, bool resume)
        {
            if (Warning is not null)
                context.Events.Report(new RunMessage(Warning, MessageLevel.Warning));
            var simulation = snapshot is null
                ? new SparkSimulation(experiment.Sparks, experiment.Seed, context.Device, experiment.Layout)
                : SparkSimulation.Restore(snapshot, context.Device, experiment);
            return new Built(experiment, simulation, TargetStep);
        }
    }

    sealed class Built(SparkExperiment experiment, SparkSimulation simulation, long? targetStep) : IBuiltRun
    {
        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            var result = SparkRun.Simulate(experiment, simulation, run, context, resume, targetStep);
            bool interrupted = result.Measures[^1].Step < (targetStep ?? result.Measures[0].Step + experiment.Run.Steps);
            var first = result.Measures[0].ToMetrics();
            var last = result.Measures[^1].ToMetrics();
            var table = new StudyTable("measures", "measures", ["measure", $"step {result.Measures[0].Step}", $"step {result.Measures[^1].Step}"],
                first.Select((kv, k) => (IReadOnlyList<string>)[kv.Key, Number(kv.Value), Number(last[k].Value)]).ToList());
            string message = interrupted
                ? $"interrupted at step {result.Measures[^1].Step}; snapshot saved. Continue with: resonance run --resume {run.Path}"
                : string.Create(CultureInfo.InvariantCulture, $"{result.Summary["steps_per_s"]:0} steps/s; {result.Pictures.Count} pictures, " +
                    $"{result.Frames.Count} frames, {result.Snapshots.Count} snapshot(s)");
            return new RunOutcome(interrupted ? RunStatus.Interrupted : RunStatus.Completed, message,
                result.Summary.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), [table]) { Plots = result.Pictures, Details = result };
        }

        static string Number(double value) => Math.Abs(value) >= 1000 || value == Math.Floor(value)
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("0.0000", CultureInfo.InvariantCulture);

        public void Dispose() => simulation.Dispose();
    }
}

/// <summary>The spark simulation loop of a run: measure, draw, snapshot, step.</summary>
public static class SparkRun
{
    /// <summary>The snapshot to continue from: <paramref name="path"/> itself when it is a file, else the last
    /// <c>snapshots/step-*.npz</c> of the run directory it names.</summary>
    /// <exception cref="UserInputException">Neither a file nor a run directory with a snapshot.</exception>
    public static string LatestSnapshot(string path)
    {
        if (File.Exists(path)) return path;
        string folder = Path.Combine(path, "snapshots");
        var latest = Directory.Exists(folder) ? Directory.GetFiles(folder, "step-*.npz").Order(StringComparer.Ordinal).LastOrDefault() : null;
        return latest ?? throw new UserInputException($"--from-snapshot {path}: neither a snapshot file nor a run directory with snapshots/step-*.npz.");
    }

    /// <summary>Runs <see cref="SparkRunOptions.Steps"/> steps of <paramref name="experiment"/> into a new run directory,
    /// from the start or from a snapshot, through <see cref="RunLauncher"/> (for code and tests that hold an experiment).</summary>
    /// <exception cref="UserInputException">The experiment is out of range, the directory holds a run, or the snapshot does not fit.</exception>
    public static SparkRunResult Execute(
        SparkExperiment experiment, string directory, Device device, SparkSnapshot? continueFrom = null,
        IRunEvents? events = null, CancellationToken cancellation = default)
    {
        experiment.Validate();
        var prepared = new SparkExperimentKind.Prepared(experiment, SparkExperimentKind.DefaultName, continueFrom);
        var context = new RunContext(device, DataCache.FromEnvironment(), events ?? NullRunEvents.Instance, cancellation);
        var outcome = RunLauncher.Start(new SparkExperimentKind(), prepared, new RunDirectory(directory), context);
        return (SparkRunResult)outcome.Details!;
    }

    /// <summary>The loop: from the simulation's step to the run's last, measuring, drawing, snapshotting, until done or stopped.</summary>
    internal static SparkRunResult Simulate(SparkExperiment experiment, SparkSimulation simulation, RunDirectory run, RunContext context, bool resume, long? targetStep)
    {
        var options = experiment.Run;
        string plots = run.PlotsPath, frames = Path.Combine(run.Path, "frames"), snapshots = Path.Combine(run.Path, "snapshots");
        run.Guard("create frames/ and snapshots/", () =>
        {
            Directory.CreateDirectory(frames);
            Directory.CreateDirectory(snapshots);
        });
        long first = simulation.Step, last = targetStep ?? first + options.Steps;
        var pictureSteps = options.PictureSteps.Select(s => (long)s).ToHashSet();
        double threshold = experiment.Measures.GraphThreshold;

        using var metrics = run.OpenMetrics(resume ? first : null);
        var measures = resume ? MetricsLog.Read(metrics.Path).Select(SparkMeasures.FromMetrics).ToList() : [];
        if (!resume)
            run.WriteSummary(new Dictionary<string, object?> { ["status"] = "running", ["first_step"] = first, ["target_step"] = last });
        var pictures = new List<string>();
        var frameFiles = new List<string>();
        var snapshotFiles = new List<string>();
        var wall = Stopwatch.StartNew();
        double simulationSeconds = 0, intervalSeconds = 0;
        long intervalSteps = 0;
        SparkMeasures? latest = null;

        while (true)
        {
            long step = simulation.Step;
            if (step == first || step == last || step % experiment.Measures.Every == 0)
            {
                latest = SparkMeasures.Take(simulation, experiment.Measures);
                double rate = intervalSteps > 0 ? intervalSteps / intervalSeconds : 0;
                if (!(resume && step == first))
                {
                    measures.Add(latest);
                    var line = new Dictionary<string, object?> { ["step"] = latest.Step };
                    foreach (var (key, value) in latest.ToMetrics()) line[key] = value;
                    line["elapsed_s"] = Math.Round(wall.Elapsed.TotalSeconds, 3);
                    line["steps_per_s"] = Math.Round(rate, 1);
                    metrics.Write(line);
                }
                context.Events.Report(new RunProgress(step, last, "step", rate, "steps", null, string.Create(CultureInfo.InvariantCulture,
                    $"diagonal bias {latest.Diagonal.Bias:0.000}  entropy W {latest.WeightEntropy:0.000} M {latest.MemoryEntropy:0.000}  modularity {latest.Modularity:0.000}")));
                intervalSteps = 0;
                intervalSeconds = 0;
            }
            bool stopping = context.Stop.IsCancellationRequested;
            bool picture = step == last || pictureSteps.Contains(step);
            bool frame = options.FrameEvery > 0 && (step % options.FrameEvery == 0 || step == last);
            bool snapshot = step == last || stopping || (options.SnapshotEvery > 0 && step % options.SnapshotEvery == 0 && step != first);
            if (picture || frame)
            {
                var state = simulation.Capture(latest);
                if (picture)
                    pictures.AddRange(Report(context, SparkPlots.SavePanels(state, plots, threshold, options.ImageSize)));
                if (frame)
                    frameFiles.Add(SparkPlots.SaveLayoutFrame(state, Path.Combine(frames, $"layout-{step:D8}.png"), threshold, options.ImageSize));
            }
            if (snapshot && !(resume && step == first))
            {
                string file = Path.Combine(snapshots, $"step-{step:D8}.npz");
                run.Guard("save a snapshot", () => simulation.Snapshot(experiment).Save(file));
                snapshotFiles.Add(file);
            }
            if (step >= last || stopping) break;

            var clock = Stopwatch.StartNew();
            simulation.Advance();
            double seconds = clock.Elapsed.TotalSeconds;
            simulationSeconds += seconds;
            intervalSeconds += seconds;
            intervalSteps++;
        }

        pictures.AddRange(Report(context, [SparkPlots.SaveMeasures(measures, Path.Combine(plots, "metrics.png"))]));
        var summary = Summary(experiment, measures, measures[0].Step, simulation.Step, last, wall.Elapsed.TotalSeconds, simulationSeconds);
        return new SparkRunResult(run.Path, measures, summary, pictures, frameFiles, snapshotFiles);
    }

    static IEnumerable<string> Report(RunContext context, IEnumerable<string> pictures)
    {
        foreach (string picture in pictures)
        {
            context.Events.Report(new FigureWritten(picture));
            yield return picture;
        }
    }

    static Dictionary<string, double> Summary(
        SparkExperiment experiment, List<SparkMeasures> measures, long first, long last, long target, double elapsed, double simulationSeconds)
    {
        var summary = new Dictionary<string, double>
        {
            ["first_step"] = first,
            ["last_step"] = last,
            ["target_step"] = target,
            ["neurons"] = experiment.Sparks.Neurons,
            ["spark_count"] = experiment.Sparks.SparkCount,
            ["seed"] = experiment.Seed,
        };
        foreach (var (key, value) in measures[0].ToMetrics())
            summary[key + "_first"] = value;
        foreach (var (key, value) in measures[^1].ToMetrics())
            summary[key] = value;
        summary["elapsed_s"] = Math.Round(elapsed, 3);
        summary["steps_per_s"] = simulationSeconds > 0 ? Math.Round((last - first) / simulationSeconds, 1) : 0;
        return summary;
    }
}
