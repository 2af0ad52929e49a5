using Resonance.Data;
using Resonance.Models;
using Resonance.Plots;
using Resonance.Runs;
using Resonance.Runtime;
using Resonance.Sweeps;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// Study 1: are the temporal nets more robust than a feed-forward net of the same size? Per seed, the temporal net without
/// and with top-down feedback and the MLP train on the same images in the same order for the same optimiser steps
/// (<c>training.epochs</c> passes); each is then tested on the clean test images and on every corruption and level, all three
/// on the same corrupted images. The temporal nets are also tested at the evaluation iterations <c>robustness.eval_iterations</c>
/// (the weights trained at <c>model.iterations</c>, run for more or fewer iterations).
/// </summary>
internal static class RobustnessStudy
{
    public const string Temporal = "temporal", Feedback = "temporal+feedback", Mlp = "mlp";

    public static TemporalStudyOutcome Run(TemporalStudyContext context)
    {
        var study = context.Study;
        var options = (RobustnessOptions)study.Options;
        var conditions = options.Conditions();
        int trainedT = study.Model.Iterations;
        int[] iterations = [.. options.EvalIterations.Append(trainedT).Distinct().Order()];
        var images = context.Images;
        long steps = StudyTraining.Budget(images.TrainCount, study.Training.Epochs, study.Training.BatchSize);
        int batch = study.Training.EvalBatchSize;
        string[] temporalNets = [Temporal, Feedback];
        // accuracy[net][condition][T index] over repeats; the MLP uses T index 0.
        var accuracy = new Dictionary<string, List<double>[][]>();
        foreach (string net in temporalNets.Append(Mlp))
            accuracy[net] = [.. conditions.Select(_ => Enumerable.Range(0, iterations.Length).Select(_ => new List<double>()).ToArray())];

        for (int repeat = 0; repeat < study.Seeds; repeat++)
        {
            long seed = study.RepeatSeed(repeat);
            long order = RandomStreams.Derive(seed, "order");
            var nets = new List<(string Name, SequenceModel Net)>
            {
                (Temporal, StudyNets.Temporal(study.Model with { Feedback = false }, seed, "temporal", context.Device)),
                (Feedback, StudyNets.Temporal(study.Model with { Feedback = true }, seed, "temporal", context.Device)),
                (Mlp, StudyNets.Mlp(study.Mlp, seed, context.Device)),
            };
            try
            {
                foreach (var (name, net) in nets)
                {
                    context.ThrowIfStopped();
                    context.Train(net, images.TrainImages, images.TrainLabels, steps, order, name, repeat);
                }
                for (int c = 0; c < conditions.Count; c++)
                {
                    context.ThrowIfStopped();
                    using var corrupted = ImageCorruptions.Apply(images.TestImages, conditions[c], RandomStreams.Derive(seed, $"corruption.{c}"));
                    foreach (var (name, net) in nets)
                    {
                        double[] values = net is TemporalAveragingNet temporal
                            ? StudyNets.Accuracies(temporal, corrupted, images.TestLabels, iterations, batch, RandomStreams.Derive(seed, "eval"))
                            : [StudyNets.Accuracy(net, corrupted, images.TestLabels, batch)];
                        for (int i = 0; i < values.Length; i++) accuracy[name][c][i].Add(values[i]);
                        context.Log("test", new Dictionary<string, object?>
                        {
                            ["net"] = name, ["repeat"] = repeat, ["corruption"] = conditions[c].ToString(),
                            ["accuracy"] = net is TemporalAveragingNet ? values[Array.IndexOf(iterations, trainedT)] : values[0],
                        });
                    }
                }
            }
            finally
            {
                foreach (var (_, net) in nets) net.Dispose();
            }
        }

        int trained = Array.IndexOf(iterations, trainedT);
        MeanInterval At(string net, int condition, int t) => TemporalStudyContext.Over(accuracy[net][condition][net == Mlp ? 0 : t]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (string net in temporalNets.Append(Mlp))
            for (int c = 0; c < conditions.Count; c++)
                for (int t = 0; t < (net == Mlp ? 1 : iterations.Length); t++)
                {
                    var value = At(net, c, t);
                    rows.Add([net, Kind(conditions[c]), Level(conditions[c]),
                        net == Mlp ? "—" : iterations[t] == trainedT ? $"{iterations[t]} (trained)" : StudyTable.Whole(iterations[t]),
                        Comparison.Format(value), StudyTable.Number(value.Mean, 4), StudyTable.Number(value.HalfWidth, 4), StudyTable.Whole(value.Count)]);
                }
        var main = new StudyTable("robustness", $"Test accuracy under corruptions, mean ± 95% interval over {study.Seeds} seeds",
            ["net", "corruption", "level", "T", "accuracy", "mean", "half_width", "seeds"], rows,
            [$"Each net trained for {steps:N0} optimiser steps ({study.Training.Epochs} epochs of {images.TrainCount:N0} images, batch {study.Training.BatchSize}); " +
             $"{images.TestCount:N0} test images. T is changed at evaluation only: the temporal nets were trained at T = {trainedT} (model.iterations).",
             "Levels: Gaussian noise σ; salt and pepper, the fraction of pixels hit (0.17 = MNIST-C impulse noise, severity 4); random occlusion, " +
             "the fraction of the image covered by one square; half occlusion, the bottom half blanked."]);

        var comparisons = new List<IReadOnlyList<string>>();
        for (int c = 0; c < conditions.Count; c++)
        {
            var temporal = At(Temporal, c, trained);
            var feedback = At(Feedback, c, trained);
            var mlp = At(Mlp, c, 0);
            comparisons.Add([Kind(conditions[c]), Level(conditions[c]), Comparison.Format(temporal), Comparison.Format(feedback), Comparison.Format(mlp),
                Comparison.Describe(Comparison.Of(temporal, mlp), Temporal, Mlp),
                Comparison.Describe(Comparison.Of(feedback, mlp), Feedback, Mlp),
                Comparison.Describe(Comparison.Of(feedback, temporal), "feedback", "no feedback")]);
        }
        var comparison = new StudyTable("comparison", $"Comparisons at the trained T = {trainedT} (a difference counts only when the 95% intervals do not overlap)",
            ["corruption", "level", Temporal, Feedback, Mlp, "temporal vs mlp", "feedback vs mlp", "feedback vs none"], comparisons,
            [study.Seeds < 3 ? "Fewer than 3 seeds: the intervals are wide and most comparisons read \"no difference\"." : "Every net of a seed saw the same training order and the same corrupted test images.",
             $"Parameters: temporal {Count(study.Model with { Feedback = false })}, temporal+feedback {Count(study.Model with { Feedback = true })}, " +
             $"mlp {study.Mlp.Parameters(StudyNets.Shape).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}."]);

        var iterationRows = new List<IReadOnlyList<string>>();
        foreach (string net in temporalNets)
            for (int c = 0; c < conditions.Count; c++)
            {
                var once = At(net, c, 0);
                var averaged = At(net, c, trained);
                iterationRows.Add([net, Kind(conditions[c]), Level(conditions[c]), Comparison.Format(once), Comparison.Format(averaged),
                    Comparison.Format(At(net, c, iterations.Length - 1)), Comparison.Describe(Comparison.Of(averaged, once), $"T = {trainedT}", $"T = {iterations[0]}")]);
            }
        var iterationTable = new StudyTable("iterations", $"Does averaging over iterations help? The averaged answer at T = {iterations[0]}, the trained T = {trainedT} " +
            $"and T = {iterations[^1]} (same weights)", ["net", "corruption", "level", $"T = {iterations[0]}", $"T = {trainedT}", $"T = {iterations[^1]}",
            $"T = {trainedT} vs T = {iterations[0]}"], iterationRows);

        var plots = new List<string>
        {
            Figures.SaveSheet(LevelPanels(conditions, iterations, trained, At), Path.Combine(context.PlotsPath, "accuracy-vs-level.png"), 2),
            Figures.SaveSheet(IterationPanels(conditions, iterations, At), Path.Combine(context.PlotsPath, "accuracy-vs-iterations.png"), 3),
        };
        var summary = new Dictionary<string, object?>
        {
            ["clean_temporal"] = At(Temporal, 0, trained).Mean,
            ["clean_temporal_feedback"] = At(Feedback, 0, trained).Mean,
            ["clean_mlp"] = At(Mlp, 0, 0).Mean,
            ["train_steps"] = steps,
        };
        int wins = comparisons.Count(row => row[5] == "temporal higher"), losses = comparisons.Count(row => row[5] == "mlp higher");
        string message = $"{conditions.Count} conditions: temporal higher than mlp in {wins}, lower in {losses}, no difference in {conditions.Count - wins - losses}";
        return new TemporalStudyOutcome([main, comparison, iterationTable], summary, plots, message);
    }

    static string Count(TemporalAveragingOptions options) => options.Parameters(StudyNets.Shape).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    static string Kind(Corruption c) => c.Kind switch
    {
        CorruptionKind.None => "clean",
        CorruptionKind.GaussianNoise => "gaussian-noise",
        CorruptionKind.SaltAndPepper => "salt-and-pepper",
        CorruptionKind.RandomOcclusion => "random-occlusion",
        _ => "half-occlusion",
    };

    static string Level(Corruption c) => c.Kind is CorruptionKind.None or CorruptionKind.HalfOcclusion ? "—" : StudyTable.Compact(c.Severity);

    /// <summary>Accuracy against level, one panel per kind of corruption, the clean accuracy at level 0 (half occlusion at 0.5 covered).</summary>
    static List<ScottPlot.Plot> LevelPanels(IReadOnlyList<Corruption> conditions, int[] iterations, int trained, Func<string, int, int, MeanInterval> at)
    {
        var panels = new List<ScottPlot.Plot>();
        foreach (var kind in new[] { CorruptionKind.GaussianNoise, CorruptionKind.SaltAndPepper, CorruptionKind.RandomOcclusion, CorruptionKind.HalfOcclusion })
        {
            int[] members = [0, .. Enumerable.Range(0, conditions.Count).Where(c => conditions[c].Kind == kind)];
            if (members.Length == 1) continue;
            double[] xs = [.. members.Select(c => c == 0 ? 0 : kind == CorruptionKind.HalfOcclusion ? 0.5 : conditions[c].Severity)];
            var series = new[] { Temporal, Feedback, Mlp }.Select(net => new BandSeries(net == Mlp ? net : $"{net} (T = {iterations[trained]})", xs,
                [.. members.Select(c => at(net, c, trained))])).ToList();
            string x = kind switch
            {
                CorruptionKind.GaussianNoise => "noise σ",
                CorruptionKind.SaltAndPepper => "fraction of pixels hit",
                _ => "fraction of the image covered",
            };
            panels.Add(TemporalStudyPlots.Bands(Kind(new Corruption(kind)), x, "test accuracy", series));
        }
        return panels;
    }

    /// <summary>Accuracy against the evaluation T for the clean images and the strongest level of each corruption; the MLP as a flat line.</summary>
    static List<ScottPlot.Plot> IterationPanels(IReadOnlyList<Corruption> conditions, int[] iterations, Func<string, int, int, MeanInterval> at)
    {
        var chosen = new List<int> { 0 };
        foreach (var group in Enumerable.Range(1, conditions.Count - 1).GroupBy(c => conditions[c].Kind))
            chosen.Add(group.MaxBy(c => conditions[c].Severity));
        double[] xs = [.. iterations.Select(t => (double)t)];
        return [.. chosen.Select(c => TemporalStudyPlots.Bands(conditions[c].ToString(), "iterations T at evaluation", "test accuracy",
            [.. new[] { Temporal, Feedback, Mlp }.Select(net => new BandSeries(net, xs, [.. iterations.Select((_, t) => at(net, c, t))]))], logX: true))];
    }
}
