using Resonance.Data;
using Resonance.Models;
using Resonance.Plots;
using Resonance.Runs;
using Resonance.Runtime;
using Resonance.Sweeps;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// Study 4: pattern completion. Per seed, temporal nets (without and with feedback, as <c>completion.feedback</c> says) train on
/// clean images; on occluded test images each runs its <c>T = model.iterations</c> iterations, and the first iteration's answer
/// <c>argmax y₁</c> is set against the averaged answer <c>argmax ȳ(T)</c>: how often averaging turns a wrong first answer right,
/// and the reverse (<see cref="AnswerChanges"/>). A strip shows, for a few occluded digits, the first hidden layer's activity at
/// each iteration and the class evidence (softmax of <c>ȳ(t)</c>) over the iterations.
/// </summary>
internal static class CompletionStudy
{
    sealed record Cell(double FirstAccuracy, double AveragedAccuracy, double Fixed, double Broken);

    public static TemporalStudyOutcome Run(TemporalStudyContext context)
    {
        var study = context.Study;
        var options = (CompletionOptions)study.Options;
        var images = context.Images;
        var occlusions = options.Corruptions();
        int iterations = study.Model.Iterations;
        long steps = StudyTraining.Budget(images.TrainCount, study.Training.Epochs, study.Training.BatchSize);
        var cells = new Dictionary<(bool, int), List<Cell>>();
        foreach (bool feedback in options.Feedback) for (int o = 0; o < occlusions.Count; o++) cells[(feedback, o)] = [];
        var strips = new List<ScottPlot.Plot>();
        long[] labels = images.TestLabels.cpu().data<long>().ToArray();

        for (int repeat = 0; repeat < study.Seeds; repeat++)
        {
            long seed = study.RepeatSeed(repeat);
            foreach (bool feedback in options.Feedback)
            {
                context.ThrowIfStopped();
                string arm = Arm(feedback);
                using var net = StudyNets.Temporal(study.Model with { Feedback = feedback }, seed, "temporal", context.Device);
                context.Train(net, images.TrainImages, images.TrainLabels, steps, RandomStreams.Derive(seed, "order"), arm, repeat);
                for (int o = 0; o < occlusions.Count; o++)
                {
                    using var occluded = ImageCorruptions.Apply(images.TestImages, occlusions[o], RandomStreams.Derive(seed, $"occlusion.{o}"));
                    var (first, averaged) = Answers(net, occluded, iterations, study.Training.EvalBatchSize, RandomStreams.Derive(seed, "eval"));
                    var changes = AnswerChanges.Count(first, averaged, labels);
                    cells[(feedback, o)].Add(new Cell((double)changes.FirstRight / changes.Total, (double)changes.AveragedRight / changes.Total,
                        changes.FixedFraction, changes.BrokenFraction));
                    context.Log("completion", new Dictionary<string, object?>
                    {
                        ["net"] = arm, ["repeat"] = repeat, ["occlusion"] = occlusions[o].ToString(), ["fixed"] = changes.Fixed, ["broken"] = changes.Broken,
                        ["first_right"] = changes.FirstRight, ["averaged_right"] = changes.AveragedRight, ["images"] = changes.Total,
                    });
                    if (repeat == 0 && o == 0)
                        for (int i = 0; i < Math.Min(options.StripImages, (int)images.TestCount); i++)
                            strips.AddRange(Strip(net, occluded.narrow(0, i, 1), iterations, $"{arm}, {occlusions[o]}, test image {i} (digit {labels[i]})",
                                RandomStreams.Derive(seed, "eval")));
                }
            }
        }

        MeanInterval Over(bool feedback, int o, Func<Cell, double> pick) => TemporalStudyContext.Over(cells[(feedback, o)].Select(pick));
        var rows = new List<IReadOnlyList<string>>();
        foreach (bool feedback in options.Feedback)
            for (int o = 0; o < occlusions.Count; o++)
            {
                var fixedShare = Over(feedback, o, c => c.Fixed);
                var broken = Over(feedback, o, c => c.Broken);
                rows.Add([Arm(feedback), occlusions[o].ToString(), Comparison.Format(Over(feedback, o, c => c.FirstAccuracy)),
                    Comparison.Format(Over(feedback, o, c => c.AveragedAccuracy)), Comparison.Format(fixedShare, 4), Comparison.Format(broken, 4),
                    Comparison.Of(fixedShare, broken) switch
                    {
                        Verdict.FirstHigher => "averaging fixes more than it breaks",
                        Verdict.SecondHigher => "averaging breaks more than it fixes",
                        _ => "no difference",
                    }]);
            }
        var main = new StudyTable("completion", $"Occluded digits: the first iteration's answer against the averaged one (T = {iterations}), mean ± 95% interval over {study.Seeds} seeds",
            ["net", "occlusion", "first_accuracy", "averaged_accuracy", "first_wrong_averaged_right", "first_right_averaged_wrong", "verdict"], rows,
            [$"Fractions of all {images.TestCount:N0} test images. first: argmax of the first iteration's readout y1; averaged: argmax of the mean of " +
             $"y1..y{iterations}, the net's output. Nets trained on clean images for {steps:N0} steps."]);

        var plots = new List<string>();
        if (strips.Count > 0) plots.Add(Figures.SaveSheet(strips, Path.Combine(context.PlotsPath, "completion-strip.png"), 2, 900, 300));
        var summary = new Dictionary<string, object?>();
        foreach (bool feedback in options.Feedback)
            for (int o = 0; o < occlusions.Count; o++)
            {
                string key = $"{(feedback ? "feedback" : "no_feedback")}_{(occlusions[o].Kind == CorruptionKind.HalfOcclusion ? "half" : $"occlusion{occlusions[o].Severity:0.##}")}";
                summary[$"fixed_fraction_{key}"] = Over(feedback, o, c => c.Fixed).Mean;
                summary[$"broken_fraction_{key}"] = Over(feedback, o, c => c.Broken).Mean;
            }
        string message = string.Join("; ", rows.Select(r => $"{r[0]}, {r[1]}: fixed {r[4]}, broken {r[5]}"));
        return new TemporalStudyOutcome([main], summary, plots, message);
    }

    static string Arm(bool feedback) => feedback ? "temporal+feedback" : "temporal";

    /// <summary>The first iteration's and the averaged answer for every image.</summary>
    static (long[] First, long[] Averaged) Answers(TemporalAveragingNet net, Tensor images, int iterations, int batchSize, long evalSeed)
    {
        var first = new List<long>();
        var averaged = new List<long>();
        long count = images.shape[0];
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, count - start);
            var (readouts, _) = IterationRun.Run(net, images.narrow(0, start, size), iterations, RandomStreams.Derive(evalSeed, $"batch.{start}"), keepStates: false);
            first.AddRange(readouts[0].argmax(1).cpu().data<long>().ToArray());
            averaged.AddRange(IterationRun.Averaged(readouts)[iterations - 1].argmax(1).cpu().data<long>().ToArray());
        }
        return ([.. first], [.. averaged]);
    }

    /// <summary>Two panels for one image: the occluded image followed by the first hidden layer's activity at each iteration
    /// (each a square of side ⌈√H⌉, units in reading order), and the class evidence <c>softmax(ȳ(t))</c>, classes × iterations.</summary>
    static ScottPlot.Plot[] Strip(TemporalAveragingNet net, Tensor image, int iterations, string title, long evalSeed)
    {
        using var scope = NewDisposeScope();
        var (readouts, states) = IterationRun.Run(net, image, iterations, evalSeed, keepStates: true);
        int hidden = net.Options.Hidden, side = (int)Math.Ceiling(Math.Sqrt(hidden)), tile = Math.Max(side, 28), gap = 2;
        var strip = new double[tile, (iterations + 1) * (tile + gap)];
        float[] pixels = image.reshape(-1).cpu().data<float>().ToArray();
        for (int i = 0; i < 28 * 28; i++) strip[i / 28, i % 28] = pixels[i];
        float[] activity = states!.narrow(2, 0, hidden).reshape(iterations, hidden).cpu().data<float>().ToArray(); // (T, H)
        for (int t = 0; t < iterations; t++)
            for (int u = 0; u < hidden; u++)
                strip[u / side, (t + 1) * (tile + gap) + u % side] = activity[t * hidden + u];
        float[] evidence = IterationRun.Averaged(readouts).squeeze(1).softmax(1).t().contiguous().cpu().data<float>().ToArray(); // (C, T)
        int classes = evidence.Length / iterations;
        var grid = new double[classes, iterations];
        for (int c = 0; c < classes; c++)
            for (int t = 0; t < iterations; t++) grid[c, t] = evidence[c * iterations + t];
        return [TemporalStudyPlots.Heatmap($"{title}: image, then layer 0 at t = 1..{iterations}", strip, "", ""),
            TemporalStudyPlots.Heatmap("class evidence softmax(ȳ(t)), white = 1", grid, "iteration t", "class",
                [.. Enumerable.Range(1, iterations).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [.. Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))])];
    }
}
