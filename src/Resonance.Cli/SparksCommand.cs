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
        var sparks = new Command("sparks", "Spark network (from sparknet-emergence's README): sparks walk the neurons and strengthen the edges they use.");
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
        var command = new Command("run", "Run the spark network (the same as resonance run FILE for a spark experiment): metrics, pictures, layout frames and snapshots in a run directory.");
        command.Arguments.Add(experimentFile);
        foreach (var option in new Option[] { set, steps, output, seed, fromSnapshot })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var file = parse.GetValue(experimentFile);
            var snapshotFile = parse.GetValue(fromSnapshot);
            if (file is not null && snapshotFile is not null)
                throw new UserInputException("--from-snapshot: the snapshot carries its own config; use --set to change it instead of an experiment file.");
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(steps) is int stepCount)
                overrides.Add($"run.steps={stepCount}");
            var kind = new SparkExperimentKind();
            Runs.IPreparedRun prepared;
            if (snapshotFile is not null)
            {
                if (parse.GetValue(seed) is not null)
                    throw new UserInputException("--seed: a continued simulation keeps its snapshot's seed.");
                prepared = kind.PrepareFromSnapshot(SparkSnapshot.Load(SparkRun.LatestSnapshot(snapshotFile)), overrides, SparkExperimentKind.DefaultName);
            }
            else
            {
                var document = file is not null ? Experiments.ConfigDocument.Load(file.FullName) : SparkConfig.ToDocument(new SparkExperiment());
                var (_, bare) = new Runs.ExperimentKinds().Add(kind).Detect(document);
                prepared = kind.Prepare(bare, overrides, parse.GetValue(seed), file is null ? SparkExperimentKind.DefaultName : Path.GetFileNameWithoutExtension(file.Name));
            }
            return RunCommand.Start(console, parse, kind, prepared, parse.GetValue(output));
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
}
