using Resonance.Cli;
using Spectre.Console;

// Logs and CI capture output through a pipe, where Spectre would wrap at 80 columns and split messages mid-line.
if (Console.IsOutputRedirected)
    AnsiConsole.Console.Profile.Width = 240;

return ResonanceCli.Run(args);
