using Resonance.Experiments;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>MNIST as sequences for an experiment (row, pixel or permuted view).</summary>
public static class MnistSequences
{
    public static ISequenceData Create(DataOptions options, long seed, Device device, DataCache cache) =>
        throw new UserInputException("data.dataset: mnist is being wired in; use synthetic for now.");
}
