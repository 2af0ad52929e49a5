using System.Text.Json.Nodes;
using Resonance.Runs;
using Resonance.Sweeps;

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

    /// <summary>One run's list entry: name, kind, status, start time, problem, headline figures, whether this studio runs
    /// it, and for a sweep its point counts (<see cref="SweepView.Progress"/>).</summary>
    /// <param name="run">The run.</param>
    /// <param name="name">Its name in the studio when it is not the folder's (a sweep's point: <c>SWEEP/runs/POINT</c>).</param>
    public JsonObject Entry(RunEntry run, string? name = null)
    {
        var headline = new JsonArray();
        if (run.Summary is not null && kinds.All.FirstOrDefault(k => k.Name == run.Kind) is { } kind)
            foreach (var (key, value) in Headlines.Pick(run.Summary, kind.HeadlineKeys, most: 4))
                headline.Add(new JsonObject { ["key"] = key, ["value"] = value.DeepClone(), ["text"] = SummaryFormat.Format(key, value) });
        var entry = new JsonObject
        {
            ["name"] = name ?? run.Name,
            ["kind"] = run.Kind,
            ["status"] = run.Status,
            ["startedAt"] = run.StartedAt.ToString("O"),
            ["problem"] = run.Problem,
            ["headline"] = headline,
            ["live"] = name is null && processes.IsRunning(run.Name),
        };
        if (run.Kind == SweepKind.Name) entry["progress"] = SweepView.Progress(run);
        return entry;
    }

    /// <summary>A whole run, or null when <paramref name="name"/> is no run under the root. A sweep's run also has
    /// <c>sweep</c> (<see cref="SweepView.Details"/>).</summary>
    /// <param name="name">A run folder's name, or a sweep's point as <c>SWEEP/runs/POINT</c> (<see cref="RunNames"/>).</param>
    /// <exception cref="UserInputException">The name is neither.</exception>
    public JsonObject? Run(string name)
    {
        RunNames.Check(name);
        if (RunNames.Folder(root, name) is not { } folder || !Directory.Exists(folder) || RunListing.Read(folder) is not { } run) return null;
        var directory = new RunDirectory(folder);
        var view = Entry(run, name);
        view["config"] = ReadText(directory.ConfigPath);
        view["summary"] = run.Summary?.DeepClone();
        var metrics = MetricsLog.Read(directory.MetricsPath);
        view["metrics"] = new JsonArray(metrics.Skip(Math.Max(0, metrics.Count - MaxMetricsLines)).Select(JsonNode (line) => line).ToArray());
        view["plots"] = new JsonArray(Plots(directory, name).Select(p => (JsonNode)p).ToArray());
        view["launch"] = processes.Describe(name);
        if (run.Kind == SweepKind.Name) view["sweep"] = SweepView.Details(folder, name, kinds);
        return view;
    }

    /// <summary>The run's pictures as paths relative to the root (<c>NAME/plots/x.png</c>), sorted.</summary>
    static IEnumerable<string> Plots(RunDirectory run, string name) =>
        Directory.Exists(run.PlotsPath)
            ? Directory.EnumerateFiles(run.PlotsPath, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(file => $"{name}/plots/{file}")
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
