using Resonance.Models;
using Resonance.Plots;
using Resonance.Runs;
using Resonance.Runtime;
using Resonance.Sweeps;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// Study 2: do the temporal nets learn from few examples? Per seed and size, the temporal net and the MLP train on the same
/// seeded subset of the training images for the same number of optimiser steps (<c>few_examples.steps</c>, or
/// <c>training.epochs</c> passes over the largest size), so a small set is seen many times over and only the number of
/// distinct images changes; both are tested on the same clean test images.
/// </summary>
internal static class FewExamplesStudy
{
    public const string Temporal = "temporal", Mlp = "mlp";

    public static TemporalStudyOutcome Run(TemporalStudyContext context)
    {
        var study = context.Study;
        var options = (FewExamplesOptions)study.Options;
        var images = context.Images;
        int[] sizes = [.. options.Sizes.Select(s => (int)Math.Min(s, images.TrainCount)).Distinct().Order()];
        long steps = options.Steps > 0 ? options.Steps : StudyTraining.Budget(sizes[^1], study.Training.Epochs, study.Training.BatchSize);
        string[] nets = [Temporal, Mlp];
        var accuracy = nets.ToDictionary(n => n, _ => sizes.Select(_ => new List<double>()).ToArray());
        int batch = study.Training.EvalBatchSize;

        for (int repeat = 0; repeat < study.Seeds; repeat++)
        {
            long seed = study.RepeatSeed(repeat);
            for (int s = 0; s < sizes.Length; s++)
            {
                var (subsetImages, subsetLabels) = images.TrainSubset(sizes[s], RandomStreams.Derive(seed, "subset"));
                using (subsetImages)
                using (subsetLabels)
                {
                    foreach (string name in nets)
                    {
                        context.ThrowIfStopped();
                        using SequenceModel net = name == Mlp ? StudyNets.Mlp(study.Mlp, seed, context.Device) : StudyNets.Temporal(study.Model, seed, "temporal", context.Device);
                        context.Train(net, subsetImages, subsetLabels, steps, RandomStreams.Derive(seed, "order"), $"{name} on {sizes[s]:N0}", repeat);
                        double value = StudyNets.Accuracy(net, images.TestImages, images.TestLabels, batch);
                        accuracy[name][s].Add(value);
                        context.Log("test", new Dictionary<string, object?> { ["net"] = name, ["repeat"] = repeat, ["train_images"] = sizes[s], ["accuracy"] = value });
                    }
                }
            }
        }

        MeanInterval At(string net, int s) => TemporalStudyContext.Over(accuracy[net][s]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (string net in nets)
            for (int s = 0; s < sizes.Length; s++)
            {
                var value = At(net, s);
                rows.Add([net, StudyTable.Whole(sizes[s]), Comparison.Format(value), StudyTable.Number(value.Mean, 4), StudyTable.Number(value.HalfWidth, 4), StudyTable.Whole(value.Count)]);
            }
        var main = new StudyTable("few-examples", $"Test accuracy against training images, mean ± 95% interval over {study.Seeds} seeds",
            ["net", "train_images", "accuracy", "mean", "half_width", "seeds"], rows,
            [$"Every net trained for {steps:N0} optimiser steps (batch {study.Training.BatchSize}) whatever its training-set size; each size is a seeded " +
             $"subset of the first {images.TrainCount:N0} training images; {images.TestCount:N0} test images; the temporal net at T = {study.Model.Iterations}."]);
        var comparisons = sizes.Select((size, s) => (IReadOnlyList<string>)[StudyTable.Whole(size), Comparison.Format(At(Temporal, s)), Comparison.Format(At(Mlp, s)),
            Comparison.Describe(Comparison.Of(At(Temporal, s), At(Mlp, s)), Temporal, Mlp)]).ToList();
        var comparison = new StudyTable("comparison", "Temporal against MLP per training-set size (a difference counts only when the 95% intervals do not overlap)",
            ["train_images", Temporal, Mlp, "temporal vs mlp"], comparisons);

        double[] xs = [.. sizes.Select(s => (double)s)];
        string plot = Figures.Save(TemporalStudyPlots.Bands("test accuracy against training images", "training images", "test accuracy",
            [.. nets.Select(net => new BandSeries(net, xs, [.. sizes.Select((_, s) => At(net, s))]))], logX: true), Path.Combine(context.PlotsPath, "accuracy-vs-train-images.png"));
        var summary = new Dictionary<string, object?> { ["train_steps"] = steps };
        for (int s = 0; s < sizes.Length; s++)
            foreach (string net in nets) summary[$"accuracy_{net}_{sizes[s]}"] = At(net, s).Mean;
        string message = string.Join("; ", comparisons.Select(row => $"{row[0]} images: {row[3]}"));
        return new TemporalStudyOutcome([main, comparison], summary, [plot], message);
    }
}
