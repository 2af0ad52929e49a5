using System.Globalization;
using Resonance.Plots;
using ScottPlot;

namespace Resonance.Sweeps;

/// <summary>
/// A figure against each swept key: for every swept key, one sheet with a panel per figure (mean over seeds with its 95%
/// interval as error bars), one line per combination of the other keys. Numbers go on a numeric axis (log when the key
/// was drawn log-uniformly or its values span more than a factor of 50), other values on evenly spaced ticks.
/// </summary>
public static class SweepPlots
{
    /// <summary>Writes <c>plots/KEY.png</c> for each swept key; returns the paths written (none before any point completed).</summary>
    public static IReadOnlyList<string> Write(SweepResults results, SweepSpec spec, string plotsPath)
    {
        var written = new List<string>();
        if (results.FigureKeys.Count == 0) return written;
        foreach (string key in results.Keys)
        {
            var panels = results.FigureKeys.Select(figure => Panel(results, spec, key, figure)).ToList();
            string file = Path.Combine(plotsPath, Slug(key) + ".png");
            written.Add(Figures.SaveSheet(panels, file, columns: Math.Min(panels.Count, 2), panelWidth: 640, panelHeight: 420));
        }
        return written;
    }

    static Plot Panel(SweepResults results, SweepSpec spec, string key, string figure)
    {
        var plot = new Plot();
        var values = results.Settings.Select(s => Value(s, key)).Distinct().ToList();
        bool numeric = values.All(v => Number(v) is not null);
        var numbers = numeric ? values.Select(v => Number(v)!.Value).ToList() : [];
        bool log = numeric && (spec.Random.Any(a => a.Key == key && a.Log) ||
            (numbers.Min() > 0 && numbers.Max() / numbers.Min() > 50));
        double X(string value) => numeric ? (log ? Math.Log10(Number(value)!.Value) : Number(value)!.Value) : values.IndexOf(value);
        bool percent = figure.EndsWith("accuracy", StringComparison.Ordinal);
        double scale = percent ? 100 : 1;
        var groups = results.Settings.GroupBy(s => string.Join(' ', s.Values.Where(pair => pair.Key != key).Select(pair => $"{pair.Key}={pair.Value}")));
        foreach (var group in groups)
        {
            var points = group.Where(s => s.Figures[figure].Count > 0).OrderBy(s => X(Value(s, key))).ToList();
            if (points.Count == 0) continue;
            double[] xs = [.. points.Select(s => X(Value(s, key)))];
            double[] ys = [.. points.Select(s => s.Figures[figure].Mean * scale)];
            double[] errors = [.. points.Select(s => double.IsNaN(s.Figures[figure].HalfWidth) ? 0 : s.Figures[figure].HalfWidth * scale)];
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 7;
            if (group.Key.Length > 0) line.LegendText = group.Key;
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = line.Color;
        }
        if (!numeric)
            plot.Axes.Bottom.SetTicks([.. values.Select((_, i) => (double)i)], [.. values]);
        plot.Title($"{figure} against {key}");
        plot.XLabel(log ? $"log10 {key}" : key);
        plot.YLabel(percent ? $"{figure} (%)" : figure);
        if (groups.Count() > 1) plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    static string Value(SettingResult setting, string key) => setting.Values.First(pair => pair.Key == key).Value;

    static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null;

    static string Slug(string key) => string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'));
}
