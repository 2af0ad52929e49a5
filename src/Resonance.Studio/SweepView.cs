using System.Text.Json.Nodes;
using Resonance.Runs;
using Resonance.Sweeps;

namespace Resonance.Studio;

/// <summary>
/// A sweep as the page sees it, read with the library's <see cref="SweepRunner.Results"/> (the same numbers as
/// <c>table.csv</c>, computed from the points' runs as they stand, so a sweep still going shows what has finished).
/// </summary>
/// <remarks>
/// The <c>sweep</c> object of a sweep's run details:
/// <code>
/// {"keys": ["training.lr"], "figures": ["test_loss", ...],
///  "counts": {"points": 4, "completed": 3, "failed": 0, "running": 1, "interrupted": 0, "pending": 0, "damaged": 0},
///  "settings": [{"values": {"training.lr": "0.005"}, "seeds": 2, "seedsCompleted": 2,
///                "figures": {"test_loss": {"mean": 0.12, "ci95": 0.03, "n": 2}}}],
///  "best": 0,
///  "points": [{"name": "p000", "run": "SWEEP/runs/p000", "state": "completed", "seed": 1, "setting": 0,
///              "values": {"training.lr": "0.005"}, "figures": {"test_loss": 0.11}}]}
/// </code>
/// A mean or interval that does not exist (no completed seed, one seed) is null. A folder whose points cannot be read gives
/// <c>{"error": "one line"}</c> instead.
/// </remarks>
public static class SweepView
{
    /// <summary>The sweep object of the run details of the sweep <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static JsonObject Details(string folder, string name, ExperimentKinds kinds)
    {
        SweepResults results;
        try
        {
            results = SweepRunner.Results(new SweepDirectory(folder), kinds);
        }
        catch (UserInputException e)
        {
            return new JsonObject { ["error"] = e.Message };
        }
        var best = results.Best();
        return new JsonObject
        {
            ["keys"] = Strings(results.Keys),
            ["figures"] = Strings(results.FigureKeys),
            ["counts"] = Counts(results.Points.Count, state => results.Count(state)),
            ["settings"] = new JsonArray([.. results.Settings.Select(setting => (JsonNode)new JsonObject
            {
                ["values"] = Values(setting.Values),
                ["seeds"] = setting.Points.Count,
                ["seedsCompleted"] = setting.Points.Count(p => p.State == PointState.Completed),
                ["figures"] = new JsonObject(results.FigureKeys.Select(key => Pair(key, new JsonObject
                {
                    ["mean"] = Number(setting.Figures[key].Mean),
                    ["ci95"] = Number(setting.Figures[key].HalfWidth),
                    ["n"] = setting.Figures[key].Count,
                }))),
            })]),
            ["best"] = best is null ? null : results.Settings.ToList().IndexOf(best),
            ["points"] = new JsonArray([.. results.Points.Select(point => (JsonNode)new JsonObject
            {
                ["name"] = point.Point.Name,
                ["run"] = RunNames.Child(name, point.Point.Name),
                ["state"] = StateName(point.State),
                ["seed"] = point.Point.Seed,
                ["setting"] = point.Point.Setting,
                ["values"] = Values(point.Point.Values),
                ["figures"] = new JsonObject(results.FigureKeys.Select(key => Pair(key, Number(point.Figure(key))))),
            })]),
        };
    }

    /// <summary>A sweep's point counts for its list entry: read from each point's run while the sweep says it is running
    /// (so the list, and with it the pushed list, changes as points start and end), from its summary once it has ended.</summary>
    /// <returns>The counts, or null when the folder's points cannot be read.</returns>
    public static JsonObject? Progress(RunEntry run)
    {
        var folder = new SweepDirectory(run.Path);
        if (run.Status != "running" && run.Summary is { } summary && Whole(summary, "points") is { } total)
            return new JsonObject
            {
                ["points"] = total,
                ["completed"] = Whole(summary, "points_completed") ?? 0,
                ["failed"] = Whole(summary, "points_failed") ?? 0,
            };
        try
        {
            var points = folder.ReadPlan().Points;
            var states = points.Select(folder.State).ToList();
            return Counts(points.Count, state => states.Count(s => s == state));
        }
        catch (UserInputException)
        {
            return null;
        }
    }

    static JsonObject Counts(int total, Func<PointState, int> count)
    {
        var counts = new JsonObject { ["points"] = total };
        foreach (var state in Enum.GetValues<PointState>()) counts[StateName(state)] = count(state);
        return counts;
    }

    static string StateName(PointState state) => state.ToString().ToLowerInvariant();

    static long? Whole(JsonObject summary, string key) => summary[key] is JsonValue value && value.TryGetValue(out long whole) ? whole : null;

    static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(item => (JsonNode)item)]);

    static JsonObject Values(IEnumerable<KeyValuePair<string, string>> values) =>
        new(values.Select(pair => Pair(pair.Key, JsonValue.Create(pair.Value))));

    static KeyValuePair<string, JsonNode?> Pair(string key, JsonNode? value) => new(key, value);

    static JsonNode? Number(double? value) => value is double d && double.IsFinite(d) ? JsonValue.Create(d) : null;
}
