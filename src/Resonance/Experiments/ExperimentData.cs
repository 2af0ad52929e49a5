using Resonance.Data;
using static TorchSharp.torch;

namespace Resonance.Experiments;

/// <summary>Builds the dataset an experiment's <c>data:</c> section names.</summary>
public static class ExperimentData
{
    /// <summary>The data for <paramref name="options"/>, shuffled from <paramref name="seed"/>, on <paramref name="device"/>.</summary>
    public static ISequenceData Create(DataOptions options, long seed, Device device, DataCache cache)
    {
        switch (options.Dataset)
        {
            case DatasetKind.Synthetic:
            case DatasetKind.Sine:
                int train = options.TrainLimit > 0 ? Math.Min(options.TrainLimit, options.Samples) : options.Samples;
                int test = options.TestLimit > 0 ? options.TestLimit : Math.Max(64, options.Samples / 4);
                // The data's own seed is fixed by the data section, not the run seed, so every run sees the same examples.
                long dataSeed = 7919 + options.Steps * 31 + options.Features;
                return options.Dataset == DatasetKind.Synthetic
                    ? SyntheticSequences.Classification(train, options.Validation, test, options.Steps, options.Features, options.Classes, dataSeed, seed, device)
                    : SyntheticSequences.Sine(train, options.Validation, test, options.Steps, dataSeed, seed, device);
            default:
                return MnistSequences.Create(options, seed, device, cache);
        }
    }
}
