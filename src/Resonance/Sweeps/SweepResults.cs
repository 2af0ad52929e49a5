using System.Globalization;
using System.Text.Json.Nodes;
using MathNet.Numerics.Distributions;
using Resonance.Runs;

namespace Resonance.Sweeps;

/// <summary>A mean over seeds with its 95% confidence interval.</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="HalfWidth"><c>t₀.₉₇₅,ₙ₋₁ · s / √n</c> (Student's t), NaN for fewer than 2 values.</param>
/// <param name="Count">How many values.</param>
public readonly record struct MeanInterval(double Mean, double HalfWidth, int Count)
{
    /// <summary>The mean and 95% interval of <paramref name="values"/> (NaN mean for none).</summary>
    public static MeanInterval Of(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return new(double.NaN, double.NaN, 0);
        double mean = values.Average();
        if (n == 1) return new(mean, double.NaN, 1);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return new(mean, StudentT.InvCDF(0, 1, n - 1, 0.975) * Math.Sqrt(variance / n), n);
    }
}

/// <summary>One point's outcome.</summary>
public sealed record PointResult(SweepPoint Point, PointState State, JsonObject? Summary)
{
    /// <summary>The point's figure for <paramref name="key"/> when it completed, else null.</summary>
    public double? Figure(string key) => State == PointState.Completed && Summary?[key] is JsonValue value && value.TryGetValue(out double d) && double.IsFinite(d) ? d : null;
}

/// <summary>One setting's points and, per figure, the mean and interval over its completed seeds.</summary>
public sealed record SettingResult(IReadOnlyList<KeyValuePair<string, string>> Values, IReadOnlyList<PointResult> Points, IReadOnlyDictionary<string, MeanInterval> Figures);

/// <summary>A sweep's results as they stand: every point, every setting, and the figures compared.</summary>
/// <param name="Keys">The swept keys.</param>
/// <param name="FigureKeys">The children's headline figures that are numbers, in the kind's order.</param>
/// <param name="Points">Every point.</param>
/// <param name="Settings">Every setting.</param>
public sealed record SweepResults(IReadOnlyList<string> Keys, IReadOnlyList<string> FigureKeys, IReadOnlyList<PointResult> Points, IReadOnlyList<SettingResult> Settings)
{
    /// <summary>Points in each state.</summary>
    public int Count(PointState state) => Points.Count(p => p.State == state);

    /// <summary>Whether every point has finished (completed or failed).</summary>
    public bool Finished => Points.All(p => p.State is PointState.Completed or PointState.Failed);

    /// <summary>Reads every point's run folder.</summary>
    /// <param name="folder">The sweep folder.</param>
    /// <param name="plan">Its points.</param>
    /// <param name="headlineKeys">The children's kind's headline keys (a <c>*_suffix</c> key stands for every key with that suffix).</param>
    public static SweepResults Read(SweepDirectory folder, SweepPlan plan, IReadOnlyList<string> headlineKeys)
    {
        var points = plan.Points.Select(p => new PointResult(p, folder.State(p), folder.PointRun(p).ReadSummary())).ToList();
        var figureKeys = points.Where(p => p.State == PointState.Completed && p.Summary is not null)
            .SelectMany(p => Headlines.Pick(p.Summary!, headlineKeys, most: 8).Where(pair => pair.Value is JsonValue v && v.TryGetValue(out double _)).Select(pair => pair.Key))
            .Distinct().ToList();
        // a figure that is the same in every completed run (epochs of a fixed budget, zero loss spikes) says nothing about the sweep
        figureKeys = [.. figureKeys.Where((key, i) => i == 0 || points.Select(p => p.Figure(key)).OfType<double>().Distinct().Count() > 1).Take(5)];
        var settings = points.GroupBy(p => p.Point.Setting).OrderBy(g => g.Key).Select(group =>
        {
            var members = group.ToList();
            var figures = figureKeys.ToDictionary(key => key, key => MeanInterval.Of([.. members.Select(m => m.Figure(key)).OfType<double>()]));
            return new SettingResult(members[0].Point.Values, members, figures);
        }).ToList();
        return new SweepResults(plan.Keys, figureKeys, points, settings);
    }

    /// <summary>Whether a larger value of <paramref name="key"/> is better (accuracies, rates) or a smaller one (losses, errors, times).</summary>
    public static bool HigherIsBetter(string key) =>
        !(key.Contains("loss", StringComparison.Ordinal) || key.Contains("error", StringComparison.Ordinal) || key.EndsWith("_s", StringComparison.Ordinal) || key.Contains("spike", StringComparison.Ordinal));

    /// <summary>The setting with the best mean of the first figure, or null before any point completed.</summary>
    public SettingResult? Best()
    {
        if (FigureKeys.Count == 0) return null;
        string key = FigureKeys[0];
        var ranked = Settings.Where(s => s.Figures[key].Count > 0);
        return HigherIsBetter(key) ? ranked.MaxBy(s => s.Figures[key].Mean) : ranked.MinBy(s => s.Figures[key].Mean);
    }

