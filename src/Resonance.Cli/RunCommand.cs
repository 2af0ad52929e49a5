using System.CommandLine;
using System.Runtime.InteropServices;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Runs;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance run [EXPERIMENT] [--set key=value]... [--out DIR] [--seed N] | --resume RUN_DIR</c>: any kind of experiment.</summary>
internal static class RunCommand
{
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM after saving what it could (128 + SIGINT, as shells expect).</summary>
    public const int Interrupted = 130;

    public static Command Create(IAnsiConsole console)
    {
        var kinds = ExperimentKinds.CreateDefault();
        var command = new Command("run",
            "Run an experiment of any kind (training, attractor study, spark simulation: " +
            $"{string.Join(", ", kinds.All.Select(k => k.Name))}) from a YAML file or the name of a built-in one, into a run directory. " +
            $"With no experiment, runs the built-in '{EmbeddedExperiments.Default}'. " +
            $"Exit codes: 0 done, 1 the run failed (diverged, target missed), 2 bad input, {Interrupted} interrupted (resume with --resume).");
        var file = new Argument<string?>("experiment")
        {
            Description = $"Experiment file, or a built-in name ({string.Join(", ", EmbeddedExperiments.Names)}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = SetOption();
        var outDir = OutOption();
        var seed = SeedOption();
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory (a training run from its last checkpoint, a spark simulation from its last snapshot, the chaos benchmark at its first unfinished system).", HelpName = "RUN_DIR" };
        command.Arguments.Add(file);
        command.Options.Add(set);
        command.Options.Add(outDir);
        command.Options.Add(seed);
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Start a training run from these weights (safetensors, a torch.save state dict, or resonance export's .npz): torch.nn.LSTM / GRU / RNN " +
                          "state-dict names plus fc.weight / fc.bias for lstm, gru, rnn; the resonator from its own export. Same as --set training.init_from=FILE.",
            HelpName = "FILE",
        };
        command.Options.Add(resume);
        command.Options.Add(initFrom);
        command.SetAction(parse =>
        {
            string? resumeDir = parse.GetValue(resume);
            string? experimentArg = parse.GetValue(file);
            string[] overrides = parse.GetValue(set) ?? [];
            if (parse.GetValue(initFrom) is { } weights)
                overrides = [.. overrides, $"training.init_from={Path.GetFullPath(weights)}"];
            if (resumeDir is not null)
            {
                if (experimentArg is not null || overrides.Length > 0 || parse.GetValue(seed) is not null || parse.GetValue(outDir) is not null)
                    throw new UserInputException("--resume continues a run with the config it was started with; give only --resume RUN_DIR (and --device/--threads).");
                return Execute(console, parse, context => RunLauncher.Resume(kinds, new RunDirectory(resumeDir), context));
            }
            var document = LoadExperiment(experimentArg ?? EmbeddedExperiments.Default, out string defaultName);
            if (document.Root.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode(Sweeps.SweepSetup.SweepKey)))
                throw Sweeps.SweepKind.UseSweepCommand(document.Source);
            var (kind, bare) = kinds.Detect(document);
            var prepared = kind.Prepare(bare, overrides, parse.GetValue(seed), defaultName);
            return Start(console, parse, kind, prepared, parse.GetValue(outDir));
        });
        return command;
    }

    internal static Option<string[]> SetOption() =>
        new("--set") { Description = "Override a key, e.g. --set training.lr=0.001 (repeatable).", HelpName = "key=value", AllowMultipleArgumentsPerToken = false };

    internal static Option<string?> OutOption() =>
        new("--out") { Description = "Run directory, new or empty (default: runs/<experiment>-<timestamp>).", HelpName = "DIR" };

    internal static Option<long?> SeedOption() =>
        new("--seed") { Description = "Seed of every random stream (overrides the file's seed).", HelpName = "N" };

    /// <summary>Starts a prepared run into <paramref name="outDir"/> (or the default folder; the launcher checks it before building).</summary>
    internal static int Start(IAnsiConsole console, ParseResult parse, IExperimentKind kind, IPreparedRun prepared, string? outDir)
    {
        var run = new RunDirectory(outDir ?? RunDirectory.DefaultPath(prepared.Name, DateTime.Now));
        return Execute(console, parse, context => RunLauncher.Start(kind, prepared, run, context));
    }

    /// <summary>Runs with the global options applied, Ctrl-C / SIGTERM turned into a graceful stop, events rendered, and the
    /// outcome shown; returns the exit code.</summary>
    internal static int Execute(IAnsiConsole console, ParseResult parse, Func<RunContext, RunOutcome> work)
    {
        var device = ResonanceCli.ApplyGlobalOptions(parse);
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => StopGracefully(context, stop, console));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => StopGracefully(context, stop, console));
        var events = new ConsoleRunEvents(console);
        var context = new RunContext(device, DataCache.FromEnvironment(), events, stop.Token);
        string? runPath = null;
        var relay = new RunEventRelay(e =>
        {
            if (e is RunStarted started) runPath = started.RunPath;
            events.Report(e);
        });
        var outcome = events.Run(() => work(context with { Events = relay }));
        Show(console, outcome, runPath);
        return outcome.ExitCode;
    }

    static void StopGracefully(PosixSignalContext context, CancellationTokenSource stop, IAnsiConsole console)
    {
        if (stop.IsCancellationRequested) return; // a second signal ends the process the usual way
        context.Cancel = true;
        console.MarkupLine("[yellow]stopping after this step and saving what can be resumed (signal again to quit at once)[/]");
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

    /// <summary>The outcome's tables (small ones), its message, the run folder and its plots.</summary>
    static void Show(IAnsiConsole console, RunOutcome outcome, string? runPath)
    {
        foreach (var table in outcome.Tables.Where(t => t.Rows.Count <= 60))
            console.Write(Render(table));
        string colour = outcome.Status switch { RunStatus.Completed => "green", RunStatus.Interrupted => "yellow", _ => "red" };
        console.MarkupLine($"[{colour}]{Markup.Escape(outcome.Message)}[/]");
        if (runPath is null) return;
        console.MarkupLine($"run directory: {Markup.Escape(runPath)}");
        string plots = Path.Combine(runPath, "plots");
        if (Directory.Exists(plots) && Directory.GetFiles(plots, "*.png") is { Length: > 0 } files)
            console.MarkupLine(files.Length <= 8
                ? $"plots: {Markup.Escape(string.Join(", ", files.Order().Select(Path.GetFileName)))} in {Markup.Escape(plots)}"
                : $"plots: {files.Length} pictures in {Markup.Escape(plots)}");
    }

    internal static Table Render(StudyTable table)
    {
        var rendered = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(table.Title));
        for (int c = 0; c < table.Columns.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(table.Columns[c]));
            rendered.AddColumn(c > 0 && table.Rows.All(row => c >= row.Count || LooksNumeric(row[c])) ? column.RightAligned() : column);
        }
        foreach (var row in table.Rows) rendered.AddRow(row.Select(Markup.Escape).ToArray());
        return rendered;
    }

    internal static string Format(string key, object? value) => SummaryFormat.Format(key, value);

    /// <summary>Whether a cell reads as a figure (<c>98.70 %</c>, <c>1,876</c>, <c>365.7 s</c>, <c>completed</c> is not).</summary>
    static bool LooksNumeric(string cell) => cell.Length == 0 || cell is "—" or "-" or "missing" ||
        double.TryParse(cell.TrimEnd('%', 's', ' ', 'x').Replace(",", ""), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
