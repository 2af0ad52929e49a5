using Resonance.Models;
using Resonance.Runs;
using Resonance.Sweeps;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>What one study's code returns to the kind: tables (main first), headline figures, the pictures written.</summary>
internal sealed record TemporalStudyOutcome(IReadOnlyList<StudyTable> Tables, IReadOnlyDictionary<string, object?> Summary, IReadOnlyList<string> Plots, string Message);

/// <summary>What one study's code gets: the study, its images, the device, where plots go, the metrics log, the events, a stop request.</summary>
internal sealed class TemporalStudyContext(TemporalStudy study, StudyImages images, Device device, string plotsPath, MetricsLog metrics,
    IRunEvents events, CancellationToken stop)
{
    public TemporalStudy Study => study;
    public StudyImages Images => images;
    public Device Device => device;
    public string PlotsPath => plotsPath;
    public CancellationToken Stop => stop;

    /// <summary>Nets that diverged while training (their accuracies are still measured and reported).</summary>
    public int Diverged { get; private set; }

    public void Note(string text) => events.Report(new RunMessage(text));

    /// <summary>Writes a metrics line with <c>stage</c> first.</summary>
    public void Log(string stage, IReadOnlyDictionary<string, object?> values)
    {
        var line = new Dictionary<string, object?> { ["stage"] = stage };
        foreach (var (key, value) in values) line[key] = value;
        metrics.Write(line);
    }

    /// <summary>Trains <paramref name="net"/> for <paramref name="steps"/> optimiser steps, reporting progress and logging the result
    /// under <paramref name="label"/>.</summary>
    public NetTraining Train(SequenceModel net, Tensor trainImages, Tensor trainLabels, long steps, long orderSeed, string label, int repeat)
    {
        var result = StudyTraining.Train(net, trainImages, trainLabels, study.Training, steps, orderSeed, stop,
            (step, loss) => events.Report(new RunProgress(step, steps, "step", null, null, null, $"{label}, seed {repeat + 1}: loss {loss:F4}", label)));
        if (result.Diverged)
        {
            Diverged++;
            events.Report(new RunMessage($"{label}, seed {repeat + 1}: diverged at step {result.Steps}", MessageLevel.Warning));
        }
        Log("train", new Dictionary<string, object?>
        {
            ["net"] = label, ["repeat"] = repeat, ["steps"] = result.Steps, ["images"] = trainImages.shape[0],
            ["loss"] = double.IsFinite(result.FinalLoss) ? result.FinalLoss : null, ["diverged"] = result.Diverged,
        });
        return result;
    }

    /// <summary>Stops the study between nets when a stop was requested.</summary>
    public void ThrowIfStopped()
    {
        if (stop.IsCancellationRequested) throw new OperationCanceledException(stop);
    }

    /// <summary>Mean and 95% interval of the values.</summary>
    public static MeanInterval Over(IEnumerable<double> values) => MeanInterval.Of([.. values]);
}
