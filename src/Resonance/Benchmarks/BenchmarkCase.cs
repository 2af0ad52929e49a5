using static TorchSharp.torch;

namespace Resonance.Benchmarks;

/// <summary>One row of <c>resonance bench</c>: a name, the shape it runs at, and the work to time.</summary>
/// <param name="Name">What is measured (a model type such as <c>lstm</c>, or a simulation's name).</param>
/// <param name="Shape">The shape's name (<c>row-wise</c>, <c>pixel-wise</c>, ...), described in <see cref="ShapeDescription"/>.</param>
/// <param name="ShapeDescription">The sizes in words, e.g. <c>batch 128, 28 steps, 28 inputs, hidden 128</c>.</param>
/// <param name="Run">Builds what it needs, warms up, times, and returns the figures; it must be quiet and seeded.</param>
/// <remarks>Other parts add rows by appending cases to the list given to <see cref="BenchmarkSuite.Run"/>.</remarks>
public sealed record BenchmarkCase(string Name, string Shape, string ShapeDescription, Func<BenchmarkSettings, BenchmarkMeasurement> Run);

/// <summary>How long and how often each case is timed.</summary>
/// <param name="WarmupSeconds">Untimed work before the first repeat (at least one batch).</param>
/// <param name="Repeats">Timed repeats; figures are their median.</param>
/// <param name="MinRepeatSeconds">Each repeat runs whole batches until at least this long (at least one batch).</param>
/// <param name="Device">Where tensors live.</param>
/// <param name="Seed">Seed for models and synthetic data.</param>
/// <param name="MatmulSize">Side of the square fp32 matrices whose product measures the peak (1024).</param>
public sealed record BenchmarkSettings(double WarmupSeconds, int Repeats, double MinRepeatSeconds, Device Device, long Seed, int MatmulSize = 1024)
{
    /// <summary>The full run: 5 repeats of at least 1 s after 1 s of warm-up.</summary>
    public static BenchmarkSettings Full(Device device) => new(1.0, 5, 1.0, device, 0);

    /// <summary>The quick run: 3 repeats of at least 0.2 s after 0.5 s of warm-up; same shapes, fewer samples timed.</summary>
    public static BenchmarkSettings Quick(Device device) => new(0.5, 3, 0.2, device, 0);
}

/// <summary>The figures one case produced. Wall-clock figures are named <c>..._s</c> or <c>..._per_s</c> (see bench.json).</summary>
/// <remarks>
/// GFLOP/s convention: a multiply-add is 2 FLOPs; the forward pass costs <c>2 · ForwardMultiplyAddsPerSample</c>
/// FLOPs per sample, and a training step (forward, backward, optimiser) is counted as 3 forward passes (the
/// backward pass computes gradients for both inputs and weights, twice the forward's products); element-wise
/// work and the optimiser's update are not counted. So
/// <c>training GFLOP/s = 3 · 2 · MACs · training samples/s / 10⁹</c> and
/// <c>inference GFLOP/s = 2 · MACs · inference samples/s / 10⁹</c>.
/// </remarks>
public sealed record BenchmarkMeasurement
{
    /// <summary>Samples per second through forward, backward and an Adam step (median of repeats).</summary>
    public double? TrainingSamplesPerS { get; init; }
    /// <summary>Samples per second through the forward pass alone, without autograd (median of repeats).</summary>
    public double? InferenceSamplesPerS { get; init; }
    /// <summary>Multiply-adds of one forward pass per sample, from the model.</summary>
    public long? ForwardMultiplyAddsPerSample { get; init; }
    /// <summary>Achieved training GFLOP/s under the convention above.</summary>
    public double? TrainingGflopPerS { get; init; }
    /// <summary>Achieved inference GFLOP/s under the convention above.</summary>
    public double? InferenceGflopPerS { get; init; }
    /// <summary>Seconds per training batch (median).</summary>
    public double? TrainingBatchS { get; init; }
    /// <summary>Training samples per second in each repeat (their spread shows how noisy the machine was).</summary>
    public IReadOnlyList<double>? TrainingRepeatSamplesPerS { get; init; }
    /// <summary>Inference samples per second in each repeat.</summary>
    public IReadOnlyList<double>? InferenceRepeatSamplesPerS { get; init; }
    /// <summary>Figures particular to a case (e.g. <c>steps_per_s</c>); wall-clock ones end in <c>_s</c> or <c>_per_s</c>.</summary>
    public IReadOnlyDictionary<string, double>? Extra { get; init; }
    /// <summary>Why figures are missing, or anything a reader must know.</summary>
    public string? Note { get; init; }
}

/// <summary>A finished row.</summary>
/// <param name="Name">As in the case.</param>
/// <param name="Shape">As in the case.</param>
/// <param name="ShapeDescription">As in the case.</param>
/// <param name="Measurement">The case's figures.</param>
/// <param name="PeakRssDeltaBytes">Peak resident set size while the row ran, above the resident set at its start
/// (Linux: the kernel's peak counter, reset before the row); null where that cannot be read.</param>
/// <param name="WallS">Seconds the row took, building and warm-up included.</param>
public sealed record BenchmarkRow(string Name, string Shape, string ShapeDescription, BenchmarkMeasurement Measurement, long? PeakRssDeltaBytes, double WallS);

/// <summary>The ratio of two rows' rates at one shape (numerator / denominator).</summary>
/// <param name="Shape">The shape both rows ran at.</param>
/// <param name="Numerator">The row whose rate is divided (e.g. <c>lstm</c>).</param>
/// <param name="Denominator">The reference (e.g. <c>lstm-fused</c>).</param>
/// <param name="TrainingSamplesPerS">Ratio of training samples/s; above 1 means the numerator is faster.</param>
/// <param name="InferenceSamplesPerS">Ratio of inference samples/s.</param>
public sealed record BenchmarkComparison(string Shape, string Numerator, string Denominator, double? TrainingSamplesPerS, double? InferenceSamplesPerS);

/// <summary>Progress of a run: a case starting (<see cref="Row"/> null) or finished.</summary>
public sealed record BenchmarkProgress(int Index, int Count, string Name, string Shape, BenchmarkRow? Row);

/// <summary>Everything <c>resonance bench</c> measured.</summary>
/// <param name="Quick">Whether the quick settings were used.</param>
/// <param name="Device">The device's name (<c>cpu</c>, <c>cuda</c>).</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="LogicalCores">Logical cores of the machine.</param>
/// <param name="MatmulSize">Side of the square matrices of the peak measurement.</param>
/// <param name="MatmulPeakGflopPerS">Measured fp32 GFLOP/s of a square matrix product (median; 1024x1024 unless set otherwise), the reference peak.</param>
/// <param name="Rows">One per case, in order.</param>
/// <param name="Comparisons">Looped against fused models at each shape.</param>
/// <param name="ProcessPeakRssBytes">The process's peak resident set over the whole run, where readable.</param>
/// <param name="TotalS">Seconds for the whole run.</param>
public sealed record BenchmarkReport(
    bool Quick,
    string Device,
    int Threads,
    int LogicalCores,
    int MatmulSize,
    double MatmulPeakGflopPerS,
    IReadOnlyList<BenchmarkRow> Rows,
    IReadOnlyList<BenchmarkComparison> Comparisons,
    long? ProcessPeakRssBytes,
    double TotalS);
