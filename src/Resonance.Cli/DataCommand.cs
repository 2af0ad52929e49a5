using System.CommandLine;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance data fetch mnist [--from DIR]</c>.</summary>
internal static class DataCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Command("data", "Manage the data cache.");
        var fetch = new Command("fetch", "Fetch a dataset into the cache.");
        var dataset = new Argument<string>("dataset") { Description = "Dataset name: mnist." };
        dataset.AcceptOnlyFromAmong("mnist");
        var from = new Option<DirectoryInfo?>("--from") { Description = "Import existing IDX files (plain or .gz) from this folder instead of downloading.", HelpName = "DIR" };
        fetch.Arguments.Add(dataset);
        fetch.Options.Add(from);
        fetch.SetAction(parse =>
        {
            console.MarkupLine("[yellow]not yet[/]");
            return ResonanceCli.RunFailed;
        });
        data.Subcommands.Add(fetch);
        return data;
    }
}
