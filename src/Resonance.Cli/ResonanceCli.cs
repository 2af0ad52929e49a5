using System.CommandLine;
using Resonance.Runtime;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>The <c>resonance</c> command line: global options, sub-commands, and the mapping of errors to exit codes.</summary>
public static class ResonanceCli
{
    /// <summary>Exit codes, as DESIGN.md fixes them.</summary>
    public const int Success = 0, RunFailed = 1, BadInput = 2;

    internal static readonly Option<string> DeviceOption = new("--device")
    {
        Description = "Compute device: auto (CUDA when available, else CPU), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
        HelpName = "auto|cpu|cuda",
    };

    internal static readonly Option<int?> ThreadsOption = new("--threads")
    {
        Description = "Intra-op threads for torch (default: torch's own choice, usually one per core).",
        Recursive = true,
        HelpName = "N",
    };

    /// <summary>Runs the CLI with the given arguments, writing to <paramref name="console"/> (the terminal when null).</summary>
    public static int Run(string[] args, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var root = BuildRoot(console);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            console.MarkupLine("Run [bold]resonance --help[/] for usage.");
            return BadInput;
        }
        try
        {
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
        root.Subcommands.Add(SparksCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(AttractorCommand.Create(console));
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
