using Resonance.Models;

namespace Resonance.Benchmarks;

/// <summary>Bench rows of the temporal-averaging network as <c>experiments/temporal-mnist.yaml</c> builds it, beside the MLP of
/// <c>experiments/mlp-mnist.yaml</c> with the same parameter count: training and inference samples/s on MNIST-sized images.</summary>
public static class TemporalAveragingBenchmark
{
    /// <summary>A batch of 128 MNIST images (as 28 rows of 28 pixels, flattened by both models), 10 classes.</summary>
    public static readonly SequenceBenchmarkShape Shape = new("mnist-image", 128, 28, 28, 512, 10);

    /// <summary>The model section of <c>experiments/temporal-mnist.yaml</c>: 2 layers of 512 binary units, T = 8, no feedback.</summary>
    public static readonly TemporalAveragingOptions Temporal = new() { Hidden = 512, Layers = 2, Iterations = 8 };

    /// <summary>The model section of <c>experiments/mlp-mnist.yaml</c>: 2 ReLU layers of 765, the same parameter count within 0.02%.</summary>
    public static readonly MlpOptions SameSizeMlp = new() { Hidden = 765, Layers = 2 };

    /// <summary>The row names, compared in the report as temporal / MLP.</summary>
    public const string TemporalName = "temporal-averaging-mnist", MlpName = "mlp-mnist";

    /// <summary>The two rows.</summary>
    public static IEnumerable<BenchmarkCase> Cases() =>
    [
        SequenceBenchmark.Case(TemporalName, Shape, (shape, seed) => new TemporalAveragingNet(Temporal, shape, seed)),
        SequenceBenchmark.Case(MlpName, Shape, (shape, seed) => new Mlp(SameSizeMlp, shape, seed)),
    ];
}
