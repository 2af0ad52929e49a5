using Resonance.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>Which part of a dataset.</summary>
public enum DataSplit { Train, Validation, Test }

/// <summary>One mini-batch: inputs <c>(batch, steps, features)</c> and targets (labels <c>(batch)</c> int64, or <c>(batch, steps, outputs)</c>).</summary>
public sealed record Batch(Tensor Inputs, Tensor Targets) : IDisposable
{
    public long Size => Inputs.shape[0];
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}

/// <summary>
/// A supervised sequence dataset split into train / validation / test, batched on a device.
/// The training order of epoch <c>e</c> depends only on the seed and <c>e</c>, so a resumed run sees the same batches.
/// </summary>
public interface ISequenceData : IDisposable
{
    /// <summary>Input features, outputs, steps and task kind.</summary>
    ModelShape Shape { get; }

    /// <summary>Examples in a split.</summary>
    long Count(DataSplit split);

    /// <summary>The training batches of one epoch in that epoch's shuffled order (the last batch may be smaller).</summary>
    IEnumerable<Batch> TrainBatches(int epoch, int batchSize);

    /// <summary>A split in stored order, for evaluation.</summary>
    IEnumerable<Batch> Batches(DataSplit split, int batchSize);
}

/// <summary>
/// <see cref="ISequenceData"/> over whole-split tensors held on the device; each batch is one
/// <c>index_select</c>, so nothing grows over an epoch.
/// </summary>
public sealed class TensorSequenceData : ISequenceData
{
    readonly Dictionary<DataSplit, (Tensor Inputs, Tensor Targets)> splits;
    readonly long shuffleSeed;

    /// <param name="shape">What a model sees.</param>
    /// <param name="splits">Per split: inputs <c>(n, steps, features)</c> and targets; tensors are owned by this object.</param>
    /// <param name="shuffleSeed">Seed of the per-epoch shuffling.</param>
    public TensorSequenceData(ModelShape shape, IReadOnlyDictionary<DataSplit, (Tensor Inputs, Tensor Targets)> splits, long shuffleSeed)
    {
        Shape = shape;
        this.splits = new(splits);
        this.shuffleSeed = shuffleSeed;
    }

    public ModelShape Shape { get; }

    public long Count(DataSplit split) => splits.TryGetValue(split, out var s) ? s.Inputs.shape[0] : 0;

    public IEnumerable<Batch> TrainBatches(int epoch, int batchSize)
    {
        var (inputs, targets) = splits[DataSplit.Train];
        long n = inputs.shape[0];
        var order = tensor(SeededPermutation.ForEpoch((int)n, shuffleSeed, epoch), device: inputs.device).DetachFromDisposeScope();
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var index = order.narrow(0, start, Math.Min(batchSize, n - start));
                yield return new Batch(inputs.index_select(0, index), targets.index_select(0, index));
            }
        }
        finally
        {
            order.Dispose();
        }
    }

    public IEnumerable<Batch> Batches(DataSplit split, int batchSize)
    {
        if (!splits.TryGetValue(split, out var s)) yield break;
        long n = s.Inputs.shape[0];
        for (long start = 0; start < n; start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            yield return new Batch(s.Inputs.narrow(0, start, size), s.Targets.narrow(0, start, size));
        }
    }

    public void Dispose()
    {
        foreach (var (inputs, targets) in splits.Values)
        {
            inputs.Dispose();
            targets.Dispose();
        }
        splits.Clear();
    }
}
