using Resonance.Runs;
using System.Text.Json.Nodes;
using Resonance.Plots;
using ScottPlot;

namespace Resonance.Training;

/// <summary>PNG plots of a run's metrics.jsonl: the training loss over steps (with loss spikes marked, and the epochs where
/// a curriculum changed the model's settings), and per-epoch accuracy and loss.</summary>
public static class RunPlots
{
    /// <summary>Writes <c>plots/loss.png</c> and <c>plots/accuracy.png</c> (when the run has accuracies); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(RunDirectory run)
    {
        var lines = MetricsLog.Read(run.MetricsPath);
        var written = new List<string>();
        Directory.CreateDirectory(run.PlotsPath);

        var train = lines.Where(l => Kind(l) == "train").ToList();
        var epochs = lines.Where(l => Kind(l) == "epoch").ToList();
        if (train.Count > 0)
        {
            var plot = new Plot();
            var scatter = plot.Add.Scatter(Values(train, "step"), Values(train, "loss"));
            scatter.LegendText = "train loss";
            scatter.MarkerSize = 0;
            if (epochs.Count > 0 && epochs.Any(e => e["test_loss"] is not null))
            {
                var test = plot.Add.Scatter(Values(epochs, "step"), Values(epochs, "test_loss"));
                test.LegendText = "test loss (epoch end)";
            }
            foreach (var diverged in lines.Where(l => Kind(l) == "diverged"))
                plot.Add.VerticalLine(Number(diverged, "step")).LegendText = "diverged";
            var spikes = lines.Where(l => Kind(l) == "spike").ToList();
            if (spikes.Count > 0)
            {
                var marks = plot.Add.ScatterPoints(Values(spikes, "step"), Values(spikes, "loss"));
                marks.Color = Colors.Red;
                marks.MarkerSize = 9;
                marks.MarkerShape = MarkerShape.FilledTriangleUp;
                marks.LegendText = $"loss spike ({spikes.Count}; batch loss)";
            }
            foreach (var (step, _, label) in StageChanges(epochs))
            {
                var line = plot.Add.VerticalLine(step);
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Gray;
                line.Text = label;
                line.LabelOppositeAxis = true;
            }
            plot.Title("Loss");
            plot.XLabel("optimiser step");
            plot.YLabel("loss");
            plot.ShowLegend(Alignment.UpperRight);
            written.Add(Save(plot, Path.Combine(run.PlotsPath, "loss.png")));
        }
        var accuracyKeys = new[] { "train_accuracy", "validation_accuracy", "test_accuracy" };
        if (epochs.Count > 0 && epochs.Any(e => e["test_accuracy"] is not null))
        {
            var plot = new Plot();
            foreach (string key in accuracyKeys)
            {
                var rows = epochs.Where(e => e[key] is not null).ToList();
                if (rows.Count == 0) continue;
                var scatter = plot.Add.Scatter(rows.Select(e => Number(e, "epoch") + 1).ToArray(), Values(rows, key).Select(v => v * 100).ToArray());
                scatter.LegendText = key.Replace('_', ' ');
            }
            foreach (var (_, epoch, label) in StageChanges(epochs))
            {
                var line = plot.Add.VerticalLine(epoch + 0.5);
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Gray;
                line.Text = label;
                line.LabelOppositeAxis = true;
            }
            plot.Title("Accuracy per epoch");
            plot.XLabel("epoch");
            plot.YLabel("accuracy (%)");
            plot.ShowLegend();
            written.Add(Save(plot, Path.Combine(run.PlotsPath, "accuracy.png")));
        }
        return written;
    }

    /// <summary>Where an epoch's curriculum settings (keys other than the usual figures, e.g. <c>reasoning_steps</c>) differ
    /// from the previous epoch's: the step where the epoch began, the number of epochs before it, and a label.</summary>
    /// Nothing when the settings never change (a run without a curriculum).
    static List<(double Step, double EpochsBefore, string Label)> StageChanges(IReadOnlyList<JsonObject> epochs)
    {
        var changes = new List<(double, double, string)>();
        string? previous = null;
        double previousStep = 0, previousEpoch = 0;
        foreach (var epoch in epochs)
        {
            var settings = epoch.Where(kv => !StandardEpochKeys.Contains(kv.Key) && !MetricsLog.IsTimingKey(kv.Key)).Select(kv => $"{kv.Key.Replace('_', ' ')} {kv.Value}").ToList();
            string current = string.Join(", ", settings);
            if (settings.Count > 0 && current != previous) changes.Add((previousStep, previousEpoch, current));
            previous = current;
            previousStep = Number(epoch, "step");
            previousEpoch = Number(epoch, "epoch") + 1;
        }
        return changes.Count > 1 ? changes : [];
    }

    static readonly HashSet<string> StandardEpochKeys =
        ["kind", "step", "epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "test_loss", "test_accuracy"];

    static string Save(Plot plot, string path) => Figures.Save(plot, path, 900, 540);

    static string? Kind(JsonObject line) => line["kind"]?.GetValue<string>();

    static double Number(JsonObject line, string key) => line[key] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;

    static double[] Values(IEnumerable<JsonObject> lines, string key) => lines.Select(l => Number(l, key)).ToArray();
}
