using Resonance.Cli;
using Spectre.Console;

namespace Resonance.Tests.Cli;

/// <summary>Runs the CLI in-process on a plain, wide, non-interactive console and returns the exit code and what it printed.</summary>
internal static class CliHarness
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        int code = ResonanceCli.Run(args, console);
        return (code, writer.ToString());
    }
}
