using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction;

/// <summary>Series the reconstruction tests share until the systems catalogue lands: Lorenz-63 by a tiny RK4, float64.</summary>
public static class TestSeries
{
    /// <summary>Largest Lyapunov exponent of Lorenz-63 at the standard parameters (Sprott 2003).</summary>
    public const double LorenzLargestExponent = 0.9056;

    const double Sigma = 10, Rho = 28, Beta = 8.0 / 3;

    /// <summary>Lorenz-63 (σ = 10, ρ = 28, β = 8/3) from <paramref name="start"/> (default <c>(1, 1, 1)</c>), integrated by RK4 with
    /// <paramref name="substeps"/> steps of <c>dt / substeps</c> per row; <paramref name="transient"/> rows are dropped first.</summary>
    /// <returns><c>(steps, 3)</c> float64; row 0 is one step past the transient.</returns>
    public static Tensor Lorenz(int steps, double dt = 0.01, int substeps = 1, int transient = 1000, double[]? start = null)
    {
        double[] state = start is null ? [1, 1, 1] : (double[])start.Clone();
        double h = dt / substeps;
        var rows = new double[steps * 3];
        for (int t = -transient; t < steps; t++)
        {
            for (int s = 0; s < substeps; s++) Rk4(state, h);
            if (t >= 0) Array.Copy(state, 0, rows, t * 3, 3);
        }
        return tensor(rows, dtype: ScalarType.Float64).reshape(steps, 3);
    }

    static void Field(ReadOnlySpan<double> v, Span<double> f)
    {
        f[0] = Sigma * (v[1] - v[0]);
        f[1] = v[0] * (Rho - v[2]) - v[1];
        f[2] = v[0] * v[1] - Beta * v[2];
    }

    static void Rk4(double[] v, double h)
    {
        Span<double> k1 = stackalloc double[3], k2 = stackalloc double[3], k3 = stackalloc double[3], k4 = stackalloc double[3], w = stackalloc double[3];
        Field(v, k1);
        for (int i = 0; i < 3; i++) w[i] = v[i] + 0.5 * h * k1[i];
        Field(w, k2);
        for (int i = 0; i < 3; i++) w[i] = v[i] + 0.5 * h * k2[i];
        Field(w, k3);
        for (int i = 0; i < 3; i++) w[i] = v[i] + h * k3[i];
        Field(w, k4);
        for (int i = 0; i < 3; i++) v[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }

    /// <summary>Each column shifted to mean 0 and scaled to standard deviation 1 (the population's).</summary>
    public static Tensor Standardised(Tensor series) => (series - series.mean([0])) / series.std(0, unbiased: false);
}
