using Resonance.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Times one epoch of generalized teacher forcing of the shallow PLRNN on Lorenz-63 at DurstewitzLab/GTF-shPLRNN's
/// defaults: the <c>resonance bench</c> row of the reconstruction.</summary>
/// <remarks>
/// Model <c>M = 3</c>, <c>L = 50</c>, identity observation; an epoch is 50 batches of 16 sequences of 200 steps (800 sequences,
/// 160,000 forced steps) with RAdam and the adaptive <c>α</c> (updated every 5 batches). The series is Lorenz-63 (σ = 10, ρ = 28,
/// β = 8/3) by RK4 with <c>dt = 0.01</c>, 20,000 steps after a transient, z-scored. One untimed epoch of 5 batches warms up;
/// the figures are the median over the settings' repeats of one epoch each.
/// </remarks>
public static class GtfBenchmark
{
    const int Latent = 3, Hidden = 50, SeriesLength = 20_000;

    /// <summary>The <c>resonance bench</c> row.</summary>
    public static BenchmarkCase Case() => new("shplrnn-gtf", "lorenz M=3 L=50", "one GTF epoch: 50 batches of 16 sequences of 200 steps, shPLRNN M=3 L=50, RAdam, adaptive alpha", settings =>
    {
        var training = new ReconstructionTrainingOptions();
        var (seconds, alpha) = Measure(settings.Device, settings.Seed, Math.Max(1, settings.Repeats), fused: true);
        double median = SequenceBenchmark.Median([.. seconds]);
        var (autogradSeconds, _) = Measure(settings.Device, settings.Seed, 1, fused: false);   // the reference, in the same run
        double autograd = autogradSeconds[0];
        double sequences = training.BatchesPerEpoch * training.BatchSize;
        return new BenchmarkMeasurement
        {
            TrainingSamplesPerS = sequences / median,
            TrainingBatchS = median / training.BatchesPerEpoch,
            TrainingRepeatSamplesPerS = [.. seconds.Select(s => sequences / s)],
            Extra = new Dictionary<string, double>
            {
                ["epoch_s"] = median,
                ["sequences_per_s"] = sequences / median,
                ["steps_per_s"] = sequences * training.SequenceLength / median,
                ["alpha"] = alpha,
                ["autograd_epoch_s"] = autograd,
                ["fused_speedup"] = autograd / median,
            },
            Note = $"one GTF epoch of the shPLRNN (M=3, L=50, 800 sequences of 200 steps): {median:F2} s, {sequences / median:F0} sequences/s; " +
                $"the autograd unroll in the same run {autograd:F2} s ({autograd / median:F1}x the fused time); alpha after the run {alpha:F3}",
        };
    });

    /// <summary>Trains a fresh model for a short warm-up epoch, then <paramref name="epochs"/> timed epochs.</summary>
    /// <param name="device">Where the model and series live.</param>
    /// <param name="seed">Seed of the model and the windows.</param>
    /// <param name="epochs">Timed epochs.</param>
    /// <param name="fused">Unroll by hand (<see cref="FusedUnroll"/>, where it applies) or through autograd.</param>
    /// <returns>Seconds of each timed epoch, and the final <c>α</c>.</returns>
    public static (IReadOnlyList<double> Seconds, double Alpha) Measure(Device device, long seed, int epochs, bool fused = true)
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = Latent, HiddenSize = Hidden }, seed);
        using var observation = new IdentityObservation(Latent, Latent, seed);
        model.to(device);
        observation.to(device);
        Tensor series = Lorenz(SeriesLength).to(device);
        var options = new ReconstructionTrainingOptions { Epochs = epochs };
        ReconstructionTrainer.Train(model, observation, series, options with { Epochs = 1, BatchesPerEpoch = 5 }, seed, null, default, fused);
        var result = ReconstructionTrainer.Train(model, observation, series, options, seed + 1, null, default, fused);
        return ([.. result.Epochs.Select(e => e.Seconds)], result.Alpha);
    }

    /// <summary>Lorenz-63 from the systems catalogue (<c>dt = 0.01</c>, 1,000 transient steps from (1, 1, 20) dropped), each column
    /// z-scored; float32 <c>(steps, 3)</c>.</summary>
    static Tensor Lorenz(int steps) => BenchmarkLorenz.Standardised(steps, [1, 1, 20]);
}
