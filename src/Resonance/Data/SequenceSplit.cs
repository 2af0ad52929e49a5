using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>One batch of sequences: inputs and labels on the split's device.</summary>
/// <remarks>
/// The tensors join the dispose scope that is current when the enumerator produces the batch (if any); dispose the
/// batch when done with it (or let that scope end) so an epoch's native memory stays flat. Batches of an unshuffled
/// pass are views into the split's tensors: do not modify them in place.
/// </remarks>
public sealed class SequenceBatch(Tensor inputs, Tensor labels) : IDisposable
{
    /// <summary>Inputs, <c>(batch, steps, features)</c>, float32.</summary>
    public Tensor Inputs { get; } = inputs;

    /// <summary>Class labels, <c>(batch)</c>, int64.</summary>
    public Tensor Labels { get; } = labels;

    /// <summary>Number of sequences in the batch (the last batch of an epoch may be smaller).</summary>
    public int Size => (int)Labels.shape[0];

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// One set (training, validation or test) as sequences held whole on a device, cut into batches by
/// <c>index_select</c>, in reading order or in a per-epoch shuffled order.
/// </summary>
/// <remarks>
/// The split owns <see cref="Inputs"/> and <see cref="Labels"/>: they belong to no dispose scope (so the split can be
/// created inside one and outlive it) and are freed by <see cref="Dispose"/>.
/// </remarks>
public sealed class SequenceSplit : IDisposable
{
    SequenceSplit(string name, Tensor inputs, Tensor labels)
    {
        Name = name;
        Inputs = inputs;
        Labels = labels;
    }

    /// <summary>"train", "validation" or "test".</summary>
    public string Name { get; }

    /// <summary>All inputs, <c>(count, steps, features)</c>, float32, normalised.</summary>
    public Tensor Inputs { get; }

    /// <summary>All labels, <c>(count)</c>, int64, values 0..9.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => (int)Inputs.shape[0];

    /// <summary>Time steps per sequence.</summary>
    public int Steps => (int)Inputs.shape[1];

    /// <summary>Inputs per time step.</summary>
    public int Features => (int)Inputs.shape[2];

    /// <summary>The device the tensors live on.</summary>
    public Device Device => Inputs.device;

    /// <summary>Turns images into normalised sequences on <paramref name="device"/>.</summary>
    /// <param name="name">A name for messages and logs.</param>
    /// <param name="images">The examples.</param>
    /// <param name="view">The sequence view (validated here).</param>
    /// <param name="device">Where the tensors are kept.</param>
    /// <exception cref="UserInputException">The view's settings are invalid.</exception>
    public static SequenceSplit Create(string name, MnistSplit images, SequenceView view, Device device)
    {
        view.Validate();
        long count = images.Count;
        long[]? order = view.PixelOrder();
        using var scope = NewDisposeScope();
        var pixels = tensor(images.Pixels, [count, MnistSplit.PixelsPerImage], dtype: ScalarType.Byte); // (N, 784)
        var inputs = pixels.to_type(ScalarType.Float32).div_(255.0);
        if (view.Normalisation == PixelNormalisation.Standardise)
            inputs = inputs.sub_(view.Mean).div_(view.Std);
        if (order is not null)
            inputs = inputs.index_select(1, tensor(order)); // (N, 784), column t = pixel π(t)
        inputs = inputs.reshape(count, view.Steps, view.Features).to(device).contiguous(); // (N, T, F)
        var labels = tensor(images.Labels.Select(label => (long)label).ToArray(), device: device); // (N)
        return new SequenceSplit(name, inputs.DetachFromDisposeScope(), labels.DetachFromDisposeScope());
    }

    /// <summary>Number of batches one pass yields.</summary>
    public int BatchCount(int batchSize, bool dropLast = false)
    {
        CheckBatchSize(batchSize);
        return dropLast ? Count / batchSize : (Count + batchSize - 1) / batchSize;
    }

    /// <summary>One pass over the split in batches.</summary>
    /// <param name="batchSize">Sequences per batch (the last may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="shuffleSeed">Null for reading order; else the run's shuffle seed, the order being
    /// <see cref="SeededPermutation.ForEpoch"/>(Count, seed, epoch).</param>
    /// <param name="epoch">The epoch (0-based) whose order to use when shuffling; a resumed run passes the epoch it resumes at.</param>
    /// <param name="dropLast">Skip a final batch smaller than <paramref name="batchSize"/>.</param>
    /// <returns>Batches with inputs <c>(batch, steps, features)</c> and labels <c>(batch)</c>; dispose each (see <see cref="SequenceBatch"/>).</returns>
    /// <exception cref="UserInputException">The batch size is not positive.</exception>
    public IEnumerable<SequenceBatch> Batches(int batchSize, long? shuffleSeed = null, int epoch = 0, bool dropLast = false)
    {
        CheckBatchSize(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Iterate(batchSize, shuffleSeed is long seed ? SeededPermutation.ForEpoch(Count, seed, epoch) : null, dropLast);
    }

    IEnumerable<SequenceBatch> Iterate(int batchSize, long[]? order, bool dropLast)
    {
        Tensor? index = order is null ? null : tensor(order, device: Device).DetachFromDisposeScope();
        try
        {
            for (int start = 0; start < Count; start += batchSize)
            {
                int size = Math.Min(batchSize, Count - start);
                if (size < batchSize && dropLast) yield break;
                SequenceBatch batch;
                if (index is null)
                {
                    batch = new SequenceBatch(Inputs.narrow(0, start, size), Labels.narrow(0, start, size));
                }
                else
                {
                    using var rows = index.narrow(0, start, size); // (batch)
                    batch = new SequenceBatch(Inputs.index_select(0, rows), Labels.index_select(0, rows));
                }
                yield return batch;
            }
        }
        finally
        {
            index?.Dispose();
        }
    }

    static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1)
            throw new UserInputException($"training.batch_size: expected a positive whole number, got {batchSize}.");
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
