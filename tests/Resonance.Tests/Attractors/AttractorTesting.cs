using Resonance.Attractors;
using static TorchSharp.torch;

namespace Resonance.Tests.Attractors;

/// <summary>Small networks and protocols for the attractor tests.</summary>
internal static class AttractorTesting
{
    public static AttractorNetworkOptions Network(int neurons = 16, int present = 2, int retain = 6) =>
        new() { Neurons = neurons, PresentSteps = present, RetainSteps = retain };

    public static AttractorTrainingOptions TrainingWith(int epochs = 30, Regimen regimen = Regimen.Cyclic) =>
        new() { Epochs = epochs, Lr = 0.01, Regimen = regimen, LogEvery = 1 };

    /// <summary>Rows of a Sylvester Hadamard matrix of size <paramref name="n"/> (a power of two): mutually orthogonal ±1 patterns.</summary>
    public static Tensor Hadamard(int n)
    {
        var h = new float[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                h[i, j] = System.Numerics.BitOperations.PopCount((uint)(i & j)) % 2 == 0 ? 1 : -1;
        return tensor(h);
    }

    /// <summary>Same shape and every element equal.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Largest absolute difference.</summary>
    public static double MaxDifference(Tensor a, Tensor b) => (a.to(float64) - b.to(float64)).abs().max().item<double>();
}
