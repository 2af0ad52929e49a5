using Resonance.Runs;
using Resonance.Models;
using Resonance.Plots;
using ScottPlot;

namespace Resonance.Training;

/// <summary>A PNG of a model's per-neuron figures: one histogram panel per figure (firing rate, threshold, leak, ...).</summary>
public static class NeuronPlots
{
    /// <summary>Writes the histograms of <paramref name="figures"/> at <paramref name="epoch"/> to <paramref name="path"/> (atomically); returns the path.</summary>
    public static string Write(string path, IReadOnlyList<NeuronDiagnostic> figures, int epoch, int bins = 30)
    {
        var panels = new List<Plot>();
        foreach (var figure in figures)
        {
            var plot = new Plot();
            double[] values = [.. figure.Values.Select(v => (double)v)];
            double min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 1 : values.Max();
            if (max - min < 1e-9) { min -= 0.5; max += 0.5; }
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
            histogram.AddRange(values);
            var bars = plot.Add.Bars(histogram.Bins, histogram.Counts);
            foreach (var bar in bars.Bars)
            {
                bar.Size = histogram.FirstBinSize * 0.95;
                bar.LineWidth = 0;
            }
            plot.Title($"{figure.Name}: mean {figure.Mean:G3} (epoch {epoch + 1})", size: 13);
            plot.YLabel("neurons");
            panels.Add(plot);
        }
        return Figures.SaveSheet(panels, path, columns: Math.Min(4, Math.Max(1, figures.Count)), panelWidth: 360, panelHeight: 300);
    }
}
