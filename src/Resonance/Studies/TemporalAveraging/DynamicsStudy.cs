using Resonance.Models;
using Resonance.Plots;
using Resonance.Runs;
using Resonance.Runtime;
using Resonance.Sweeps;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// Study 3: what the network does over the iterations, with and without homeostasis. Per seed, a temporal net trains without
/// homeostasis and one with <c>dynamics.homeostasis_rate</c> (target <c>model.target_rate</c>), the same budget and order; each
/// then runs <c>dynamics.iterations</c> iterations on test images, which gives every layer's firing rate at every iteration,
/// each image's settling time (<see cref="DynamicsMeasures.SettlingTimes"/>) and each layer's branching ratio
/// (<see cref="DynamicsMeasures.BranchingRatio"/>); rasters show one layer's units over the iterations for chosen digits.
/// </summary>
internal static class DynamicsStudy
{
    static readonly (string Name, bool On)[] Arms = [("off", false), ("on", true)];

    sealed record ArmFigures(double Accuracy, double[][] Rates, double SettlingTime, double SettledFraction, double[] Branching);

    public static TemporalStudyOutcome Run(TemporalStudyContext context)
    {
        var study = context.Study;
        var options = (DynamicsOptions)study.Options;
        var images = context.Images;
        int layers = study.Model.Layers, iterations = options.Iterations;
        long steps = StudyTraining.Budget(images.TrainCount, study.Training.Epochs, study.Training.BatchSize);
        long observed = options.Images > 0 ? Math.Min(options.Images, images.TestCount) : images.TestCount;
        var figures = Arms.ToDictionary(a => a.Name, _ => new List<ArmFigures>());
        var rasters = new List<ScottPlot.Plot>();
        long[] testLabels = images.TestLabels.cpu().data<long>().ToArray();

        for (int repeat = 0; repeat < study.Seeds; repeat++)
        {
            long seed = study.RepeatSeed(repeat);
            foreach (var (arm, on) in Arms)
            {
                context.ThrowIfStopped();
                var model = study.Model with { HomeostasisRate = on ? options.HomeostasisRate : 0 };
                using var net = StudyNets.Temporal(model, seed, "temporal", context.Device);
                context.Train(net, images.TrainImages, images.TrainLabels, steps, RandomStreams.Derive(seed, "order"), $"homeostasis {arm}", repeat);
                double accuracy = StudyNets.Accuracy(net, images.TestImages, images.TestLabels, study.Training.EvalBatchSize);
                var result = Observe(net, images.TestImages.narrow(0, 0, observed), iterations, study.Training.EvalBatchSize, RandomStreams.Derive(seed, "eval")) with { Accuracy = accuracy };
                figures[arm].Add(result);
                context.Log("dynamics", new Dictionary<string, object?>
                {
                    ["homeostasis"] = arm, ["repeat"] = repeat, ["accuracy"] = accuracy, ["settling_time"] = result.SettlingTime,
                    ["settled_fraction"] = result.SettledFraction, ["branching_ratio_layer0"] = result.Branching[0],
                });
                if (repeat == 0)
                    foreach (int digit in options.Digits)
                    {
                        int index = Array.IndexOf(testLabels, (long)digit);
                        if (index < 0) continue;
                        rasters.Add(Raster(net, images.TestImages.narrow(0, index, 1), iterations, options.RasterLayer, layers,
                            $"digit {digit} (test image {index}), layer {options.RasterLayer}, homeostasis {arm}", RandomStreams.Derive(seed, "eval")));
                    }
            }
        }

        MeanInterval Over(string arm, Func<ArmFigures, double> pick) => TemporalStudyContext.Over(figures[arm].Select(pick).Where(double.IsFinite));
        var columns = new List<string> { "homeostasis", "test_accuracy", "settling_time", "settled_fraction" };
        for (int l = 0; l < layers; l++) columns.AddRange([$"branching_ratio_layer{l}", $"firing_rate_layer{l}"]);
        var rows = Arms.Select(a =>
        {
            var row = new List<string> { a.Name, Comparison.Format(Over(a.Name, f => f.Accuracy)), Comparison.Format(Over(a.Name, f => f.SettlingTime), 2),
                Comparison.Format(Over(a.Name, f => f.SettledFraction)) };
            for (int l = 0; l < layers; l++)
            {
                int layer = l;
                row.AddRange([Comparison.Format(Over(a.Name, f => f.Branching[layer])), Comparison.Format(Over(a.Name, f => f.Rates[layer][^1]))]);
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        var main = new StudyTable("dynamics", $"Dynamics with and without homeostasis, mean ± 95% interval over {study.Seeds} seeds", columns, rows,
            [$"{observed:N0} test images, {iterations} iterations each (trained at T = {study.Model.Iterations}, {steps:N0} steps). Settling time: the iteration " +
             "from which no unit of any layer changes until the window ends, over the images that settled; settled_fraction: images whose state no longer " +
             "changed at the last iteration. Branching ratio: the mean of A(t+1)/A(t) over iterations with A(t) > 0, A = active units of the layer " +
             "(Beggs & Plenz 2003's descendants per ancestor); 1 is critical, and a steady state also gives 1. Firing rate: at the last iteration. " +
             $"Homeostasis on: rate {StudyTable.Compact(options.HomeostasisRate)}, target {StudyTable.Compact(study.Model.TargetRate)}."]);

        var rateRows = new List<IReadOnlyList<string>>();
        foreach (var (arm, _) in Arms)
            for (int l = 0; l < layers; l++)
                for (int t = 0; t < iterations; t++)
                {
                    int layer = l, step = t;
                    rateRows.Add([arm, StudyTable.Whole(l), StudyTable.Whole(t + 1), Comparison.Format(Over(arm, f => f.Rates[layer][step]), 4)]);
                }
        var rates = new StudyTable("firing-rates", "Firing rate per layer per iteration (spikes per unit), mean ± 95% interval over seeds",
            ["homeostasis", "layer", "iteration", "firing_rate"], rateRows);

        double[] xs = [.. Enumerable.Range(1, iterations).Select(t => (double)t)];
        var ratePanels = Enumerable.Range(0, layers).Select(l => TemporalStudyPlots.Bands($"layer {l}", "iteration", "firing rate",
            [.. Arms.Select(a => new BandSeries($"homeostasis {a.Name}", xs, [.. Enumerable.Range(0, iterations).Select(t => Over(a.Name, f => f.Rates[l][t]))]))])).ToList();
        var plots = new List<string> { Figures.SaveSheet(ratePanels, Path.Combine(context.PlotsPath, "firing-rates.png"), Math.Min(layers, 3)) };
        if (rasters.Count > 0) plots.Add(Figures.SaveSheet(rasters, Path.Combine(context.PlotsPath, "rasters.png"), 2, 600, 420));

        var summary = new Dictionary<string, object?>();
        foreach (var (arm, _) in Arms)
        {
            summary[$"accuracy_homeostasis_{arm}"] = Over(arm, f => f.Accuracy).Mean;
            summary[$"settling_time_homeostasis_{arm}"] = Over(arm, f => f.SettlingTime).Mean;
            summary[$"branching_ratio_homeostasis_{arm}"] = Over(arm, f => f.Branching[0]).Mean;
        }
        string message = string.Join("; ", Arms.Select(a => $"homeostasis {a.Name}: settled {Over(a.Name, f => f.SettledFraction).Mean:P0}, " +
            $"branching ratio {Over(a.Name, f => f.Branching[0]).Mean:F3}"));
        return new TemporalStudyOutcome([main, rates], summary, plots, message);
    }

    /// <summary>Firing rates, settling and branching ratios of a net over <paramref name="testImages"/>.</summary>
    static ArmFigures Observe(TemporalAveragingNet net, Tensor testImages, int iterations, int batchSize, long evalSeed)
    {
        int layers = net.Options.Layers;
        long count = testImages.shape[0];
        var rateSums = Enumerable.Range(0, layers).Select(_ => new double[iterations]).ToArray();
        var settling = new List<Settling>();
        var counts = Enumerable.Range(0, layers).Select(_ => new List<Tensor>()).ToArray();
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long size = Math.Min(batchSize, count - start);
                var (_, states) = IterationRun.Run(net, testImages.narrow(0, start, size), iterations, RandomStreams.Derive(evalSeed, $"batch.{start}"), keepStates: true);
                double[][] rates = DynamicsMeasures.FiringRates(states!, layers);
                for (int l = 0; l < layers; l++)
                {
                    for (int t = 0; t < iterations; t++) rateSums[l][t] += rates[l][t] * size;
                    counts[l].Add(DynamicsMeasures.ActiveCounts(states!, l, layers).cpu().DetachFromDisposeScope());
                }
                settling.AddRange(DynamicsMeasures.SettlingTimes(states!));
            }
            double[] branching = [.. counts.Select(c =>
            {
                using var all = cat(c, 1);                                                    // (T, N)
                return DynamicsMeasures.BranchingRatio(all);
            })];
            var settled = settling.Where(s => s.Settled).ToList();
            return new ArmFigures(double.NaN, [.. rateSums.Select(r => r.Select(v => v / count).ToArray())],
                settled.Count > 0 ? settled.Average(s => s.Iteration) : double.NaN, (double)settled.Count / Math.Max(1, settling.Count), branching);
        }
        finally
        {
            foreach (var list in counts) foreach (var tensor in list) tensor.Dispose();
        }
    }

    /// <summary>One layer's units (rows) over the iterations (columns) for one image.</summary>
    static ScottPlot.Plot Raster(TemporalAveragingNet net, Tensor image, int iterations, int layer, int layers, string title, long evalSeed)
    {
        using var scope = NewDisposeScope();
        var (_, states) = IterationRun.Run(net, image, iterations, evalSeed, keepStates: true);
        long hidden = states!.shape[2] / layers;
        float[] values = states.narrow(2, layer * hidden, hidden).squeeze(1).t().contiguous().cpu().data<float>().ToArray(); // (H, T)
        var grid = new double[hidden, iterations];
        for (int u = 0; u < hidden; u++)
            for (int t = 0; t < iterations; t++) grid[hidden - 1 - u, t] = values[u * iterations + t]; // row 0 is drawn at the top: unit 0 at the bottom
        return TemporalStudyPlots.Heatmap(title, grid, "iteration t", "unit, white = firing",
            [.. Enumerable.Range(1, iterations).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
