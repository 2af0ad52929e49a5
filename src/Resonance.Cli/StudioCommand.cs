using System.CommandLine;
using System.Runtime.InteropServices;
using Resonance.Studio;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance studio [--port P] [--root DIR] [--host H]</c>: the web studio for the runs under a folder.</summary>
internal static class StudioCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("studio",
            "Serve the web studio: every run under the runs folder with live metrics, plots and summaries; start and stop runs; " +
            "the live labs. Bound to 127.0.0.1; Ctrl-C stops it (and the runs it started, which save and end interrupted).");
        var port = new Option<int>("--port") { Description = $"TCP port (default {StudioOptions.DefaultPort}; 0 for any free one).", DefaultValueFactory = _ => StudioOptions.DefaultPort, HelpName = "P" };
        var root = new Option<string>("--root") { Description = "Folder holding run directories (the same default as resonance run and resonance runs).", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var host = new Option<string>("--host") { Description = "Address to listen on; anything but 127.0.0.1 lets other machines in (a warning is printed).", DefaultValueFactory = _ => "127.0.0.1", HelpName = "H" };
        command.Options.Add(port);
        command.Options.Add(root);
        command.Options.Add(host);
        command.SetAction(parse =>
        {
            var builtIn = EmbeddedExperiments.Names.ToDictionary(name => name, name => EmbeddedExperiments.Read(name)!);
            var options = new StudioOptions(parse.GetValue(root)!, parse.GetValue(host)!, parse.GetValue(port),
                new ExperimentCatalog(builtIn, Directory.Exists("experiments") ? "experiments" : null), CliCommand()).Validate();
            return Serve(console, options);
        });
        return command;
    }

    /// <summary>How this very CLI is started again as a child: its own executable, or <c>dotnet resonance.dll</c>.</summary>
    internal static IReadOnlyList<string> CliCommand()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, typeof(StudioCommand).Assembly.Location]
            : [process];
    }

    static int Serve(IAnsiConsole console, StudioOptions options)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        var server = StudioServer.StartAsync(options).GetAwaiter().GetResult();
        try
        {
            if (!options.IsLoopback)
                console.MarkupLine($"[yellow]warning:[/] listening on {Markup.Escape(options.Host)}: anyone who can reach this machine can read the runs " +
                    "and start or stop runs; there is no login. Use --host 127.0.0.1 (the default) unless you mean it.");
            console.MarkupLine($"studio: [bold]{Markup.Escape(server.Address.ToString())}[/]  (runs in {Markup.Escape(server.Root)}; Ctrl-C stops it)");
            stop.Token.WaitHandle.WaitOne();
            console.MarkupLine("stopping the studio (runs it started are asked to stop and save)");
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return ResonanceCli.Success;
    }
}
