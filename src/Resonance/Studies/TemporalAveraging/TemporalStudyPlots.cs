using Resonance.Sweeps;
using ScottPlot;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>A line with its 95% band: one mean and interval per x.</summary>
internal sealed record BandSeries(string Label, double[] X, MeanInterval[] Y);

/// <summary>The panels of the temporal studies: means over seeds with their interval bands, and activity heatmaps.</summary>
internal static class TemporalStudyPlots
{
    static readonly Color[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f),
    ];

    /// <summary>Lines of means with a shaded band from <c>mean − h</c> to <c>mean + h</c> (no band where the interval is unknown).</summary>
    public static Plot Bands(string title, string xLabel, string yLabel, IReadOnlyList<BandSeries> series, bool logX = false)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        for (int s = 0; s < series.Count; s++)
        {
            var line = series[s];
            var color = Palette[s % Palette.Length];
            double[] xs = [.. line.X.Select(x => logX ? Math.Log10(x) : x)];
            double[] means = [.. line.Y.Select(v => v.Mean)];
            if (line.Y.All(v => double.IsFinite(v.HalfWidth)))
            {
                var band = plot.Add.FillY(xs, [.. line.Y.Select(v => v.Mean - v.HalfWidth)], [.. line.Y.Select(v => v.Mean + v.HalfWidth)]);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var scatter = plot.Add.Scatter(xs, means, color);
            scatter.LegendText = line.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
        }
        if (logX)
        {
            double[] xs = [.. series.SelectMany(line => line.X).Where(x => x > 0).Distinct().Order()];
            plot.Axes.Bottom.SetTicks([.. xs.Select(Math.Log10)], [.. xs.Select(x => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))]);
        }
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    /// <summary>A heatmap of <paramref name="values"/> (row 0 at the top), e.g. units × iterations; optional tick labels per
    /// column and per row (row 0's at the top).</summary>
    public static Plot Heatmap(string title, double[,] values, string xLabel, string yLabel, string[]? columnLabels = null, string[]? rowLabels = null)
    {
        var plot = new Plot();
        plot.Title(title, size: 12);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        int rows = values.GetLength(0);
        // Cells are centred on whole coordinates, row 0 drawn at y = rows − 1.
        if (columnLabels is not null) plot.Axes.Bottom.SetTicks([.. columnLabels.Select((_, c) => (double)c)], columnLabels);
        if (rowLabels is not null) plot.Axes.Left.SetTicks([.. rowLabels.Select((_, r) => (double)(rows - 1 - r))], rowLabels);
        return plot;
    }
}
