using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Runs;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance runs [--root DIR] [--kind KIND] [--json]</c>: the runs under a folder, every kind, with their headline figures.</summary>
internal static class RunsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var kinds = ExperimentKinds.CreateDefault();
        var command = new Command("runs", "List runs of every kind, newest first, with status, age and headline figures (from each run's summary.json); (analysed) marks a run that resonance analyze has looked into.");
        var root = new Option<string>("--root") { Description = "Folder holding run directories.", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var kind = new Option<string?>("--kind") { Description = $"Only runs of this kind ({string.Join(", ", kinds.All.Select(k => k.Name))}).", HelpName = "KIND" };
        var json = new Option<bool>("--json") { Description = "Print JSON (one object per run: run, path, problem, analysis (the path of its analysis.json, or null), and its summary) instead of a table." };
        command.Options.Add(root);
        command.Options.Add(kind);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(root)!;
            string? only = parse.GetValue(kind);
            if (only is not null) kinds.Get(only, "--kind");
            if (File.Exists(folder))
                throw new UserInputException($"--root {folder}: a file, not a folder; give the folder that holds your run directories.");
            if (!Directory.Exists(folder) && parse.GetResult(root) is { Implicit: false })
                throw new UserInputException($"--root {folder}: no such folder; give the folder that holds run directories (runs/ by default).");
            var runs = Directory.Exists(folder) ? RunListing.Find(folder) : [];
            if (only is not null) runs = runs.Where(r => r.Kind == only).ToList();
            if (parse.GetValue(json))
            {
                var array = new JsonArray();
                foreach (var run in runs)
                {
                    var entry = new JsonObject { ["run"] = run.Name, ["path"] = run.Path };
                    if (run.Problem is not null) entry["problem"] = run.Problem;
                    entry["analysis"] = run.Analysis;
                    if (run.Summary is null) entry["kind"] = run.Kind;
                    foreach (var (key, value) in run.Summary ?? []) entry[key] = value?.DeepClone();
                    array.Add(entry);
                }
                console.Profile.Out.Writer.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ResonanceCli.Success;
            }
            if (runs.Count == 0)
            {
                console.MarkupLine($"no runs{(only is null ? "" : $" of kind {Markup.Escape(only)}")} in {Markup.Escape(Path.GetFullPath(folder))}; start one with [bold]resonance run[/]");
                return ResonanceCli.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("run").AddColumn("kind").AddColumn("status").AddColumn(new TableColumn("age").RightAligned()).AddColumn("figures");
            var now = DateTimeOffset.Now;
            foreach (var run in runs)
            {
                string status = run.Status switch
                {
                    null => "[red]?[/]",
                    "completed" => "[green]completed[/]",
                    "running" => "[blue]running[/]",
                    "interrupted" => "[yellow]interrupted[/]",
                    var other => $"[red]{Markup.Escape(other)}[/]",
                };
                string figures = run.Problem is not null
                    ? $"[red]{Markup.Escape(run.Problem)}[/]"
                    : Markup.Escape(Figures(kinds, run));
                if (run.Analysis is not null) figures += "  [blue](analysed)[/]";
                table.AddRow(Markup.Escape(run.Name), Markup.Escape(run.Kind ?? "?"), status, RunListing.Age(run.StartedAt, now), figures);
            }
            console.Write(table);
            return ResonanceCli.Success;
        });
        return command;
    }

    /// <summary>The kind's headline figures present in the run's summary, as <c>key value</c> pairs.</summary>
    static string Figures(ExperimentKinds kinds, RunEntry run)
    {
        if (run.Summary is null) return "";
        var kind = kinds.All.FirstOrDefault(k => k.Name == run.Kind);
        if (kind is null) return "";
        return string.Join("  ", Headlines.Pick(run.Summary, kind.HeadlineKeys, most: 4)
            .Select(pair => $"{pair.Key.Replace('_', ' ')} {SummaryFormat.Format(pair.Key, pair.Value)}"));
    }
}
