using Resonance.Runs;
using System.CommandLine;
using System.Globalization;
using Resonance.Attractors;
using Resonance.Attractors.Studies;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>
/// <c>resonance attractor run STUDY.yaml [--set key=value]... [--out DIR] [--seed N]</c> and
/// <c>resonance attractor bench [STUDY] [--repeats R]</c> (to be folded into <c>resonance bench</c>).
/// </summary>
internal static class AttractorCommand
{
    public const string BenchStudy = "attractor-capacity";

    public static Command Create(IAnsiConsole console)
    {
        var attractor = new Command("attractor", "Attractor memory (from \"RNN Weight Learning: Progress Summary\"): learned, classical and modern Hopfield memories; capacity, basins, boundary.");
        attractor.Subcommands.Add(Run(console));
        attractor.Subcommands.Add(Bench(console));
        return attractor;
    }

    static Command Run(IAnsiConsole console)
    {
        var file = new Argument<string>("study")
        {
            Description = "Study file (experiments/attractor-*.yaml) or the name of a built-in one (attractor-capacity, ...).",
        };
        var set = RunCommand.SetOption();
        var output = RunCommand.OutOption();
        var seed = RunCommand.SeedOption();
        var command = new Command("run",
            "Run an attractor study (the same as resonance run STUDY): config.yaml, metrics.jsonl, summary.json, table.md, table.csv, plots/*.png. " +
            "Exit codes: 0 done (diverged nets are results), 1 the study failed as a whole, 2 bad input.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { set, output, seed })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var document = RunCommand.LoadExperiment(parse.GetValue(file)!, out string defaultName);
            var kind = new AttractorExperimentKind();
            var (_, bare) = new Runs.ExperimentKinds().Add(kind).Detect(document);
            var prepared = kind.Prepare(bare, parse.GetValue(set) ?? [], parse.GetValue(seed), defaultName);
            return RunCommand.Start(console, parse, kind, prepared, parse.GetValue(output));
        });
        return command;
    }

    static Command Bench(IAnsiConsole console)
    {
        var file = new Argument<string?>("study")
        {
            Description = $"A capacity study file or built-in name (default {BenchStudy}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats (the median is reported).", DefaultValueFactory = _ => 3, HelpName = "R" };
        var command = new Command("bench", "Time the full capacity study (four memory counts, up to 2,000 epochs) trained as one batched program.");
        command.Arguments.Add(file);
        command.Options.Add(repeats);
        command.SetAction(parse =>
        {
            var document = RunCommand.LoadExperiment(parse.GetValue(file) ?? BenchStudy, out string defaultName);
            var study = AttractorStudy.Prepare(document, [], null, defaultName);
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            var result = AttractorBenchmark.Measure(device, parse.GetValue(repeats), study);
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{study.Name}: {result.Nets} nets, N = {study.Network.Neurons}, up to {result.MaxEpochs} epochs, device {result.Device}, {result.Threads} thread(s): " +
                $"{result.MedianS:0.00} s per study (median of {result.RepeatS.Count}: {string.Join(", ", result.RepeatS.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))} s), " +
                $"{result.EpochsRun} epochs, {result.EpochsPerS:0} epochs/s")));
            console.MarkupLine(Markup.Escape(string.Join("; ", result.Outcomes.Select(o => $"P = {o.Memories}: {o.Describe()} at epoch {o.Epoch}"))));
            return ResonanceCli.Success;
        });
        return command;
    }
}
