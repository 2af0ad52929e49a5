using Resonance.Runs;
using Resonance.Training;
using Resonance.Plots;
using ScottPlot;

namespace Resonance.Sparks;

/// <summary>
/// Pictures of a spark network (ScottPlot, PNG): the four panels of the seed (activations, weight matrix, memory field,
/// graph layout), the layout alone as an animation frame, and the measures over time. Every file is written atomically.
/// </summary>
public static class SparkPlots
{
    /// <summary>Largest side of a drawn heatmap; bigger weight matrices are block-averaged down to it.</summary>
    public const int MaxHeatmapSide = 512;

    /// <summary>Most edges drawn in the layout (the strongest first).</summary>
    public const int MaxDrawnEdges = 4000;

    static readonly Color[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf), new(0x7f, 0x7f, 0x7f),
    ];

    /// <summary>Writes the four panels as <c>step-NNNNNNNN-{activations,weights,memory,layout}.png</c> and all four on
    /// one sheet as <c>step-NNNNNNNN.png</c> in <paramref name="directory"/>.</summary>
    /// <param name="frame">The state to draw.</param>
    /// <param name="directory">Folder for the pictures (created when missing).</param>
    /// <param name="graphThreshold">Threshold of the layout's edges, as in <see cref="SparkMeasureOptions.GraphThreshold"/>.</param>
    /// <param name="size">Side of one panel in pixels.</param>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> SavePanels(SparkFrame frame, string directory, double graphThreshold, int size)
    {
        string stem = Path.Combine(directory, $"step-{frame.Step:D8}");
        var panels = new (string Name, Plot Plot)[]
        {
            ("activations", Activations(frame)),
            ("weights", Weights(frame)),
            ("memory", Memory(frame)),
            ("layout", Layout(frame, graphThreshold)),
        };
        var written = new List<string>();
        foreach (var (name, plot) in panels)
            written.Add(Save(plot, $"{stem}-{name}.png", size, size));
        written.Add(Figures.SaveSheet(panels.Select(panel => panel.Plot).ToList(), stem + ".png", columns: 2, panelWidth: size, panelHeight: size));
        return written;
    }

    /// <summary>Writes one frame of the layout animation.</summary>
    public static string SaveLayoutFrame(SparkFrame frame, string path, double graphThreshold, int size) =>
        Save(Layout(frame, graphThreshold), path, size, size);

    /// <summary>Writes the measures over steps, one panel per kind of measure, to <paramref name="path"/>.</summary>
    public static string SaveMeasures(IReadOnlyList<SparkMeasures> measures, string path, int width = 1200)
    {
        var panels = new (string Title, (string Label, Func<SparkMeasures, double> Value)[] Lines)[]
        {
            ("diagonal bias (0 = shuffled baseline, 1 = pure diagonal)", [("diagonal bias", m => m.Diagonal.Bias)]),
            ("weight entropy (1 = flat)", [("whole matrix", m => m.WeightEntropy), ("mean row", m => m.WeightRowEntropy)]),
            ("memory-field entropy (1 = flat)", [("memory field", m => m.MemoryEntropy)]),
            ("thresholded weight graph", [("clustering", m => m.Clustering), ("modularity", m => m.Modularity)]),
            ("layout evenness (1 = uniform random gas)", [("nearest-neighbour ratio", m => m.Layout.NearestNeighbourRatio), ("nearest-neighbour variation", m => m.Layout.NearestNeighbourVariation)]),
        };
        var plots = new List<Plot>();
        double[] steps = measures.Select(m => (double)m.Step).ToArray();
        foreach (var (title, lines) in panels)
        {
            var plot = new Plot();
            plot.Title(title, size: 13);
            for (int k = 0; k < lines.Length; k++)
                plot.Add.ScatterLine(steps, measures.Select(lines[k].Value).ToArray(), Palette[k]).LegendText = lines[k].Label;
            plot.ShowLegend(Alignment.UpperRight);
            plot.XLabel("step");
            plots.Add(plot);
        }
        return Figures.SaveSheet(plots, path, columns: 1, panelWidth: width, panelHeight: 260);
    }

    static Plot Activations(SparkFrame frame)
    {
        var plot = new Plot();
        plot.Title($"activations, step {frame.Step}");
        var bars = plot.Add.Bars(frame.Activations.Select(a => (double)a).ToArray());
        foreach (var bar in bars.Bars)
        {
            bar.LineWidth = 0;
            bar.FillColor = Palette[3];
            bar.Size = 1;
        }
        plot.Axes.SetLimits(-0.5, frame.Neurons - 0.5, 0, 1.05);
        plot.XLabel("neuron");
        plot.YLabel("activation");
        return plot;
    }

    static Plot Weights(SparkFrame frame)
    {
        var plot = new Plot();
        plot.Title($"weights W[from, to], step {frame.Step}");
        var heatmap = plot.Add.Heatmap(BlockAverage(frame.Weights, frame.Neurons, MaxHeatmapSide, out int block));
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(0, frame.Neurons, 0, frame.Neurons);
        plot.Add.ColorBar(heatmap);
        plot.XLabel(block > 1 ? $"to (blocks of {block})" : "to");
        plot.YLabel("from");
        plot.Axes.SetLimits(0, frame.Neurons, frame.Neurons, 0);
        return plot;
    }

    static Plot Memory(SparkFrame frame)
    {
        int n = frame.Neurons;
        int columns = (int)Math.Ceiling(Math.Sqrt(n));
        int rows = (n + columns - 1) / columns;
        var grid = new double[rows, columns];
        for (int i = 0; i < rows * columns; i++)
            grid[i / columns, i % columns] = i < n ? frame.Memory[i] : double.NaN;
        var plot = new Plot();
        plot.Title($"memory field, step {frame.Step}");
        plot.XLabel($"neuron = {columns} x row + column");
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Inferno();
        heatmap.Extent = new CoordinateRect(0, columns, 0, rows);
        heatmap.NaNCellColor = Colors.White;
        plot.Add.ColorBar(heatmap);
        plot.Axes.SetLimits(0, columns, rows, 0);
        return plot;
    }

    static Plot Layout(SparkFrame frame, double graphThreshold)
    {
        int n = frame.Neurons;
        var plot = new Plot();
        var edges = StrongEdges(frame, graphThreshold);
        plot.Title($"layout, step {frame.Step}");
        plot.XLabel($"{edges.Count} strong edges; red rings: sparks");
        float strongest = edges.Count > 0 ? edges[0].Weight : 1;
        foreach (var (from, to, weight) in edges.Take(MaxDrawnEdges))
        {
            var line = plot.Add.Line(frame.Positions[2 * from], frame.Positions[2 * from + 1], frame.Positions[2 * to], frame.Positions[2 * to + 1]);
            line.LineWidth = 1;
            line.Color = Colors.Gray.WithAlpha(0.15 + 0.6 * weight / strongest);
        }
        // Neurons coloured by community (the ten largest with two or more members; the rest grey).
        int[] community = frame.Measures?.Community is { Length: var length } c && length == n ? c : new int[n];
        var largest = community.GroupBy(x => x).Where(g => g.Count() >= 2 && frame.Measures is not null)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(Palette.Length - 1)
            .Select((g, rank) => (g.Key, rank)).ToDictionary(p => p.Key, p => p.rank);
        float markerSize = n > 512 ? 3 : n > 128 ? 5 : 8;
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => largest.TryGetValue(community[i], out int rank) ? rank : Palette.Length - 1))
        {
            var xs = group.Select(i => (double)frame.Positions[2 * i]).ToArray();
            var ys = group.Select(i => (double)frame.Positions[2 * i + 1]).ToArray();
            plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, markerSize, Palette[group.Key]);
        }
        var sparkXs = frame.Sparks.Select(i => (double)frame.Positions[2 * i]).ToArray();
        var sparkYs = frame.Sparks.Select(i => (double)frame.Positions[2 * i + 1]).ToArray();
        plot.Add.Markers(sparkXs, sparkYs, MarkerShape.OpenCircle, markerSize * 2.5f, Colors.Red);
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Axes.SquareUnits();
        return plot;
    }

    /// <summary>Edges <c>{i, j}</c> with <c>max(W[i, j], W[j, i])</c> above <paramref name="threshold"/> times the mean
    /// off-diagonal weight (as <see cref="Emergence.ThresholdGraph"/>), strongest first.</summary>
    internal static List<(int From, int To, float Weight)> StrongEdges(SparkFrame frame, double threshold)
    {
        int n = frame.Neurons;
        var w = frame.Weights;
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) sum += w[i * n + j];
        double cut = threshold * sum / ((double)n * (n - 1));
        var edges = new List<(int, int, float)>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                float strength = Math.Max(w[i * n + j], w[j * n + i]);
                if (strength > cut) edges.Add((i, j, strength));
            }
        edges.Sort((a, b) => b.Item3.CompareTo(a.Item3));
        return edges;
    }

    static double[,] BlockAverage(float[] matrix, int n, int maxSide, out int block)
    {
        block = (n + maxSide - 1) / maxSide;
        int side = (n + block - 1) / block;
        var averaged = new double[side, side];
        var counts = new int[side, side];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                averaged[i / block, j / block] += matrix[i * n + j];
                counts[i / block, j / block]++;
            }
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
                averaged[r, c] /= counts[r, c];
        return averaged;
    }

    static string Save(Plot plot, string path, int width, int height) => Figures.Save(plot, path, width, height);
}
