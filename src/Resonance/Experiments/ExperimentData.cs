using Resonance.Data;
using Resonance.Models;
using static TorchSharp.torch;

namespace Resonance.Experiments;

/// <summary>Builds the dataset an experiment's <c>data:</c> section names.</summary>
public static class ExperimentData
{
    /// <summary>The data for <paramref name="options"/>, shuffled from <paramref name="seed"/>, on <paramref name="device"/>.
    /// MNIST is fetched into <paramref name="cache"/> first when it is not there.</summary>
    public static ISequenceData Create(DataOptions options, long seed, Device device, DataCache cache, IProgress<string>? progress = null)
    {
        switch (options.Dataset)
        {
            case DatasetKind.Synthetic:
            case DatasetKind.Sine:
                int train = options.TrainLimit > 0 ? Math.Min(options.TrainLimit, options.Samples) : options.Samples;
                int test = options.TestLimit > 0 ? options.TestLimit : Math.Max(64, options.Samples / 4);
                // The examples are fixed by the data section, not the run seed, so every run sees the same ones.
                long dataSeed = 7919 + options.Steps * 31 + options.Features;
                return options.Dataset == DatasetKind.Synthetic
                    ? SyntheticSequences.Classification(train, options.Validation, test, options.Steps, options.Features, options.Classes, dataSeed, seed, device)
                    : SyntheticSequences.Sine(train, options.Validation, test, options.Steps, dataSeed, seed, device);
            default:
                var mnist = MnistDataset.Load(cache, progress);
                if (options.Validation >= mnist.Train.Count)
                    throw new UserInputException($"data.validation: a validation set of {options.Validation} leaves no training examples " +
                        $"out of the {mnist.Train.Count} in MNIST's training file; use a smaller one (e.g. 5000).");
                var view = new SequenceView
                {
                    Kind = options.View switch { MnistView.Pixel => SequenceKind.PixelWise, MnistView.Permuted => SequenceKind.PermutedPixelWise, _ => SequenceKind.RowWise },
                    PermutationSeed = options.PermutationSeed,
                    Normalisation = options.Normalise ? PixelNormalisation.Standardise : PixelNormalisation.UnitInterval,
                };
                var splits = new DataSplits
                {
                    TrainLimit = options.TrainLimit > 0 ? options.TrainLimit : null,
                    TestLimit = options.TestLimit > 0 ? options.TestLimit : null,
                    ValidationCount = options.Validation > 0 ? options.Validation : null,
                };
                return new MnistSequenceData(MnistSequences.Create(mnist, view, splits, device), seed);
        }
    }

    /// <summary>MNIST sequences seen through <see cref="ISequenceData"/>.</summary>
    sealed class MnistSequenceData(MnistSequences sequences, long shuffleSeed) : ISequenceData
    {
        public ModelShape Shape { get; } = new(sequences.View.Features, MnistSplit.Classes, sequences.View.Steps, TaskKind.Classification);

        public long Count(DataSplit split) => Split(split)?.Count ?? 0;

        public IEnumerable<Batch> TrainBatches(int epoch, int batchSize) =>
            sequences.Train.Batches(batchSize, shuffleSeed, epoch).Select(b => new Batch(b.Inputs, b.Labels));

        public IEnumerable<Batch> Batches(DataSplit split, int batchSize) =>
            Split(split)?.Batches(batchSize).Select(b => new Batch(b.Inputs, b.Labels)) ?? [];

        SequenceSplit? Split(DataSplit split) => split switch
        {
            DataSplit.Train => sequences.Train,
            DataSplit.Validation => sequences.Validation,
            _ => sequences.Test,
        };

        public void Dispose() => sequences.Dispose();
    }
}
