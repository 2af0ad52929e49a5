using Resonance.Models;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>
/// Small generated datasets for tests and quick checks: learnable in seconds, exactly reproducible from a seed.
/// </summary>
public static class SyntheticSequences
{
    /// <summary>
    /// Classification: inputs <c>x ~ N(0, 1)</c> shaped <c>(n, steps, features)</c>; the label is
    /// <c>argmax_c (sum_t x_t) W[:, c]</c> for a fixed random <c>W</c> shaped <c>(features, classes)</c>.
    /// </summary>
    public static ISequenceData Classification(int train, int validation, int test, int steps, int features, int classes, long seed, long shuffleSeed, Device device)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var readout = randn([features, classes], generator: generator);
        (Tensor, Tensor) Make(int n)
        {
            var x = randn([n, steps, features], generator: generator);
            var y = x.sum(1).matmul(readout).argmax(1); // (n, steps, features) -> (n, features) -> (n, classes) -> (n)
            return (x.to(device), y.to(device));
        }
        var splits = new Dictionary<DataSplit, (Tensor, Tensor)>
        {
            [DataSplit.Train] = Make(train),
            [DataSplit.Validation] = Make(validation),
            [DataSplit.Test] = Make(test),
        };
        readout.Dispose();
        return new TensorSequenceData(new ModelShape(features, classes, steps, TaskKind.Classification), splits, shuffleSeed);
    }

    /// <summary>
    /// Regression: sine waves <c>sin(w t + phase)</c> with random frequency and phase; the target at each step is
    /// the next value. Inputs and targets shaped <c>(n, steps, 1)</c>.
    /// </summary>
    public static ISequenceData Sine(int train, int validation, int test, int steps, long seed, long shuffleSeed, Device device)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        (Tensor, Tensor) Make(int n)
        {
            var frequency = rand([n, 1], generator: generator) * 0.4 + 0.1;   // (n, 1)
            var phase = rand([n, 1], generator: generator) * (2 * Math.PI);   // (n, 1)
            var t = arange(steps + 1, dtype: ScalarType.Float32).unsqueeze(0); // (1, steps + 1)
            var wave = (frequency * t + phase).sin().unsqueeze(-1);           // (n, steps + 1, 1)
            return (wave.narrow(1, 0, steps).contiguous().to(device), wave.narrow(1, 1, steps).contiguous().to(device));
        }
        var splits = new Dictionary<DataSplit, (Tensor, Tensor)>
        {
            [DataSplit.Train] = Make(train),
            [DataSplit.Validation] = Make(validation),
            [DataSplit.Test] = Make(test),
        };
        return new TensorSequenceData(new ModelShape(1, 1, steps, TaskKind.Regression), splits, shuffleSeed);
    }
}
