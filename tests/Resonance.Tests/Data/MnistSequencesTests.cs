using Resonance.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Data;

public class MnistSequencesTests
{
    /// <summary>A dataset whose example n carries its index in pixels 0 and 1 (n % 256, n / 256), so splits can be traced.</summary>
    static MnistDataset Numbered(int trainCount, int testCount)
    {
        static MnistSplit Split(int count, int offset)
        {
            var pixels = new byte[count * 784];
            var labels = new byte[count];
            for (int n = 0; n < count; n++)
            {
                int id = n + offset;
                pixels[n * 784] = (byte)(id % 256);
                pixels[n * 784 + 1] = (byte)(id / 256);
                pixels[n * 784 + 100 + n % 600] = 255;
                labels[n] = (byte)(id % 10);
            }
            return new MnistSplit(pixels, labels);
        }
        return new MnistDataset(Split(trainCount, 0), Split(testCount, 10_000));
    }

    /// <summary>The example ids of a (N, T, F) tensor of a Numbered dataset in [0, 1] scaling.</summary>
    static long[] Ids(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var flat = inputs.reshape(inputs.shape[0], 784); // (N, 784), reading order for row- and pixel-wise views
        var ids = (flat[.., 0] * 255).round() + (flat[.., 1] * 255).round() * 256;
        return ids.to_type(ScalarType.Int64).data<long>().ToArray();
    }

    static readonly SequenceView UnitRows = new() { Normalisation = PixelNormalisation.UnitInterval };

    [Theory]
    [InlineData(SequenceKind.RowWise, 28, 28)]
    [InlineData(SequenceKind.PixelWise, 784, 1)]
    [InlineData(SequenceKind.PermutedPixelWise, 784, 1)]
    public void Batches_have_the_shape_batch_time_features_in_float32_with_int64_labels(SequenceKind kind, int steps, int features)
    {
        using var data = MnistSequences.Create(MnistDataset.Synthetic(10, 4, seed: 1), new SequenceView { Kind = kind },
            new DataSplits(), CPU);

        var batches = data.Train.Batches(4).ToList();

        Assert.Equal([4L, 4L, 2L], batches.Select(batch => batch.Inputs.shape[0]));
        Assert.Equal(new long[] { 4, steps, features }, batches[0].Inputs.shape);
        Assert.Equal(ScalarType.Float32, batches[0].Inputs.dtype);
        Assert.Equal(new long[] { 4 }, batches[0].Labels.shape);
        Assert.Equal(ScalarType.Int64, batches[0].Labels.dtype);
        Assert.Equal((steps, features), (data.View.Steps, data.View.Features));
        batches.ForEach(batch => batch.Dispose());
    }

    [Fact]
    public void Row_wise_step_t_is_image_row_t()
    {
        var mnist = MnistDataset.Synthetic(3, 1, seed: 2);
        using var data = MnistSequences.Create(mnist, UnitRows, new DataSplits(), CPU);

        float[] step = data.Train.Inputs[1, 7].data<float>().ToArray(); // (28)

        Assert.Equal(mnist.Train.Pixels.Skip(784 + 7 * 28).Take(28).Select(p => p / 255f), step);
    }

    [Fact]
    public void Standardisation_uses_mean_0_1307_and_std_0_3081_by_default()
    {
        var pixels = new byte[784];
        pixels[0] = 255;
        var mnist = new MnistDataset(new MnistSplit(pixels, [3]), new MnistSplit(pixels, [3]));
        using var data = MnistSequences.Create(mnist, new SequenceView { Kind = SequenceKind.PixelWise }, new DataSplits(), CPU);

        Assert.Equal((1 - 0.1307) / 0.3081, data.Train.Inputs[0, 0, 0].item<float>(), 5);
        Assert.Equal(-0.1307 / 0.3081, data.Train.Inputs[0, 1, 0].item<float>(), 5);
    }

    [Fact]
    public void The_pixel_permutation_is_a_permutation_fixed_by_its_seed()
    {
        long[] order = new SequenceView { Kind = SequenceKind.PermutedPixelWise, PermutationSeed = 42 }.PixelOrder()!;

        Assert.Equal(Enumerable.Range(0, 784).Select(i => (long)i), order.Order());
        Assert.Equal(order, new SequenceView { Kind = SequenceKind.PermutedPixelWise, PermutationSeed = 42 }.PixelOrder());
        Assert.NotEqual(order, new SequenceView { Kind = SequenceKind.PermutedPixelWise, PermutationSeed = 43 }.PixelOrder());
        Assert.True(order.Where((pixel, step) => pixel != step).Count() > 700);
        Assert.Null(new SequenceView { Kind = SequenceKind.PixelWise }.PixelOrder());
    }

    [Fact]
    public void Permuted_step_t_reads_pixel_pi_of_t()
    {
        var mnist = MnistDataset.Synthetic(2, 1, seed: 3);
        var permuted = UnitRows with { Kind = SequenceKind.PermutedPixelWise, PermutationSeed = 5 };
        using var plain = MnistSequences.Create(mnist, UnitRows with { Kind = SequenceKind.PixelWise }, new DataSplits(), CPU);
        using var shuffled = MnistSequences.Create(mnist, permuted, new DataSplits(), CPU);
        long[] order = permuted.PixelOrder()!;

        float[] expected = order.Select(pixel => plain.Train.Inputs[1, pixel, 0].item<float>()).ToArray();

        Assert.Equal(expected, shuffled.Train.Inputs[1].reshape(784).data<float>().ToArray());
    }

