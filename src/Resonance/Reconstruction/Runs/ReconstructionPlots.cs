using Resonance.Plots;
using ScottPlot;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Pictures of a reconstruction: true and generated attractors side by side, their power spectra, and the
/// AL-RNN's linear subregions.</summary>
public static class ReconstructionPlots
{
    /// <summary><c>attractors.png</c>: true (left) and generated (right), projected on <c>x₁–x₂</c> and, for 3 or more
    /// dimensions, <c>x₁–x₃</c>; a 1-D series is drawn as <c>x_t</c> against <c>x_{t+1}</c>.</summary>
    public static string Attractors(Tensor truth, Tensor generated, string folder, string title)
    {
        int d = (int)truth.shape[1];
        var projections = d == 1 ? new[] { (0, -1) } : d == 2 ? [(0, 1)] : new[] { (0, 1), (0, 2) };
        var panels = new List<Plot>();
        foreach (var (a, b) in projections)
        {
            var pair = new[] { (truth, "true"), (generated, "generated") }.Select(p =>
            {
                double[,] rows = Rows(p.Item1);
                return (Xs: b < 0 ? Column(rows, 0)[..^1] : Column(rows, a), Ys: b < 0 ? Column(rows, 0)[1..] : Column(rows, b), Label: p.Item2);
            }).ToArray();
            // Both panels on the same axes (the union of their finite ranges): on its own scale a free run that fell onto a
            // fixed point shows its float rounding as an orbit; beside the true attractor's scale it is the point it is.
            var (xLow, xHigh) = Range(pair.SelectMany(p => p.Xs));
            var (yLow, yHigh) = Range(pair.SelectMany(p => p.Ys));
            foreach (var (xs, ys, label) in pair)
            {
                var plot = new Plot();
                var line = plot.Add.ScatterLine(xs, ys);
                line.LineWidth = 0.6f;
                line.Color = label == "true" ? Colors.SteelBlue : Colors.OrangeRed;
                plot.Title($"{title}: {label}");
                plot.XLabel(b < 0 ? "x(t)" : $"x{a + 1}");
                plot.YLabel(b < 0 ? "x(t+1)" : $"x{b + 1}");
                if (xHigh > xLow && yHigh > yLow) plot.Axes.SetLimits(xLow, xHigh, yLow, yHigh);
                panels.Add(plot);
            }
        }
        return Figures.SaveSheet(panels, Path.Combine(folder, "attractors.png"), columns: 2, panelWidth: 520, panelHeight: 420);
    }

    /// <summary>The finite values' range with a 5 % margin each side; (0, 0) when none is finite.</summary>
    static (double Low, double High) Range(IEnumerable<double> values)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (double v in values)
            if (double.IsFinite(v)) (low, high) = (Math.Min(low, v), Math.Max(high, v));
        if (low > high) return (0, 0);
        double margin = 0.05 * Math.Max(high - low, 1e-9);
        return (low - margin, high + margin);
    }

    /// <summary><c>spectra.png</c>: the smoothed power spectrum of each dimension, true against generated.</summary>
    public static string Spectra(Tensor truth, Tensor generated, double smoothing, string folder)
    {
        double[,] t = PowerSpectrumDistance.Spectrum(truth, smoothing), g = PowerSpectrumDistance.Spectrum(generated, smoothing);
        var panels = new List<Plot>();
        int bins = t.GetLength(0);
        double[] frequency = [.. Enumerable.Range(0, bins).Select(k => (double)k)];
        for (int d = 0; d < t.GetLength(1); d++)
        {
            var plot = new Plot();
            var a = plot.Add.ScatterLine(frequency, Column(t, d), Colors.SteelBlue);
            a.LegendText = "true";
            var b = plot.Add.ScatterLine(frequency, Column(g, d), Colors.OrangeRed);
            b.LegendText = "generated";
            plot.Title($"power spectrum x{d + 1}");
            plot.XLabel("frequency bin");
            plot.YLabel("normalised power");
            plot.ShowLegend(Alignment.UpperRight);
            panels.Add(plot);
        }
        return Figures.SaveSheet(panels, Path.Combine(folder, "spectra.png"), columns: Math.Min(3, panels.Count), panelWidth: 520, panelHeight: 380);
    }

    /// <summary><c>regions.png</c>: the generated attractor coloured by linear subregion, and each subregion's visit frequency.</summary>
    public static string Regions(long[] regions, Tensor observed, string folder)
    {
        double[,] rows = Rows(observed);
        int d = rows.GetLength(1);
        int b = d >= 3 ? 2 : d == 2 ? 1 : 0;
        var counts = regions.GroupBy(r => r).OrderByDescending(g => g.Count()).ToList();
        var scatter = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < counts.Count; k++)
        {
            var index = Enumerable.Range(0, regions.Length).Where(i => regions[i] == counts[k].Key).ToArray();
            var points = scatter.Add.ScatterPoints(index.Select(i => rows[i, 0]).ToArray(), index.Select(i => rows[i, b]).ToArray(), palette.GetColor(k));
            points.MarkerSize = 2;
            points.LegendText = $"region {counts[k].Key}";
        }
        scatter.Title("AL-RNN linear subregions on the generated attractor");
        scatter.XLabel("x1");
        scatter.YLabel($"x{b + 1}");
        scatter.ShowLegend(Alignment.UpperRight);
        var bars = new Plot();
        var barPlot = bars.Add.Bars(counts.Select(g => (double)g.Count() / regions.Length).ToArray());
        for (int k = 0; k < barPlot.Bars.Count; k++) barPlot.Bars[k].FillColor = palette.GetColor(k);   // each region's colour in both panels
        bars.Axes.Bottom.SetTicks([.. counts.Select((_, k) => (double)k)], [.. counts.Select(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        bars.Title("visit frequency per subregion");
        bars.XLabel("region id");
        bars.YLabel("fraction of steps");
        return Figures.SaveSheet([scatter, bars], Path.Combine(folder, "regions.png"), columns: 2, panelWidth: 560, panelHeight: 440);
    }

    static double[,] Rows(Tensor series)
    {
        using var scope = NewDisposeScope();
        var c = series.detach().to(ScalarType.Float64).cpu().contiguous();
        double[] flat = c.data<double>().ToArray();
        var rows = new double[c.shape[0], c.shape[1]];
        Buffer.BlockCopy(flat, 0, rows, 0, flat.Length * sizeof(double));
        return rows;
    }

    static double[] Column(double[,] rows, int d) => [.. Enumerable.Range(0, rows.GetLength(0)).Select(t => rows[t, d])];
}
