using System.Diagnostics;
using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Benchmarks;

/// <summary>A standard shape for timing sequence models on synthetic data (classification, 10 classes).</summary>
/// <param name="Name">Short name used in rows (<c>row-wise</c>).</param>
/// <param name="Batch">Samples per batch.</param>
/// <param name="Steps">Time steps per sequence.</param>
/// <param name="Inputs">Features per step.</param>
/// <param name="Hidden">Hidden units the models are built with.</param>
/// <param name="Classes">Output classes.</param>
public sealed record SequenceBenchmarkShape(string Name, int Batch, int Steps, int Inputs, int Hidden, int Classes)
{
    /// <summary>Row-wise sequential MNIST: batch 128, 28 steps of 28 pixels, hidden 128, 10 classes.</summary>
    public static readonly SequenceBenchmarkShape RowWise = new("row-wise", 128, 28, 28, 128, 10);

    /// <summary>Pixel-wise sequential MNIST: batch 128, 784 steps of 1 pixel, hidden 128, 10 classes.</summary>
    public static readonly SequenceBenchmarkShape PixelWise = new("pixel-wise", 128, 784, 1, 128, 10);

    /// <summary>What the data fixes for a model at this shape.</summary>
    public ModelShape ModelShape => new(Inputs, Classes, Steps, TaskKind.Classification);

    /// <summary>The sizes in words.</summary>
    public string Description => $"batch {Batch}, {Steps} steps, {Inputs} inputs, hidden {Hidden}, {Classes} classes";
}

/// <summary>Seconds per batch: the median over repeats and each repeat's mean.</summary>
public sealed record BatchTiming(double MedianS, IReadOnlyList<double> RepeatS);

/// <summary>Times a sequence model's training step and forward pass on synthetic data.</summary>
public static class SequenceBenchmark
{
    /// <summary>A case that builds a model with <paramref name="create"/> and times it at <paramref name="shape"/>.</summary>
    public static BenchmarkCase Case(string name, SequenceBenchmarkShape shape, Func<ModelShape, long, SequenceModel> create) =>
        new(name, shape.Name, shape.Description, settings => Measure(model: create(shape.ModelShape, settings.Seed), shape, settings));

    /// <summary>One case per registered model type and shape, each built with its options' defaults except the
    /// shape's hidden size where the options are <see cref="RecurrentBaselineOptions"/>.</summary>
    public static IReadOnlyList<BenchmarkCase> CasesFor(ModelRegistry registry, IEnumerable<SequenceBenchmarkShape> shapes)
    {
        var cases = new List<BenchmarkCase>();
        foreach (var shape in shapes)
            foreach (var entry in registry.Entries)
                cases.Add(Case(entry.Type, shape, (modelShape, seed) => entry.Create(DefaultOptions(entry, shape), modelShape, seed)));
        return cases;
    }

    static object DefaultOptions(ModelEntry entry, SequenceBenchmarkShape shape)
    {
        object options = Activator.CreateInstance(entry.OptionsType)
            ?? throw new InvalidOperationException($"{entry.OptionsType.Name} has no parameterless constructor");
        return options is RecurrentBaselineOptions baseline ? baseline with { Hidden = shape.Hidden } : options;
    }

    /// <summary>Times training (forward, cross-entropy, backward, Adam step) and inference (forward without autograd).</summary>
    /// <param name="model">A classification model for <paramref name="shape"/>; it is moved to the settings' device and disposed.</param>
    /// <param name="shape">Batch and sequence sizes.</param>
    /// <param name="settings">Warm-up and repeats.</param>
    public static BenchmarkMeasurement Measure(SequenceModel model, SequenceBenchmarkShape shape, BenchmarkSettings settings)
    {
        using var owned = model;
        using var scope = NewDisposeScope();
        model.to(settings.Device);
        using var generator = RandomStreams.Generator(RandomStreams.Derive(settings.Seed, "bench.data"));
        Tensor input = randn([shape.Batch, shape.Steps, shape.Inputs], generator: generator).to(settings.Device);          // (B, T, F)
        Tensor labels = randint(0, shape.Classes, [shape.Batch], dtype: ScalarType.Int64, generator: generator).to(settings.Device); // (B)
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);

        model.train();
        void TrainBatch()
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.call(input), labels);
            loss.backward();
            optimizer.step();
            Synchronize(settings.Device);
        }
        var training = TimeBatches(TrainBatch, settings);

        model.eval();
        void InferBatch()
        {
            using var step = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(input);
            Synchronize(settings.Device);
        }
        var inference = TimeBatches(InferBatch, settings);

        double trainingPerS = shape.Batch / training.MedianS, inferencePerS = shape.Batch / inference.MedianS;
        long macs = model.ForwardMultiplyAddsPerSample;
        return new BenchmarkMeasurement
        {
            TrainingSamplesPerS = trainingPerS,
            InferenceSamplesPerS = inferencePerS,
            ForwardMultiplyAddsPerSample = macs > 0 ? macs : null,
            TrainingGflopPerS = macs > 0 ? 3 * 2.0 * macs * trainingPerS / 1e9 : null,
            InferenceGflopPerS = macs > 0 ? 2.0 * macs * inferencePerS / 1e9 : null,
            TrainingBatchS = training.MedianS,
            TrainingRepeatSamplesPerS = [.. training.RepeatS.Select(seconds => shape.Batch / seconds)],
            InferenceRepeatSamplesPerS = [.. inference.RepeatS.Select(seconds => shape.Batch / seconds)],
        };
    }

    /// <summary>Seconds per batch in each of the settings' repeats, after warm-up, and their median.</summary>
    public static BatchTiming TimeBatches(Action batch, BenchmarkSettings settings)
    {
        var clock = Stopwatch.StartNew();
        do batch(); while (clock.Elapsed.TotalSeconds < settings.WarmupSeconds);
        var perBatch = new double[settings.Repeats];
        for (int repeat = 0; repeat < settings.Repeats; repeat++)
        {
            int batches = 0;
            clock.Restart();
            do { batch(); batches++; } while (clock.Elapsed.TotalSeconds < settings.MinRepeatSeconds);
            perBatch[repeat] = clock.Elapsed.TotalSeconds / batches;
        }
        return new BatchTiming(Median(perBatch), perBatch);
    }

    internal static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    internal static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
    }
}