    /// <summary>Per setting: the swept values, seeds done, and each figure's mean ± 95% interval.</summary>
    public StudyTable SettingsTable(string title)
    {
        List<string> columns = [.. Keys, "seeds"];
        foreach (string key in FigureKeys) columns.AddRange([key, "±95%"]);
        var rows = Settings.Select(setting =>
        {
            List<string> row = [.. setting.Values.Select(pair => pair.Value),
                $"{setting.Points.Count(p => p.State == PointState.Completed)}/{setting.Points.Count}"];
            foreach (string key in FigureKeys)
            {
                var interval = setting.Figures[key];
                row.Add(interval.Count == 0 ? "—" : SummaryFormat.Format(key, interval.Mean));
                row.Add(double.IsNaN(interval.HalfWidth) ? "—" : SummaryFormat.Format(key, interval.HalfWidth));
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new StudyTable("settings", title, columns, rows,
            ["Mean over each setting's completed seeds; ±95% is the half-width of the 95% confidence interval (Student's t, n − 1 degrees of freedom). " +
             "Two settings whose intervals overlap are not shown to differ."]);
    }

    /// <summary>The settings table with plain numbers (CSV for spreadsheets and pandas): mean, half-width and n per figure.</summary>
    public string SettingsCsv()
    {
        List<string> columns = [.. Keys, "seeds_completed", "seeds"];
        foreach (string key in FigureKeys) columns.AddRange([$"{key}_mean", $"{key}_ci95", $"{key}_n"]);
        var rows = Settings.Select(setting =>
        {
            List<string> row = [.. setting.Values.Select(pair => pair.Value), Whole(setting.Points.Count(p => p.State == PointState.Completed)), Whole(setting.Points.Count)];
            foreach (string key in FigureKeys)
            {
                var interval = setting.Figures[key];
                row.AddRange([Plain(interval.Mean), Plain(interval.HalfWidth), Whole(interval.Count)]);
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new StudyTable("settings", "settings", columns, rows).ToCsv();
    }

    /// <summary>Every point: name, swept values, seed, state, run folder and each figure (every seed reported).</summary>
    public string PointsCsv()
    {
        List<string> columns = ["point", .. Keys, "seed", "state", "run", .. FigureKeys];
        var rows = Points.Select(p => (IReadOnlyList<string>)[p.Point.Name, .. p.Point.Values.Select(pair => pair.Value),
            p.Point.Seed.ToString(CultureInfo.InvariantCulture), p.State.ToString().ToLowerInvariant(), $"runs/{p.Point.Name}",
            .. FigureKeys.Select(key => p.Figure(key) is double d ? Plain(d) : "")]).ToList();
        return new StudyTable("runs", "runs", columns, rows).ToCsv();
    }

    /// <summary>The sweep's own summary figures: point counts and the best setting.</summary>
    public Dictionary<string, object?> Summary()
    {
        var summary = new Dictionary<string, object?>
        {
            ["points"] = (long)Points.Count,
            ["points_completed"] = (long)Count(PointState.Completed),
            ["points_failed"] = (long)Count(PointState.Failed),
            ["points_interrupted"] = (long)Count(PointState.Interrupted),
            ["points_pending"] = (long)(Count(PointState.Pending) + Count(PointState.Running) + Count(PointState.Damaged)),
            ["settings"] = (long)Settings.Count,
            ["swept_keys"] = string.Join(", ", Keys),
        };
        if (Best() is { } best)
        {
            string key = FigureKeys[0];
            summary["metric"] = key;
            summary["best_setting"] = best.Values.Count == 0 ? "(base)" : string.Join(' ', best.Values.Select(pair => $"{pair.Key}={pair.Value}"));
            summary[$"best_{key}"] = best.Figures[key].Mean;
            summary[$"best_{key}_ci95"] = double.IsNaN(best.Figures[key].HalfWidth) ? null : best.Figures[key].HalfWidth;
        }
        return summary;
    }

    static string Plain(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    static string Whole(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The sweep's <c>metrics.jsonl</c>: one line per point when it is first seen finished
/// (<c>{"kind": "point", "step": i, "point": "p003", "state": "completed", "seed": 2, "training.lr": "0.004", "test_accuracy": 0.97, ...}</c>),
/// appended only, so the studio follows a sweep as it follows any run.
/// </summary>
public static class SweepLog
{
    /// <summary>Appends a line for each finished point not yet in the log; returns how many were added.</summary>
    public static int Record(SweepDirectory folder, SweepResults results)
    {
        var logged = MetricsLog.Read(folder.Run.MetricsPath)
            .Select(line => line["point"] is JsonValue v && v.TryGetValue(out string? name) ? name : null).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var fresh = results.Points.Where(p => p.State is PointState.Completed or PointState.Failed && !logged.Contains(p.Point.Name)).ToList();
        if (fresh.Count == 0) return 0;
        using var log = folder.Run.OpenMetrics();
        foreach (var point in fresh)
        {
            var line = new Dictionary<string, object?>
            {
                ["kind"] = "point",
                ["step"] = (long)(logged.Count + 1),
                ["point"] = point.Point.Name,
                ["state"] = point.State.ToString().ToLowerInvariant(),
                ["seed"] = point.Point.Seed,
            };
            foreach (var (key, value) in point.Point.Values) line[key] = value;
            foreach (string key in results.FigureKeys)
                if (point.Figure(key) is double figure) line[key] = figure;
            log.Write(line);
            logged.Add(point.Point.Name);
        }
        return fresh.Count;
    }
}
