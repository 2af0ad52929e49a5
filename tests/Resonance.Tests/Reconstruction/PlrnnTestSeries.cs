using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction;

/// <summary>Lorenz-63 series for the PLRNN and GTF tests, from a small float64 RK4 (σ = 10, ρ = 28, β = 8/3), until the systems
/// catalogue provides them.</summary>
internal static class PlrnnTestSeries
{
    const double Sigma = 10, Rho = 28, Beta = 8.0 / 3;

    /// <summary><paramref name="steps"/> rows of Lorenz-63 sampled every <paramref name="timeStep"/> (one RK4 step each), after
    /// <paramref name="transient"/> steps from (1, 1, 20) are dropped; each column z-scored (mean 0, standard deviation 1).</summary>
    /// <returns><c>(steps, 3)</c>, float64.</returns>
    public static Tensor Lorenz(int steps, double timeStep = 0.01, int transient = 1000)
    {
        var state = new[] { 1.0, 1.0, 20.0 };
        var rows = new double[steps * 3];
        for (int t = 0; t < transient + steps; t++)
        {
            if (t >= transient) Array.Copy(state, 0, rows, (t - transient) * 3, 3);
            state = Rk4(state, timeStep);
        }
        using var scope = NewDisposeScope();
        Tensor series = tensor(rows).reshape(steps, 3);
        return ((series - series.mean([0])) / series.std(0)).MoveToOuterDisposeScope();
    }

    static double[] Field(double[] s) => [Sigma * (s[1] - s[0]), s[0] * (Rho - s[2]) - s[1], s[0] * s[1] - Beta * s[2]];

    static double[] Rk4(double[] s, double h)
    {
        double[] Add(double[] a, double[] b, double f) => [a[0] + f * b[0], a[1] + f * b[1], a[2] + f * b[2]];
        double[] k1 = Field(s), k2 = Field(Add(s, k1, h / 2)), k3 = Field(Add(s, k2, h / 2)), k4 = Field(Add(s, k3, h));
        return [.. Enumerable.Range(0, 3).Select(i => s[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]))];
    }
}
