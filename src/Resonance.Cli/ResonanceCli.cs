using System.CommandLine;
using Resonance.Runtime;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>The <c>resonance</c> command line: global options, sub-commands, and the mapping of errors to exit codes.</summary>
public static class ResonanceCli
{
    /// <summary>Exit codes, as DESIGN.md fixes them; <see cref="InternalError"/> is a bug (sysexits' EX_SOFTWARE).</summary>
    public const int Success = 0, RunFailed = 1, BadInput = 2, InternalError = 70;

    internal static readonly Option<string> DeviceOption = new("--device")
    {
        Description = "Compute device: auto (CUDA when available, else CPU), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
        HelpName = "auto|cpu|cuda",
    };

    internal static readonly Option<int?> ThreadsOption = new("--threads")
    {
        Description = $"Intra-op threads for torch, 1 to {MaxThreads} here (default: torch's own choice, usually one per core).",
        Recursive = true,
        HelpName = "N",
        CustomParser = ParseThreads,
    };

    /// <summary>The most <c>--threads</c> accepted: 4 per core, at most 256 (more only makes threads wait for each other).</summary>
    internal static int MaxThreads => Math.Min(4 * Environment.ProcessorCount, 256);

    static int? ParseThreads(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long threads))
            result.AddError($"--threads: expected a whole number of threads >= 1, got {text}");
        else if (threads < 1 || threads > MaxThreads)
            result.AddError($"--threads: expected a whole number of threads from 1 to {MaxThreads} (4 per core on this machine, 256 at most), got {text}");
        else return (int)threads;
        return null;
    }

    /// <summary>Runs the CLI with the given arguments, writing to <paramref name="console"/> (the terminal when null).</summary>
    public static int Run(string[] args, IAnsiConsole? console = null) => Run(args, console, CrashFolders());

    /// <summary>Runs the CLI; a bug's details go to a log in the first writable one of <paramref name="crashFolders"/>.</summary>
    internal static int Run(string[] args, IAnsiConsole? console, IReadOnlyList<string> crashFolders)
    {
        console ??= AnsiConsole.Console;
        try
        {
            var root = BuildRoot(console);
            ParseResult parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors)
                    console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
                console.MarkupLine("Run [bold]resonance --help[/] for usage.");
                return BadInput;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserInputException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return BadInput;
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            return ReportTorchFailure(console, e);
        }
        catch (IOException e) when (Runs.AtomicFile.IsDiskFull(e))
        {
            console.MarkupLine($"[red]error:[/] the disk is full ({Markup.Escape(e.Message.Split('\n')[0])}); what was written before stands " +
                "(atomic files keep their last whole version). Free some space, then continue with resonance run --resume RUN_DIR.");
            return RunFailed;
        }
        catch (Exception e)
        {
            return ReportInternalError(console, e, args, crashFolders);
        }
    }

    /// <summary>Where crash logs go: <c>$RESONANCE_HOME/crash</c> (else <c>~/.cache/resonance/crash</c>), then the temp folder.</summary>
    static IReadOnlyList<string> CrashFolders()
    {
        var folders = new List<string>();
        try { folders.Add(Path.Combine(Resonance.Data.DataCache.FromEnvironment().Root, "crash")); }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException or System.Security.SecurityException or UserInputException) { }
        folders.Add(Path.Combine(Path.GetTempPath(), "resonance-crash"));
        return folders;
    }

    /// <summary>A bug (an exception that is not the user's mistake): one line on the console naming a log that holds the
    /// whole exception, exit code <see cref="InternalError"/>.</summary>
    internal static int ReportInternalError(IAnsiConsole console, Exception e, string[] args, IReadOnlyList<string> crashFolders)
    {
        string message = e.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
        string report = $"resonance {string.Join(' ', args)}\n{DateTime.Now:O}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}\n\n{e}\n";
        string? log = null;
        foreach (string folder in crashFolders)
        {
            try
            {
                Directory.CreateDirectory(folder);
                string path = Path.Combine(folder, $"crash-{DateTime.Now:yyyyMMdd-HHmmss-fff}-{Environment.ProcessId}.log");
                File.WriteAllText(path, report);
                log = path;
                break;
            }
            catch (Exception write) when (write is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { }
        }
        console.MarkupLine($"[red]internal error:[/] {Markup.Escape(message)}; " + (log is null
            ? "the details could not be saved (no writable crash folder); run again to see it happen, and report it with the command you ran."
            : $"details in {Markup.Escape(log)} (a bug in resonance: please report it with that file)."));
        return InternalError;
    }

    /// <summary>A failure inside libtorch (its message, without the native stack) as a failed run, exit code 1.</summary>
    internal static int ReportTorchFailure(IAnsiConsole console, System.Runtime.InteropServices.ExternalException e)
    {
        string first = e.Message.Split('\n', 2)[0].Trim();
        console.MarkupLine($"[red]error:[/] the tensor library failed: {Markup.Escape(first)}");
        console.MarkupLine("This is a fault of the run, not of its input; results written before it are kept. " +
            "Try again with --threads 1, and report it with the command you ran.");
        return RunFailed;
    }

    static RootCommand BuildRoot(IAnsiConsole console)
    {
        var root = new RootCommand(
            "Resonance: build, train, probe and watch recurrent networks whose memory is a dynamical process.");
        root.Options.Add(DeviceOption);
        root.Options.Add(ThreadsOption);
        root.Subcommands.Add(InfoCommand.Create(console));
        root.Subcommands.Add(DataCommand.Create(console));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(RunsCommand.Create(console));
        root.Subcommands.Add(SweepCommand.Create(console));
        root.Subcommands.Add(AnalyzeCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(SparksCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(AttractorCommand.Create(console));
        root.Subcommands.Add(StudioCommand.Create(console));
        return root;
    }

    /// <summary>Applies the global options: validates the device and sets threads. Returns the device.</summary>
    internal static TorchSharp.torch.Device ApplyGlobalOptions(ParseResult parse)
    {
        var request = Devices.Parse(parse.GetValue(DeviceOption) ?? "auto");
        if (parse.GetValue(ThreadsOption) is int threads)
            TorchRuntime.SetThreads(threads);
        return Devices.Resolve(request);
    }
}
