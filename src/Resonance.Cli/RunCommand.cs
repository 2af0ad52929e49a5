using System.CommandLine;
using System.Runtime.InteropServices;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Training;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance run [EXPERIMENT] [--set key=value]... [--out DIR] [--seed N] | --resume RUN_DIR</c>.</summary>
internal static class RunCommand
{
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM after saving its checkpoint (128 + SIGINT, as shells expect).</summary>
    public const int Interrupted = 130;

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("run",
            "Run an experiment (a YAML file, or the name of a built-in one) into a run directory. " +
            $"With no experiment, runs the built-in '{EmbeddedExperiments.Default}'. " +
            $"Exit codes: 0 done, 1 the run failed (diverged, target missed), 2 bad input, {Interrupted} interrupted (resume with --resume).");
        var file = new Argument<string?>("experiment")
        {
            Description = $"Experiment file, or a built-in name ({string.Join(", ", EmbeddedExperiments.Names)}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set training.lr=0.001 (repeatable).", HelpName = "key=value", AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "Run directory (default: runs/<experiment>-<timestamp>).", HelpName = "DIR" };
        var seed = new Option<long?>("--seed") { Description = "Seed (overrides the file's seed).", HelpName = "N" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its last checkpoint.", HelpName = "RUN_DIR" };
        command.Arguments.Add(file);
        command.Options.Add(set);
        command.Options.Add(outDir);
        command.Options.Add(seed);
        command.Options.Add(resume);
        command.SetAction(parse =>
        {
            var registry = ModelCatalog.CreateDefault();
            string? resumeDir = parse.GetValue(resume);
            string? experimentArg = parse.GetValue(file);
            string[] overrides = parse.GetValue(set) ?? [];
            if (resumeDir is not null && (experimentArg is not null || overrides.Length > 0 || parse.GetValue(seed) is not null || parse.GetValue(outDir) is not null))
                throw new UserInputException("--resume continues a run with the config it was started with; give only --resume RUN_DIR (and --device/--threads).");

            Experiment? experiment = null;
            RunDirectory run;
            if (resumeDir is null)
            {
                var document = LoadExperiment(experimentArg ?? EmbeddedExperiments.Default, out string defaultName);
                if (Resonance.Attractors.Studies.AttractorStudy.IsStudy(document))
                    throw new UserInputException($"{document.Source}: an attractor study, not a training experiment; run it with: resonance attractor run {experimentArg}");
                experiment = ExperimentRunner.Prepare(document, overrides, parse.GetValue(seed), registry, defaultName);
                run = new RunDirectory(parse.GetValue(outDir) ?? RunDirectory.DefaultPath(experiment.Name, DateTime.Now));
            }
            else run = new RunDirectory(resumeDir);

            var device = ResonanceCli.ApplyGlobalOptions(parse);
            var cache = DataCache.FromEnvironment();
            using var stop = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => StopGracefully(context, stop, console));
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => StopGracefully(context, stop, console));

            var observer = new ConsoleTrainingObserver(console);
            var result = observer.Run(() => experiment is null
                ? ExperimentRunner.Resume(run, registry, device, cache, observer, stop.Token)
                : ExperimentRunner.Start(experiment, run, device, cache, observer, stop.Token));

            ShowResult(console, run, registry, result);
            return result.Status switch
            {
                TrainingStatus.Completed or TrainingStatus.EarlyStopped => ResonanceCli.Success,
                TrainingStatus.Interrupted => Interrupted,
                _ => ResonanceCli.RunFailed,
            };
        });
        return command;
    }

    static void StopGracefully(PosixSignalContext context, CancellationTokenSource stop, IAnsiConsole console)
    {
        if (stop.IsCancellationRequested) return; // a second signal ends the process the usual way
        context.Cancel = true;
        console.MarkupLine("[yellow]stopping after this batch and saving a checkpoint (signal again to quit at once)[/]");
        stop.Cancel();
    }

    /// <summary>Reads an experiment from a file, or a built-in one by name.</summary>
    internal static ConfigDocument LoadExperiment(string nameOrPath, out string defaultName)
    {
        if (File.Exists(nameOrPath))
        {
            defaultName = Path.GetFileNameWithoutExtension(nameOrPath);
            return ConfigDocument.Load(nameOrPath);
        }
        string name = Path.GetFileNameWithoutExtension(nameOrPath);
        if (!nameOrPath.Contains('/') && EmbeddedExperiments.Read(name) is { } text)
        {
            defaultName = name;
            return ConfigDocument.Parse(text, $"{name} (built-in)");
        }
        throw new UserInputException($"{nameOrPath}: no such experiment file or built-in experiment; built-in ones are {string.Join(", ", EmbeddedExperiments.Names)}.");
    }

    static void ShowResult(IAnsiConsole console, RunDirectory run, ModelRegistry registry, TrainingResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(run.Name)).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (key, value) in result.Summary)
            table.AddRow(Markup.Escape(key), Markup.Escape(Format(key, value)));
        console.Write(table);
        string colour = result.Status is TrainingStatus.Completed or TrainingStatus.EarlyStopped ? "green" : result.Status == TrainingStatus.Interrupted ? "yellow" : "red";
        console.MarkupLine($"[{colour}]{Markup.Escape(result.Message)}[/]");
        ShowReferences(console, run, registry, result);
        console.MarkupLine($"run directory: {Markup.Escape(run.Path)}");
        if (Directory.Exists(run.PlotsPath) && Directory.GetFiles(run.PlotsPath, "*.png") is { Length: > 0 } plots)
            console.MarkupLine($"plots: {Markup.Escape(string.Join(", ", plots.Order().Select(Path.GetFileName)))} in {Markup.Escape(run.PlotsPath)}");
    }

    /// <summary>The run's figure beside the experiment's <c>reference:</c> figures, one table per metric.</summary>
    static void ShowReferences(IAnsiConsole console, RunDirectory run, ModelRegistry registry, TrainingResult result)
    {
        if (!run.Exists) return;
        var references = Experiment.From(ConfigDocument.Load(run.ConfigPath), registry, run.Name).References ?? [];
        foreach (var metric in references.GroupBy(figure => figure.Metric))
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{metric.Key}: this run and its references"))
                .AddColumn("").AddColumn(new TableColumn(Markup.Escape(metric.Key)).RightAligned()).AddColumn("source");
            result.Summary.TryGetValue(metric.Key, out object? mine);
            table.AddRow(new Markup("[bold]this run[/]"), new Markup($"[bold]{Markup.Escape(mine is null ? "missing" : Format(metric.Key, mine))}[/]"),
                new Markup(Markup.Escape($"{run.Name}, {Format("epochs_completed", result.Summary.GetValueOrDefault("epochs_completed"))} epochs, " +
                                         $"{Format("train_time_s", result.Summary.GetValueOrDefault("train_time_s"))}")));
            foreach (var figure in metric)
                table.AddRow(Markup.Escape(figure.Name), figure.Value is double value ? Markup.Escape(Format(metric.Key, value)) : "[yellow]missing[/]",
                    Markup.Escape(figure.Source ?? ""));
            console.Write(table);
        }
    }

    internal static string Format(string key, object? value) => value switch
    {
        double d when key.EndsWith("accuracy", StringComparison.Ordinal) => $"{d:P2}",
        double d when key.EndsWith("_per_s", StringComparison.Ordinal) => $"{d:N0}",
        double d when key.EndsWith("_s", StringComparison.Ordinal) => $"{d:F1} s",
        double d => $"{d:G5}",
        long l => $"{l:N0}",
        _ => value?.ToString() ?? "",
    };
}
