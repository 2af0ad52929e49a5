using Resonance.Runs;
using Resonance.Training;
using Resonance.Plots;
using ScottPlot;

namespace Resonance.Attractors.Studies;

/// <summary>A named line of a plot.</summary>
internal sealed record PlotSeries(string Label, double[] X, double[] Y, bool Dashed = false, bool Markers = true);

/// <summary>ScottPlot helpers shared by the attractor studies: line panels, sheets of panels, atomic PNG writes.</summary>
internal static class AttractorPlots
{
    public static readonly Color[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
        new(0x00, 0x00, 0x00), new(0x1b, 0x4f, 0x72), new(0x7b, 0x24, 0x1c), new(0x0e, 0x62, 0x51),
    ];

    /// <summary>A panel of lines; NaN points are left out; optional horizontal reference lines.</summary>
    public static Plot Lines(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series,
        IReadOnlyList<(double Y, string Label)>? references = null, bool logX = false, (double Min, double Max)? yLimits = null,
        Alignment legend = Alignment.LowerLeft)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        for (int s = 0; s < series.Count; s++)
        {
            var line = series[s];
            var points = line.X.Zip(line.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
            if (points.Length == 0) continue;
            double[] xs = points.Select(p => logX ? Math.Log10(p.First) : p.First).ToArray();
            var scatter = plot.Add.Scatter(xs, points.Select(p => p.Second).ToArray(), Palette[s % Palette.Length]);
            scatter.LegendText = line.Label;
            scatter.MarkerSize = line.Markers ? 6 : 0;
            scatter.LineWidth = 2;
            if (line.Dashed) scatter.LinePattern = LinePattern.Dashed;
        }
        if (references is not null)
        {
            // Greys and patterns in turn, so several reference lines stay apart from each other and from the data.
            LinePattern[] patterns = [LinePattern.Dotted, LinePattern.Dashed, LinePattern.DenselyDashed];
            Color[] greys = [Colors.Gray, Colors.DimGray, Colors.Black];
            for (int i = 0; i < references.Count; i++)
            {
                var reference = plot.Add.HorizontalLine(references[i].Y, 1, greys[i % greys.Length], patterns[i % patterns.Length]);
                reference.LegendText = references[i].Label;
            }
        }
        if (logX)
        {
            // Ticks at the data's own x values (sizes, memory counts), labelled in plain numbers.
            double[] xs = series.SelectMany(line => line.X).Where(x => x > 0 && double.IsFinite(x)).Distinct().Order().ToArray();
            plot.Axes.Bottom.SetTicks(xs.Select(Math.Log10).ToArray(),
                xs.Select(x => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }
        if (yLimits is var (min, max)) plot.Axes.SetLimitsY(min, max);
        plot.ShowLegend(legend);
        return plot;
    }

    /// <summary>Writes one panel.</summary>
    public static string Save(Plot plot, string path, int width = 900, int height = 560) => Figures.Save(plot, path, width, height);

    /// <summary>Writes panels side by side (one row) or stacked (<paramref name="columns"/> per row).</summary>
    public static string SaveSheet(IReadOnlyList<Plot> panels, string path, int columns, int panelWidth = 700, int panelHeight = 480) =>
        Figures.SaveSheet(panels, path, columns, panelWidth, panelHeight);
}
