using Resonance.Dynamics;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction;

/// <summary>Series the reconstruction tests share: Lorenz-63 from the systems catalogue (<see cref="SystemCatalog"/>,
/// <see cref="SystemSimulation"/>), float64.</summary>
public static class TestSeries
{
    /// <summary>Largest Lyapunov exponent of Lorenz-63 at the standard parameters (Sprott 2003), the catalogue's published value.</summary>
    public static double LorenzLargestExponent => SystemCatalog.Get("lorenz63").PublishedLargestExponent!.Value;

    /// <summary>Lorenz-63 (the catalogue's σ = 10, ρ = 28, β = 8/3) from <paramref name="start"/> (default <c>(1, 1, 1)</c>), integrated
    /// by the catalogue's RK4 step with <paramref name="substeps"/> steps of <c>dt / substeps</c> per row; <paramref name="transient"/>
    /// rows are dropped first.</summary>
    /// <returns><c>(steps, 3)</c> float64; row 0 is one step past the transient.</returns>
    public static Tensor Lorenz(int steps, double dt = 0.01, int substeps = 1, int transient = 1000, double[]? start = null)
    {
        var system = SystemCatalog.Get("lorenz63");
        var step = SystemSimulation.Step(system, system.DefaultParameters, dt / substeps);
        using var scope = NewDisposeScope();
        Tensor state = tensor(start ?? [1.0, 1, 1], dtype: ScalarType.Float64).unsqueeze(0);                 // (1, 3)
        if (transient > 0) state = SystemSimulation.Advance(step, state, transient * substeps, system.Name);
        Tensor rows = SystemSimulation.Trajectory(step, state, steps * substeps, system.Name);               // (steps · substeps, 1, 3)
        return rows.reshape(steps, substeps, 3).select(1, substeps - 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Each column shifted to mean 0 and scaled to standard deviation 1 (the population's).</summary>
    public static Tensor Standardised(Tensor series) => (series - series.mean([0])) / series.std(0, unbiased: false);
}