    [Fact]
    public void The_epoch_order_is_the_same_for_the_same_seed_and_epoch_and_changes_with_either()
    {
        using var data = MnistSequences.Create(Numbered(50, 5), UnitRows, new DataSplits(), CPU);
        long[] Order(long seed, int epoch) =>
            data.Train.Batches(8, shuffleSeed: seed, epoch: epoch).SelectMany(batch => { using (batch) return Ids(batch.Inputs); }).ToArray();

        long[] first = Order(seed: 1, epoch: 3);

        Assert.Equal(first, Order(1, 3));
        Assert.Equal(SeededPermutation.ForEpoch(50, 1, 3), first);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), first.Order());
        Assert.NotEqual(first, Order(1, 4));
        Assert.NotEqual(first, Order(2, 3));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i),
            data.Train.Batches(8).SelectMany(batch => { using (batch) return Ids(batch.Inputs); }));
    }

    [Fact]
    public void Shuffled_labels_travel_with_their_inputs()
    {
        using var data = MnistSequences.Create(Numbered(30, 5), UnitRows, new DataSplits(), CPU);

        foreach (var batch in data.Train.Batches(7, shuffleSeed: 9, epoch: 0))
            using (batch)
                Assert.Equal(Ids(batch.Inputs).Select(id => id % 10), batch.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Drop_last_skips_the_short_final_batch()
    {
        using var data = MnistSequences.Create(MnistDataset.Synthetic(10, 2, seed: 4), new SequenceView(), new DataSplits(), CPU);

        Assert.Equal(2, data.Train.Batches(4, dropLast: true).Count());
        Assert.Equal((2, 3), (data.Train.BatchCount(4, dropLast: true), data.Train.BatchCount(4)));
    }

    [Fact]
    public void Limits_keep_the_first_examples()
    {
        using var data = MnistSequences.Create(Numbered(40, 20), UnitRows, new DataSplits { TrainLimit = 7, TestLimit = 3 }, CPU);

        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], Ids(data.Train.Inputs));
        Assert.Equal([10_000L, 10_001, 10_002], Ids(data.Test.Inputs));
        Assert.Null(data.Validation);
    }

    [Fact]
    public void A_limit_larger_than_the_file_uses_every_example()
    {
        using var data = MnistSequences.Create(Numbered(5, 4), UnitRows, new DataSplits { TrainLimit = 1000, TestLimit = 1000 }, CPU);

        Assert.Equal((5, 4), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void The_validation_set_is_the_end_of_the_training_file_and_disjoint_from_training()
    {
        using var byCount = MnistSequences.Create(Numbered(40, 5), UnitRows, new DataSplits { ValidationCount = 10 }, CPU);
        using var byFraction = MnistSequences.Create(Numbered(40, 5), UnitRows,
            new DataSplits { ValidationFraction = 0.25, TrainLimit = 12 }, CPU);

        Assert.Equal(Enumerable.Range(30, 10).Select(i => (long)i), Ids(byCount.Validation!.Inputs));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), Ids(byCount.Train.Inputs));
        Assert.Equal(Ids(byCount.Validation.Inputs), Ids(byFraction.Validation!.Inputs)); // the limit does not move it
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), Ids(byFraction.Train.Inputs));
        Assert.Empty(Ids(byFraction.Train.Inputs).Intersect(Ids(byFraction.Validation.Inputs)));
    }

    [Theory]
    [InlineData(0, null, null, null, "data.train_limit")]
    [InlineData(null, -1, null, null, "data.test_limit")]
    [InlineData(null, null, 5, 0.1, "data.validation_count and data.validation_fraction")]
    [InlineData(null, null, null, 1.0, "data.validation_fraction")]
    [InlineData(null, null, 40, null, "data.validation_count: a validation set of 40 leaves no training examples")]
    public void Bad_split_settings_name_their_key(int? trainLimit, int? testLimit, int? validationCount, double? validationFraction,
        string expected)
    {
        var splits = new DataSplits
        {
            TrainLimit = trainLimit, TestLimit = testLimit, ValidationCount = validationCount, ValidationFraction = validationFraction,
        };

        var error = Assert.Throws<UserInputException>(() => splits.Resolve(40, 10));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void A_standard_deviation_of_zero_is_refused()
    {
        var error = Assert.Throws<UserInputException>(() => new SequenceView { Std = 0 }.Validate());

        Assert.StartsWith("data.std", error.Message);
    }

    [Fact]
    public void Splits_outlive_the_dispose_scope_they_were_made_in()
    {
        MnistSequences data;
        using (NewDisposeScope())
            data = MnistSequences.Create(MnistDataset.Synthetic(6, 2, seed: 5), new SequenceView(), new DataSplits(), CPU);

        using (data)
            Assert.Equal(6, data.Train.Batches(4).Sum(batch => { using (batch) return batch.Size; }));
    }

    [Fact]
    public void An_epoch_leaves_no_live_tensors_behind_whether_batches_are_disposed_or_scoped()
    {
        using var data = MnistSequences.Create(MnistDataset.Synthetic(64, 2, seed: 6), new SequenceView(), new DataSplits(), CPU);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        foreach (var batch in data.Train.Batches(8, shuffleSeed: 1, epoch: 0))
            using (batch)
                batch.Inputs.sum().Dispose();
        long afterDisposing = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (NewDisposeScope())
            foreach (var batch in data.Train.Batches(8, shuffleSeed: 1, epoch: 1))
                _ = batch.Inputs.mean();
        long afterScope = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var kept = data.Train.Batches(8).ToList(); // the measure sees batches that are kept
        long whileKept = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        kept.ForEach(batch => batch.Dispose());

        Assert.Equal((before, before), (afterDisposing, afterScope));
        Assert.Equal(before + 2 * 8, whileKept);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
