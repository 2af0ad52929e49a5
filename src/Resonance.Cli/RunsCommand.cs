using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Training;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance runs [--root DIR] [--json]</c>: the runs under a folder with their headline figures.</summary>
internal static class RunsCommand
{
    static readonly string[] Columns = ["status", "model", "epochs_completed", "test_accuracy", "test_loss", "train_time_s"];

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("runs", "List runs with their headline figures (from each run's summary.json).");
        var root = new Option<string>("--root") { Description = "Folder holding run directories.", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var json = new Option<bool>("--json") { Description = "Print JSON (one object per run) instead of a table." };
        command.Options.Add(root);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(root)!;
            if (parse.GetResult(root) is { Implicit: false } && !Directory.Exists(folder))
                throw new UserInputException(File.Exists(folder)
                    ? $"--root {folder}: a file, not a folder; give the folder that holds your run directories."
                    : $"--root {folder}: no such folder; give the folder that holds your run directories (default: runs).");
            var runs = Directory.Exists(folder)
                ? Directory.GetDirectories(folder).Select(d => new RunDirectory(d)).Where(r => r.Exists).OrderBy(r => r.Name, StringComparer.Ordinal).ToList()
                : [];
            if (parse.GetValue(json))
            {
                var array = new JsonArray();
                foreach (var run in runs)
                {
                    var entry = new JsonObject { ["run"] = run.Name, ["path"] = run.Path };
                    foreach (var (key, value) in run.ReadSummary() ?? []) entry[key] = value?.DeepClone();
                    array.Add(entry);
                }
                console.Profile.Out.Writer.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ResonanceCli.Success;
            }
            if (runs.Count == 0)
            {
                console.MarkupLine($"no runs in {Markup.Escape(Path.GetFullPath(folder))}; start one with [bold]resonance run[/]");
                return ResonanceCli.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("run");
            foreach (string column in Columns) table.AddColumn(new TableColumn(column.Replace('_', ' ')).RightAligned());
            foreach (var run in runs)
            {
                var summary = run.ReadSummary();
                var cells = new List<string> { Markup.Escape(run.Name) };
                foreach (string column in Columns)
                    cells.Add(Markup.Escape(summary?[column] is JsonValue v ? RunCommand.Format(column, Unwrap(v)) : "-"));
                table.AddRow(cells.ToArray());
            }
            console.Write(table);
            return ResonanceCli.Success;
        });
        return command;
    }

    static object? Unwrap(JsonValue value) =>
        value.TryGetValue(out long l) ? l : value.TryGetValue(out double d) ? d : value.ToString();
}
