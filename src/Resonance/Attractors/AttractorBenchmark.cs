using System.Diagnostics;
using Resonance.Attractors.Studies;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>Wall-clock figures of the full capacity study (study 1) trained as one batched program.</summary>
/// <param name="Device">Device type it ran on (<c>cpu</c>, <c>cuda</c>).</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Nets">Nets trained together.</param>
/// <param name="MaxEpochs">The epoch limit.</param>
/// <param name="EpochsRun">Epochs the last repeat ran (all nets stop early once every one has converged).</param>
/// <param name="MedianS">Median seconds of one full study over the repeats.</param>
/// <param name="RepeatS">Seconds of each repeat.</param>
/// <param name="EpochsPerS">Epochs per second of the median repeat.</param>
/// <param name="Outcomes">The nets' outcomes in the last repeat (identical in every repeat: same seed).</param>
public sealed record AttractorBenchmarkResult(
    string Device, int Threads, int Nets, int MaxEpochs, int EpochsRun, double MedianS, IReadOnlyList<double> RepeatS, double EpochsPerS, IReadOnlyList<AttractorNetOutcome> Outcomes);

/// <summary>Times study 1 (N = 64, 5/10/15/20 memories, up to 2,000 epochs): the <c>resonance bench</c> row of the attractor memory.</summary>
public static class AttractorBenchmark
{
    /// <summary>The capacity study with every default (as <c>experiments/attractor-capacity.yaml</c>): seed 4.</summary>
    public static AttractorStudy DefaultStudy() =>
        new("attractor-capacity", AttractorStudyKind.Capacity, 4, new AttractorNetworkOptions(), new AttractorTrainingOptions(), new CapacityOptions());

    /// <summary>The <c>resonance bench</c> row: study 1 in full (four memory counts, up to 2,000 epochs; target under 60 s).</summary>
    public static Benchmarks.BenchmarkCase Case() => new("attractor", "capacity study", "N=64, 5/10/15/20 memories, up to 2,000 epochs, 4 nets batched", settings =>
    {
        var result = Measure(settings.Device, repeats: settings.MinRepeatSeconds >= 1 ? Math.Max(1, Math.Min(settings.Repeats, 3)) : 1);
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double> { ["study_s"] = result.MedianS, ["epochs_per_s"] = result.EpochsPerS },
            Note = $"capacity study: {result.MedianS:F1} s (median of {result.RepeatS.Count}; target < 60 s), {result.EpochsRun} epochs",
        };
    });

    /// <summary>Trains the whole study <paramref name="repeats"/> times (nothing written to disk) and reports the median.</summary>
    /// <param name="device">Where to train.</param>
    /// <param name="repeats">Timed repeats, &gt;= 1.</param>
    /// <param name="study">A capacity study; <see cref="DefaultStudy"/> when null.</param>
    /// <exception cref="UserInputException">Repeats below 1, or a study of another kind.</exception>
    public static AttractorBenchmarkResult Measure(Device device, int repeats = 3, AttractorStudy? study = null)
    {
        OptionChecks.WholeAtLeast("--repeats", repeats, 1);
        study ??= DefaultStudy();
        if (study.Kind != AttractorStudyKind.Capacity)
            throw new UserInputException($"{study.Name}: the benchmark times a capacity study; this file is study {AttractorStudy.SectionOf(study.Kind)}.");
        var seconds = new List<double>();
        IReadOnlyList<AttractorNetOutcome> outcomes = [];
        int epochs = 0;
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            using var result = CapacityStudy.Train(study, device);
            if (device.type == DeviceType.CUDA) cuda.synchronize();
            seconds.Add(clock.Elapsed.TotalSeconds);
            outcomes = result.Outcomes;
            epochs = result.EpochsRun;
        }
        var sorted = seconds.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return new AttractorBenchmarkResult(device.type.ToString().ToLowerInvariant(), get_num_threads(), outcomes.Count, study.Training.Epochs, epochs,
            median, seconds, epochs / median, outcomes);
    }
}
