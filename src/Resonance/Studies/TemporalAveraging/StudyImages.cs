using Resonance.Data;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>The MNIST images of a study as intensities in [0, 1]: training and test images <c>(N, 28, 28)</c> with labels <c>(N)</c>.</summary>
internal sealed class StudyImages : IDisposable
{
    StudyImages(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) =>
        (TrainImages, TrainLabels, TestImages, TestLabels) = (trainImages, trainLabels, testImages, testLabels);

    /// <summary><c>(N, 28, 28)</c>, float32 in [0, 1].</summary>
    public Tensor TrainImages { get; }
    /// <summary><c>(N)</c>, int64.</summary>
    public Tensor TrainLabels { get; }
    /// <summary><c>(M, 28, 28)</c>, float32 in [0, 1].</summary>
    public Tensor TestImages { get; }
    /// <summary><c>(M)</c>, int64.</summary>
    public Tensor TestLabels { get; }

    public long TrainCount => TrainImages.shape[0];
    public long TestCount => TestImages.shape[0];

    /// <summary>Loads MNIST from the cache (fetching it first when missing), the first <c>data.train_limit</c> and
    /// <c>data.test_limit</c> images.</summary>
    public static StudyImages Load(TemporalStudyData data, DataCache cache, Device device, IProgress<string>? progress = null)
    {
        var mnist = MnistDataset.Load(cache, progress);
        var view = new SequenceView { Kind = SequenceKind.RowWise, Normalisation = PixelNormalisation.UnitInterval };
        var splits = new DataSplits
        {
            TrainLimit = data.TrainLimit > 0 ? data.TrainLimit : null,
            TestLimit = data.TestLimit > 0 ? data.TestLimit : null,
        };
        var sequences = MnistSequences.Create(mnist, view, splits, device);
        return new StudyImages(sequences.Train.Inputs, sequences.Train.Labels, sequences.Test.Inputs, sequences.Test.Labels);
    }

    /// <summary>A seeded subset of <paramref name="count"/> training images (all of them, in a seeded order, when there are fewer).</summary>
    /// <returns>Images <c>(count, 28, 28)</c> and labels <c>(count)</c>, new tensors.</returns>
    public (Tensor Images, Tensor Labels) TrainSubset(int count, long seed)
    {
        long[] order = SeededPermutation.Create((int)TrainCount, seed);
        using var index = tensor(order.Take(Math.Min(count, order.Length)).ToArray(), device: TrainImages.device);
        return (TrainImages.index_select(0, index), TrainLabels.index_select(0, index));
    }

    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
    }
}
