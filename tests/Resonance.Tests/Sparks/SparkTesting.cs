using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

/// <summary>Builds small simulations with a chosen state (through a snapshot, as a continued run would).</summary>
internal static class SparkTesting
{
    /// <summary>Rules that leave the state alone: no learning, no decay, no memory, so moves are a fixed Markov chain.</summary>
    public static SparkOptions Frozen(int neurons, int sparks) => new()
    {
        Neurons = neurons,
        SparkCount = sparks,
        HebbianRate = 0,
        WeightDecay = 0,
        MemoryRate = 0,
        MemoryDecay = 0,
        MemoryBias = 0,
        ActivationGain = 0,
        ActivationDecay = 0,
    };

    public static SparkSimulation Simulation(SparkOptions options, float[] weights, int[] sparks, float[]? memory = null, float[]? activations = null, long seed = 7)
    {
        int n = options.Neurons;
        var positions = Enumerable.Range(0, 2 * n).Select(i => (float)((i * 0.37) % 1.0)).ToArray();
        var frame = new SparkFrame(0, activations ?? new float[n], weights, memory ?? new float[n], positions, sparks, null);
        var experiment = new SparkExperiment { Seed = seed, Sparks = options, Layout = new SparkLayoutOptions { Enabled = false } };
        return SparkSimulation.Restore(new SparkSnapshot(experiment, frame, null, "cpu"));
    }

    public static float[] Values(TorchSharp.torch.Tensor tensor) => tensor.cpu().data<float>().ToArray();

    public static long[] Longs(TorchSharp.torch.Tensor tensor) => tensor.cpu().data<long>().ToArray();
}
