using System.Text.Json.Nodes;
using Resonance.Runs;

namespace Resonance.Studio;

/// <summary>
/// Runs as the page sees them (the studio's own fields in camelCase; a run's summary keys as its files write them):
/// the list entry (status, headline figures) and the whole run (config text, summary, metrics, plots).
/// </summary>
public sealed class RunViews(string root, ExperimentKinds kinds, RunProcesses processes)
{
    /// <summary>The most metrics lines one run page is sent at once (the newest are kept).</summary>
    public const int MaxMetricsLines = 100_000;

    /// <summary>Every run under the root, newest first.</summary>
    public JsonArray List()
    {
        var array = new JsonArray();
        if (!Directory.Exists(root)) return array;
        foreach (var run in RunListing.Find(root)) array.Add(Entry(run));
        return array;
    }

    /// <summary>One run's list entry: name, kind, status, start time, problem, headline figures, and whether this studio runs it.</summary>
    public JsonObject Entry(RunEntry run)
    {
        var headline = new JsonArray();
        if (run.Summary is not null && kinds.All.FirstOrDefault(k => k.Name == run.Kind) is { } kind)
            foreach (var (key, value) in Headlines.Pick(run.Summary, kind.HeadlineKeys, most: 4))
                headline.Add(new JsonObject { ["key"] = key, ["value"] = value.DeepClone(), ["text"] = SummaryFormat.Format(key, value) });
        return new JsonObject
        {
            ["name"] = run.Name,
            ["kind"] = run.Kind,
            ["status"] = run.Status,
            ["startedAt"] = run.StartedAt.ToString("O"),
            ["problem"] = run.Problem,
            ["headline"] = headline,
            ["live"] = processes.IsRunning(run.Name),
        };
    }

    /// <summary>A whole run, or null when <paramref name="name"/> is no run under the root.</summary>
    /// <exception cref="UserInputException">The name is not a plain folder name.</exception>
    public JsonObject? Run(string name)
    {
        RunDirectory.CheckName(name);
        string folder = Path.Combine(root, name);
        if (!Directory.Exists(folder) || RunListing.Read(folder) is not { } run) return null;
        var directory = new RunDirectory(folder);
        var view = Entry(run);
        view["config"] = ReadText(directory.ConfigPath);
        view["summary"] = run.Summary?.DeepClone();
        var metrics = MetricsLog.Read(directory.MetricsPath);
        view["metrics"] = new JsonArray(metrics.Skip(Math.Max(0, metrics.Count - MaxMetricsLines)).Select(JsonNode (line) => line).ToArray());
        view["plots"] = new JsonArray(Plots(directory).Select(p => (JsonNode)p).ToArray());
        view["launch"] = processes.Describe(run.Name);
        return view;
    }

    /// <summary>The run's pictures as paths relative to the root (<c>NAME/plots/x.png</c>), sorted.</summary>
    static IEnumerable<string> Plots(RunDirectory run) =>
        Directory.Exists(run.PlotsPath)
            ? Directory.EnumerateFiles(run.PlotsPath, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(file => $"{run.Name}/plots/{file}")
            : [];

    static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) && new FileInfo(path).Length <= 1 << 20 ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
