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
        var attractor = new Command("attractor", "Attractor memory (seed 004): learned, classical and modern Hopfield memories; capacity, basins, boundary.");
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
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set training.epochs=300 (repeatable).", HelpName = "key=value" };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/<name>-<yyyyMMdd-HHmmss>).", HelpName = "DIR" };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random stream (overrides the file's seed).", HelpName = "N" };
        var command = new Command("run",
            "Run an attractor study into a run directory: config.yaml, metrics.jsonl, summary.json, table.md, table.csv, plots/*.png. " +
            "Exit codes: 0 done (diverged nets are results), 1 the study failed as a whole, 2 bad input.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { set, output, seed })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var document = RunCommand.LoadExperiment(parse.GetValue(file)!, out string defaultName);
            var study = AttractorStudy.Prepare(document, parse.GetValue(set) ?? [], parse.GetValue(seed), defaultName);
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            string directory = parse.GetValue(output) ?? AttractorStudyRunner.DefaultDirectory(study.Name, DateTime.Now);
            console.MarkupLine(Markup.Escape($"{study.Name}: {AttractorStudy.SectionOf(study.Kind)} study, seed {study.Seed}, " +
                $"device {device.type.ToString().ToLowerInvariant()}, {TorchSharp.torch.get_num_threads()} thread(s) -> {directory}"));
            var result = AttractorStudyRunner.Run(study, directory, device, new ProgressLines(console));
            foreach (var table in result.Tables.Where(t => t.Rows.Count <= 60))
                console.Write(Render(table));
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{result.Message} ({result.Summary["wall_s"]:0.0} s)")));
            console.MarkupLine($"run directory: {Markup.Escape(result.Directory)}");
            if (result.Plots.Count > 0)
                console.MarkupLine($"plots: {Markup.Escape(string.Join(", ", result.Plots.Select(Path.GetFileName)))}");
            if (result.Failed)
            {
                console.MarkupLine($"[red]{Markup.Escape(result.Message)}[/]");
                return ResonanceCli.RunFailed;
            }
            return ResonanceCli.Success;
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
        var command = new Command("bench", "Time the full capacity study (study 1: four memory counts, up to 2,000 epochs) trained as one batched program.");
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

    static Table Render(StudyTable table)
    {
        var rendered = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(table.Title));
        foreach (string column in table.Columns) rendered.AddColumn(new TableColumn(Markup.Escape(column)));
        foreach (var row in table.Rows) rendered.AddRow(row.Select(Markup.Escape).ToArray());
        return rendered;
    }

    /// <summary>Prints stage notes as they come and training progress about every tenth of the epochs.</summary>
    sealed class ProgressLines(IAnsiConsole console) : IProgress<AttractorStudyProgress>
    {
        int nextEpoch;

        public void Report(AttractorStudyProgress value)
        {
            if (value.Note is { } note)
            {
                console.MarkupLine(Markup.Escape($"  [{value.Stage}] {note}"));
                nextEpoch = 0;
                return;
            }
            if (value.Training is not { } t) return;
            if (t.Epoch < nextEpoch && t.Epoch != t.Epochs) return;
            nextEpoch = t.Epoch + Math.Max(1, t.Epochs / 10);
            console.MarkupLine(Markup.Escape(t.MeanLoss is double loss
                ? $"  [{value.Stage}] epoch {t.Epoch}/{t.Epochs}: {t.Nets} nets, mean loss {loss:F4}, {t.Diverged} diverged"
                : $"  [{value.Stage}] epoch {t.Epoch}/{t.Epochs}: {t.Converged} of {t.Nets} converged, {t.Diverged} diverged"));
        }
    }
}
