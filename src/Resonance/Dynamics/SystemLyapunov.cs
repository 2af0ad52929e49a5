using Resonance.Analysis;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>Settings of <see cref="SystemLyapunov.Compute"/>.</summary>
public sealed record SystemLyapunovOptions
{
    /// <summary>Trajectories averaged over, each started near the system's attractor point.</summary>
    public int Conditions { get; init; } = 4;
    /// <summary>Recorded steps; null: the system's <see cref="DynamicalSystem.LyapunovSteps"/>.</summary>
    public int? Steps { get; init; }
    /// <summary>Steps that align the basis before recording; null: a tenth of the recorded steps.</summary>
    public int? WarmupSteps { get; init; }
    /// <summary>Exponents to estimate; null: all of them.</summary>
    public int? Exponents { get; init; }
    /// <summary>The flow's step; null: the system's default.</summary>
    public double? TimeStep { get; init; }
    /// <summary>Seed of the start perturbations and the initial basis.</summary>
    public long Seed { get; init; }
    /// <summary>Parameter overrides by name.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
}

/// <summary>Lyapunov spectra of catalogue systems by the QR method of <see cref="LyapunovSpectrum"/> on the RK4 step (flows)
/// or the map itself, in float64.</summary>
/// <remarks>
/// Each of the <c>B</c> conditions starts at the system's initial condition plus a seeded perturbation of size 1e-3,
/// runs the system's transient, then the warm-up and the recorded steps of <see cref="LyapunovSpectrum.Compute"/> with
/// <c>time_step = dt</c> (flows: exponents per unit time) or 1 (maps: per iteration).
/// </remarks>
public static class SystemLyapunov
{
    /// <summary>Estimates the spectrum of <paramref name="system"/>.</summary>
    /// <exception cref="DivergenceException">The transient blew up.</exception>
    public static LyapunovResult Compute(DynamicalSystem system, SystemLyapunovOptions options)
    {
        var parameters = system.ResolveParameters(options.Parameters);
        double dt = system.Kind == SystemKind.Flow ? options.TimeStep ?? system.TimeStep : 1;
        var step = SystemSimulation.Step(system, parameters, dt);
        int steps = options.Steps ?? system.LyapunovSteps;
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "dynamics.lyapunov.starts"));
        Tensor start = tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0)
            + 1e-3 * randn([options.Conditions, system.Dimension], dtype: ScalarType.Float64, generator: generator);  // (B, D)
        start = SystemSimulation.Advance(step, start, system.TransientSteps, system.Name);
        return LyapunovSpectrum.Compute(step, start, new LyapunovOptions
        {
            Exponents = options.Exponents ?? system.Dimension,
            Steps = steps,
            WarmupSteps = options.WarmupSteps ?? steps / 10,
            TimeStep = dt,
            Seed = options.Seed,
        });
    }
}
