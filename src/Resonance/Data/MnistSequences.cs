using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>MNIST as sequences on a device: training, optional validation and test splits in one view.</summary>
/// <example>
/// <code>
/// using var data = MnistSequences.Create(MnistDataset.Load(cache), new SequenceView { Kind = SequenceKind.PixelWise },
///     new DataSplits { ValidationFraction = 0.1, TrainLimit = 1000 }, torch.CPU);
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
///     foreach (var batch in data.Train.Batches(128, shuffleSeed: seed, epoch: epoch))
///         using (batch) { /* batch.Inputs (128, 784, 1), batch.Labels (128) */ }
/// </code>
/// </example>
public sealed class MnistSequences : IDisposable
{
    MnistSequences(SequenceView view, SequenceSplit train, SequenceSplit? validation, SequenceSplit test)
    {
        View = view;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The view the splits were made with.</summary>
    public SequenceView View { get; }

    /// <summary>Training sequences (the first examples of the training file, up to the limit).</summary>
    public SequenceSplit Train { get; }

    /// <summary>Validation sequences (the end of the training file), or null when no validation set was asked for.</summary>
    public SequenceSplit? Validation { get; }

    /// <summary>Test sequences (the first examples of the test file, up to the limit).</summary>
    public SequenceSplit Test { get; }

    /// <summary>Builds the splits of <paramref name="data"/> as sequences on <paramref name="device"/>.</summary>
    /// <param name="data">MNIST or an MNIST-like dataset.</param>
    /// <param name="view">Pixel order and normalisation.</param>
    /// <param name="splits">Limits and the validation set (see <see cref="DataSplits"/>).</param>
    /// <param name="device">Where the tensors are kept.</param>
    /// <exception cref="UserInputException">Invalid view or split settings.</exception>
    public static MnistSequences Create(MnistDataset data, SequenceView view, DataSplits splits, Device device)
    {
        view.Validate();
        var sizes = splits.Resolve(data.Train.Count, data.Test.Count);
        var built = new List<SequenceSplit>();
        try
        {
            var train = Add(built, SequenceSplit.Create("train", Take(data.Train, 0, sizes.Train), view, device));
            var validation = sizes.Validation == 0 ? null : Add(built, SequenceSplit.Create("validation",
                Take(data.Train, data.Train.Count - sizes.Validation, sizes.Validation), view, device));
            var test = Add(built, SequenceSplit.Create("test", Take(data.Test, 0, sizes.Test), view, device));
            return new MnistSequences(view, train, validation, test);
        }
        catch
        {
            foreach (var split in built) split.Dispose();
            throw;
        }
    }

    static SequenceSplit Add(List<SequenceSplit> built, SequenceSplit split)
    {
        built.Add(split);
        return split;
    }

    static MnistSplit Take(MnistSplit split, int start, int count) =>
        start == 0 && count == split.Count ? split : split.Slice(start, count);

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test.Dispose();
    }
}
