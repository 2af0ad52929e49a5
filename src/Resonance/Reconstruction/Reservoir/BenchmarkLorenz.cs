using Resonance.Dynamics;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Lorenz-63 from the systems catalogue (σ = 10, ρ = 28, β = 8/3; RK4 at Δt = 0.01), for the reservoir and GTF bench rows.</summary>
internal static class BenchmarkLorenz
{
    /// <summary><paramref name="steps"/> rows after 1,000 transient steps from <paramref name="start"/> (default <c>(1, 1, 1)</c>),
    /// each column z-scored; <c>(steps, 3)</c> float32.</summary>
    public static Tensor Standardised(int steps, double[]? start = null)
    {
        var system = SystemCatalog.Get("lorenz63");
        var step = SystemSimulation.Step(system, system.DefaultParameters, 0.01);
        using var scope = NewDisposeScope();
        Tensor state = SystemSimulation.Advance(step, tensor(start ?? [1.0, 1, 1], dtype: ScalarType.Float64).unsqueeze(0), 1000, system.Name);
        Tensor series = SystemSimulation.Trajectory(step, state, steps, system.Name).squeeze(1);            // (steps, 3)
        return ((series - series.mean([0])) / series.std(0)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
