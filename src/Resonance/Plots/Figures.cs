using Resonance.Runs;
using ScottPlot;

namespace Resonance.Plots;

/// <summary>
/// The one figure layer every kind draws through: ScottPlot panels written as PNG files atomically (a reader or a crash
/// sees the old picture or the new one), a single panel or a sheet of panels. RunPlots, NeuronPlots, AttractorPlots and
/// SparkPlots draw their panels and save them here.
/// </summary>
public static class Figures
{
    /// <summary>Writes one panel of <paramref name="width"/> x <paramref name="height"/> pixels to <paramref name="path"/>; returns the path.</summary>
    public static string Save(Plot plot, string path, int width = 900, int height = 560)
    {
        using var image = plot.GetImage(width, height);
        return Write(path, image.GetImageBytes());
    }

    /// <summary>Writes panels on one sheet, <paramref name="columns"/> per row, each <paramref name="panelWidth"/> x
    /// <paramref name="panelHeight"/> pixels; returns the path.</summary>
    public static string SaveSheet(IReadOnlyList<Plot> panels, string path, int columns, int panelWidth = 700, int panelHeight = 480)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var sheet = new Multiplot();
        sheet.RemovePlot(sheet.GetPlot(0));
        foreach (var panel in panels) sheet.AddPlot(panel);
        int rows = Math.Max(1, (panels.Count + columns - 1) / columns);
        sheet.Layout = columns == 1 ? new ScottPlot.MultiplotLayouts.Rows() : new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        using var image = sheet.Render(columns * panelWidth, rows * panelHeight);
        return Write(path, image.GetImageBytes());
    }

    static string Write(string path, byte[] png)
    {
        AtomicFile.WriteAllBytes(path, png);
        return path;
    }
}
