using Resonance.Plots;
using ScottPlot;

namespace Resonance.Analysis;

/// <summary>The pictures of <c>resonance analyze</c>, written under <c>analysis/plots/</c> through <see cref="Figures"/>.</summary>
public static class AnalysisPlots
{
    static readonly ScottPlot.Palettes.Category10 Classes = new();

    /// <summary><c>pca.png</c>: the final state of each test sequence on the first two principal components, coloured by
    /// class, with the fixed points overlaid (stable filled, saddles as crosses, unstable and slow points open).</summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="finals">Final states' coordinates <c>[N][2]</c>.</param>
    /// <param name="labels">Their classes (or all 0 without classes).</param>
    /// <param name="points">Fixed points' coordinates <c>[M][2]</c> and each point's stability and slowness.</param>
    /// <param name="explained">The share of variance along the two components.</param>
    public static string Pca(string path, double[][] finals, int[] labels, IReadOnlyList<(double[] Coordinates, FixedPointStability Stability, bool Slow)> points, double[] explained)
    {
        var plot = new Plot();
        foreach (var group in Enumerable.Range(0, finals.Length).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var markers = plot.Add.Markers(group.Select(i => finals[i][0]).ToArray(), group.Select(i => finals[i][1]).ToArray(),
                MarkerShape.FilledCircle, 4, Classes.GetColor(group.Key));
            markers.LegendText = $"class {group.Key}";
        }
        void Overlay(Func<(double[] Coordinates, FixedPointStability Stability, bool Slow), bool> which, MarkerShape shape, Color color, string label)
        {
            var chosen = points.Where(which).ToList();
            if (chosen.Count == 0) return;
            var markers = plot.Add.Markers(chosen.Select(p => p.Coordinates[0]).ToArray(), chosen.Select(p => p.Coordinates[1]).ToArray(), shape, 11, color);
            markers.LegendText = $"{label} ({chosen.Count})";
        }
        Overlay(p => !p.Slow && p.Stability == FixedPointStability.Stable, MarkerShape.FilledSquare, Colors.Black, "stable fixed point");
        Overlay(p => !p.Slow && p.Stability == FixedPointStability.Saddle, MarkerShape.Cross, Colors.Black, "saddle");
        Overlay(p => !p.Slow && p.Stability == FixedPointStability.Unstable, MarkerShape.OpenSquare, Colors.Black, "unstable fixed point");
        Overlay(p => p.Slow, MarkerShape.OpenCircle, Colors.Gray, "slow point");
        plot.Title("Final states of test sequences on the first two principal components");
        plot.XLabel($"PC 1 ({100 * explained.ElementAtOrDefault(0):F1}% of variance)");
        plot.YLabel($"PC 2 ({100 * explained.ElementAtOrDefault(1):F1}% of variance)");
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Save(plot, path, 1000, 760);
    }

    /// <summary><c>lyapunov.png</c>: the running estimate of each exponent over the recorded steps.</summary>
    public static string Lyapunov(string path, LyapunovResult result)
    {
        var plot = new Plot();
        int steps = result.Running.GetLength(0), k = result.Running.GetLength(1);
        double[] xs = [.. Enumerable.Range(1, steps).Select(t => (double)t)];
        for (int i = 0; i < k; i++)
        {
            var line = plot.Add.ScatterLine(xs, [.. Enumerable.Range(0, steps).Select(t => result.Running[t, i])], Classes.GetColor(i));
            line.LegendText = $"λ{i + 1} = {result.Exponents[i]:F4}";
        }
        plot.Add.HorizontalLine(0).LinePattern = LinePattern.Dashed;
        plot.Title("Lyapunov exponents of the free-running model (running estimate)");
        plot.XLabel("recorded step");
        plot.YLabel("exponent (per step)");
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Save(plot, path);
    }

    /// <summary><c>eigenvalues.png</c>: every found point's Jacobian eigenvalues in the complex plane, with the unit circle.</summary>
    public static string Eigenvalues(string path, IReadOnlyList<FixedPoint> points)
    {
        var plot = new Plot();
        foreach (var group in points.GroupBy(p => p.IsSlow ? "slow point" : p.Stability.ToString().ToLowerInvariant()).OrderBy(g => g.Key))
        {
            var values = group.SelectMany(p => p.Eigenvalues).ToList();
            var markers = plot.Add.Markers(values.Select(v => v.Real).ToArray(), values.Select(v => v.Imaginary).ToArray(), MarkerShape.FilledCircle, 4,
                group.Key switch { "stable" => Colors.Blue, "saddle" => Colors.Red, "unstable" => Colors.Orange, _ => Colors.Gray });
            markers.LegendText = $"{group.Key} ({group.Count()})";
        }
        double[] angle = [.. Enumerable.Range(0, 361).Select(d => d * Math.PI / 180)];
        var circle = plot.Add.ScatterLine(angle.Select(Math.Cos).ToArray(), angle.Select(Math.Sin).ToArray(), Colors.Black);
        circle.LinePattern = LinePattern.Dashed;
        circle.LegendText = "|λ| = 1";
        plot.Axes.SquareUnits();
        plot.Title("Jacobian eigenvalues at the fixed and slow points");
        plot.XLabel("Re λ");
        plot.YLabel("Im λ");
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Save(plot, path, 800, 800);
    }

    /// <summary><c>ablations.png</c>: accuracy of the full and ablated model, by reasoning steps, and the most harmful silencings.</summary>
    public static string Ablations(string path, ResonatorAblationResult result, int kickNeurons)
    {
        var variants = new Plot();
        double[] accuracies = [100 * result.Full, 100 * result.NoSpikes, 100 * result.FrozenLeak];
        variants.Add.Bars(accuracies);
        variants.Axes.Bottom.SetTicks([0, 1, 2], ["full model", "spikes silenced", result.LeakGate ? "leak frozen at mean" : "leak frozen (no gate)"]);
        variants.Axes.SetLimitsY(0, 100);
        variants.Title("Test accuracy (%)");

        var reasoning = new Plot();
        double[] steps = [.. Enumerable.Range(0, result.ByReasoningSteps.Count).Select(r => (double)r)];
        reasoning.Add.ScatterLine(steps, [.. result.ByReasoningSteps.Select(a => 100 * a)]).MarkerSize = 7;
        reasoning.Add.VerticalLine(result.TrainedReasoningSteps).LinePattern = LinePattern.Dashed;
        reasoning.Axes.SetLimitsY(0, 100);
        reasoning.Title($"Test accuracy (%) by reasoning steps (trained with {result.TrainedReasoningSteps})");
        reasoning.XLabel("reasoning steps");

        var neurons = new Plot();
        var top = result.Neurons.Take(Math.Max(1, kickNeurons)).ToList();
        neurons.Add.Bars([.. top.Select(n => 100 * n.Drop)]);
        neurons.Axes.Bottom.SetTicks([.. Enumerable.Range(0, top.Count).Select(i => (double)i)], [.. top.Select(n => $"{n.Layer}:{n.Neuron}")]);
        neurons.Axes.Bottom.TickLabelStyle.Rotation = 90;
        neurons.Title("Accuracy lost (points) when one neuron is silenced (layer:neuron)");
        return Figures.SaveSheet([variants, reasoning, neurons], path, columns: 3);
    }
}
