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
        var (seconds, alpha) = Measure(settings.Device, settings.Seed, Math.Max(1, settings.Repeats));
        double median = SequenceBenchmark.Median([.. seconds]);
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
            },
            Note = $"one GTF epoch of the shPLRNN (M=3, L=50, 800 sequences of 200 steps): {median:F2} s, {sequences / median:F0} sequences/s; alpha after the run {alpha:F3}",
        };
    });

    /// <summary>Trains a fresh model for a short warm-up epoch, then <paramref name="epochs"/> timed epochs.</summary>
    /// <param name="device">Where the model and series live.</param>
    /// <param name="seed">Seed of the model and the windows.</param>
    /// <param name="epochs">Timed epochs.</param>
    /// <returns>Seconds of each timed epoch, and the final <c>α</c>.</returns>
    public static (IReadOnlyList<double> Seconds, double Alpha) Measure(Device device, long seed, int epochs)
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = Latent, HiddenSize = Hidden }, seed);
        using var observation = new IdentityObservation(Latent, Latent, seed);
        model.to(device);
        observation.to(device);
        Tensor series = Lorenz(SeriesLength).to(device);
        var options = new ReconstructionTrainingOptions { Epochs = epochs };
        ReconstructionTrainer.Train(model, observation, series, options with { Epochs = 1, BatchesPerEpoch = 5 }, seed);
        var result = ReconstructionTrainer.Train(model, observation, series, options, seed + 1);
        return ([.. result.Epochs.Select(e => e.Seconds)], result.Alpha);
    }

    /// <summary>Lorenz-63 by RK4 (<c>dt = 0.01</c>, 1,000 transient steps from (1, 1, 20) dropped), each column z-scored; float32 <c>(steps, 3)</c>.
    /// A stand-in until the systems catalogue provides the series.</summary>
    static Tensor Lorenz(int steps)
    {
        const double sigma = 10, rho = 28, beta = 8.0 / 3, dt = 0.01;
        static (double, double, double) Field(double x, double y, double z) => (sigma * (y - x), x * (rho - z) - y, x * y - beta * z);
        double px = 1, py = 1, pz = 20;
        var rows = new float[steps * 3];
        for (int t = 0; t < 1000 + steps; t++)
        {
            if (t >= 1000) { rows[(t - 1000) * 3] = (float)px; rows[(t - 1000) * 3 + 1] = (float)py; rows[(t - 1000) * 3 + 2] = (float)pz; }
            var (ax, ay, az) = Field(px, py, pz);
            var (bx, by, bz) = Field(px + dt / 2 * ax, py + dt / 2 * ay, pz + dt / 2 * az);
            var (cx, cy, cz) = Field(px + dt / 2 * bx, py + dt / 2 * by, pz + dt / 2 * bz);
            var (ex, ey, ez) = Field(px + dt * cx, py + dt * cy, pz + dt * cz);
            px += dt / 6 * (ax + 2 * bx + 2 * cx + ex);
            py += dt / 6 * (ay + 2 * by + 2 * cy + ey);
            pz += dt / 6 * (az + 2 * bz + 2 * cz + ez);
        }
        using var scope = NewDisposeScope();
        Tensor series = tensor(rows).reshape(steps, 3);
        return ((series - series.mean([0])) / series.std(0)).MoveToOuterDisposeScope();
    }
}
