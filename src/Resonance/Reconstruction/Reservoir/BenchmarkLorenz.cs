using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Lorenz-63 (σ = 10, ρ = 28, β = 8/3) by RK4 at Δt = 0.01, for the reservoir bench rows until they read the systems catalogue.</summary>
internal static class BenchmarkLorenz
{
    /// <summary><paramref name="steps"/> rows after 1,000 transient steps from <c>(1, 1, 1)</c>, each column z-scored; <c>(steps, 3)</c> float32.</summary>
    public static Tensor Standardised(int steps)
    {
        const double Sigma = 10, Rho = 28, Beta = 8.0 / 3, H = 0.01;
        double x = 1, y = 1, z = 1;
        var rows = new double[steps * 3];
        static (double, double, double) Field(double x, double y, double z) => (Sigma * (y - x), x * (Rho - z) - y, x * y - Beta * z);
        for (int t = -1000; t < steps; t++)
        {
            var (a1, b1, c1) = Field(x, y, z);
            var (a2, b2, c2) = Field(x + 0.5 * H * a1, y + 0.5 * H * b1, z + 0.5 * H * c1);
            var (a3, b3, c3) = Field(x + 0.5 * H * a2, y + 0.5 * H * b2, z + 0.5 * H * c2);
            var (a4, b4, c4) = Field(x + H * a3, y + H * b3, z + H * c3);
            x += H / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
            y += H / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
            z += H / 6 * (c1 + 2 * c2 + 2 * c3 + c4);
            if (t >= 0) (rows[3 * t], rows[3 * t + 1], rows[3 * t + 2]) = (x, y, z);
        }
        using var scope = NewDisposeScope();
        Tensor series = tensor(rows, dtype: ScalarType.Float64).reshape(steps, 3);
        return ((series - series.mean([0])) / series.std(0)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
