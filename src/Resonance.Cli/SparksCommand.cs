using System.CommandLine;
using System.Globalization;
using Resonance.Sparks;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>
/// <c>resonance sparks run [EXPERIMENT] [--set key=value]... [--steps K] [--out DIR] [--seed N] [--from-snapshot FILE]</c>
/// and <c>resonance sparks bench</c> (to be folded into <c>resonance bench</c>).
/// </summary>
internal static class SparksCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var sparks = new Command("sparks", "Spark network (seed 003): sparks walk the neurons and strengthen the edges they use.");
        sparks.Subcommands.Add(Run(console));
        sparks.Subcommands.Add(Bench(console));
        return sparks;
    }

    static Command Run(IAnsiConsole console)
    {
        var experimentFile = new Argument<FileInfo?>("experiment")
        {
            Description = "Experiment YAML (e.g. experiments/sparks.yaml); the built-in defaults when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set sparks.epsilon=0.1 (repeatable).", HelpName = "key=value" };
        var steps = new Option<int?>("--steps") { Description = "Simulation steps to run (run.steps).", HelpName = "K" };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/sparks-<yyyyMMdd-HHmmss>).", HelpName = "DIR" };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random stream (seed).", HelpName = "N" };
        var fromSnapshot = new Option<string?>("--from-snapshot")
        {
            Description = "Continue a saved simulation: a snapshots/step-*.npz file, or a run directory (its latest snapshot). " +
                "Its config is the base for --set; run.steps more steps are taken.",
            HelpName = "FILE|RUN_DIR",
        };
        var command = new Command("run", "Run the spark network; write metrics, pictures, layout frames and snapshots to a run directory.");
        command.Arguments.Add(experimentFile);
        foreach (var option in new Option[] { set, steps, output, seed, fromSnapshot })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            var file = parse.GetValue(experimentFile);
            var snapshotFile = parse.GetValue(fromSnapshot);
            if (file is not null && snapshotFile is not null)
                throw new UserInputException("--from-snapshot: the snapshot carries its own config; use --set to change it instead of an experiment file.");
            SparkSnapshot? snapshot = snapshotFile is null ? null : SparkSnapshot.Load(SparkRun.LatestSnapshot(snapshotFile));
            string[] overrides = parse.GetValue(set) ?? [];
            var experiment = file is not null
                ? SparkConfig.Load(file.FullName, overrides)
                : SparkConfig.ApplyOverrides(snapshot?.Experiment ?? new SparkExperiment(), overrides);
            if (parse.GetValue(steps) is int stepCount)
                experiment = experiment with { Run = experiment.Run with { Steps = stepCount } };
            if (parse.GetValue(seed) is long seedValue)
            {
                if (snapshot is not null)
                    throw new UserInputException("--seed: a continued simulation keeps its snapshot's seed.");
                experiment = experiment with { Seed = seedValue };
            }
            experiment.Validate();
            string directory = parse.GetValue(output) ?? SparkRun.DefaultDirectory(DateTime.Now);

            var o = experiment.Sparks;
            console.MarkupLine(Markup.Escape(
                $"sparks: {o.Neurons} neurons, {o.SparkCount} sparks, {experiment.Run.Steps} steps from step {snapshot?.State.Step ?? 0}, " +
                $"seed {experiment.Seed}, device {device.type.ToString().ToLowerInvariant()} -> {directory}"));
            long reportEvery = Math.Max(1, experiment.Run.Steps / 10);
            long nextReport = 0;
            var progress = new SynchronousProgress<SparkRunProgress>(p =>
            {
                if (p.Step < nextReport && p.Step != p.LastStep) return;
                nextReport = p.Step + reportEvery;
                console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"  step {p.Step,7}  diagonal bias {p.Measures.Diagonal.Bias,6:0.000}  entropy W {p.Measures.WeightEntropy:0.000} " +
                    $"M {p.Measures.MemoryEntropy:0.000}  modularity {p.Measures.Modularity:0.000}  {p.StepsPerSecond:0} steps/s")));
            });
            var result = SparkRun.Execute(experiment, directory, device, snapshot, progress);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("measure").AddColumn($"step {result.Measures[0].Step}", c => c.RightAligned())
                .AddColumn($"step {result.Measures[^1].Step}", c => c.RightAligned());
            var firstMetrics = result.Measures[0].ToMetrics();
            var lastMetrics = result.Measures[^1].ToMetrics();
            for (int k = 0; k < firstMetrics.Count; k++)
                table.AddRow(firstMetrics[k].Key, Number(firstMetrics[k].Value), Number(lastMetrics[k].Value));
            console.Write(table);
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{result.Summary["steps_per_s"]:0} steps/s; {result.Pictures.Count} pictures, {result.Frames.Count} frames, " +
                $"{result.Snapshots.Count} snapshot(s) in {directory}")));
            return ResonanceCli.Success;
        });
        return command;
    }

    static Command Bench(IAnsiConsole console)
    {
        var neurons = new Option<int>("--neurons") { Description = "Neurons N.", DefaultValueFactory = _ => 1024, HelpName = "N" };
        var sparkCount = new Option<int>("--sparks") { Description = "Sparks S.", DefaultValueFactory = _ => 64, HelpName = "S" };
        var steps = new Option<int>("--steps") { Description = "Steps per timed repeat.", DefaultValueFactory = _ => 200, HelpName = "K" };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats (the median is reported).", DefaultValueFactory = _ => 5, HelpName = "R" };
        var noLayout = new Option<bool>("--no-layout") { Description = "Time the simulation without the force layout." };
        var command = new Command("bench", "Simulation steps per second (N = 1,024, S = 64, with layout unless told otherwise).");
        foreach (var option in new Option[] { neurons, sparkCount, steps, repeats, noLayout })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            var result = SparkBenchmark.Measure(device, parse.GetValue(neurons), parse.GetValue(sparkCount), parse.GetValue(steps),
                withLayout: !parse.GetValue(noLayout), repeats: parse.GetValue(repeats));
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"sparks N={result.Neurons} S={result.SparkCount} layout={(result.WithLayout ? "on" : "off")} device={result.Device}: " +
                $"{result.StepsPerSecond:0.0} steps/s (median of {result.RepeatStepsPerSecond.Count} x {result.Steps} steps; " +
                $"repeats {string.Join(", ", result.RepeatStepsPerSecond.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))})")));
            return ResonanceCli.Success;
        });
        return command;
    }

    static string Number(double value) => Math.Abs(value) >= 1000 || value == Math.Floor(value)
        ? value.ToString("0", CultureInfo.InvariantCulture)
        : value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Calls back on the reporting thread (System.Progress would post to a thread pool and reorder lines).</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
