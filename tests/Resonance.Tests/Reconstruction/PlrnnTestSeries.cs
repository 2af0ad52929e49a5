using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction;

/// <summary>Lorenz-63 series for the PLRNN and GTF tests, from the systems catalogue (<see cref="TestSeries.Lorenz"/>).</summary>
internal static class PlrnnTestSeries
{
    /// <summary><paramref name="steps"/> rows of Lorenz-63 sampled every <paramref name="timeStep"/> (one RK4 step each), row 0 being
    /// the state <paramref name="transient"/> steps after (1, 1, 20); each column z-scored (mean 0, standard deviation 1).</summary>
    /// <returns><c>(steps, 3)</c>, float64.</returns>
    public static Tensor Lorenz(int steps, double timeStep = 0.01, int transient = 1000)
    {
        if (transient < 1) throw new ArgumentOutOfRangeException(nameof(transient), transient, "expected at least one transient step");
        using var scope = NewDisposeScope();
        Tensor series = TestSeries.Lorenz(steps, timeStep, transient: transient - 1, start: [1, 1, 20]);
        return ((series - series.mean([0])) / series.std(0)).MoveToOuterDisposeScope();
    }
}
