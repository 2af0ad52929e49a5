namespace Resonance.Analysis;

/// <summary>Settings of <see cref="LyapunovSpectrum"/> (the <c>analysis.lyapunov</c> section).</summary>
public sealed record LyapunovOptions
{
    /// <summary>Exponents to estimate, the largest first (<c>exponents</c>), between 1 and the state size.</summary>
    public int Exponents { get; init; } = 3;
    /// <summary>Steps run before any stretch is recorded (<c>warmup_steps</c>): the trajectory reaches its attractor and
    /// the basis aligns with the most expanding directions.</summary>
    public int WarmupSteps { get; init; } = 1000;
    /// <summary>Recorded steps (<c>steps</c>).</summary>
    public int Steps { get; init; } = 10_000;
    /// <summary>Re-orthonormalise the basis every this many steps (<c>orthonormalize_every</c>); 1 = every step.</summary>
    public int OrthonormalizeEvery { get; init; } = 1;
    /// <summary>Time one step spans (<c>time_step</c>): 1 for a map; <c>dt</c> when the step integrates a flow (exponents per unit time).</summary>
    public double TimeStep { get; init; } = 1;
    /// <summary>Seed of the initial orthonormal basis (<c>seed</c>).</summary>
    public long Seed { get; init; }
    /// <summary>The spikes' derivative in the Jacobians (<c>spike_derivative</c>, applied by <c>resonance analyze</c>):
    /// <c>exact</c> (default) the map's own, 0 away from the thresholds, as the fixed-point classification uses;
    /// <c>surrogate</c> the smoothed map that training differentiates. Only models with spiking units are affected.</summary>
    public SpikeDerivative SpikeDerivative { get; init; } = SpikeDerivative.Exact;

    /// <summary>Refuses impossible values, naming the key under <paramref name="section"/>.</summary>
    /// <param name="stateSize">The state size when known: <see cref="Exponents"/> may not exceed it.</param>
    /// <param name="section">Prefix of the key names.</param>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate(int? stateSize = null, string section = "analysis.lyapunov")
    {
        if (stateSize is int size) OptionChecks.WholeInRange($"{section}.exponents", Exponents, 1, size, "the state size");
        else OptionChecks.WholeAtLeast($"{section}.exponents", Exponents, 1);
        OptionChecks.WholeAtLeast($"{section}.warmup_steps", WarmupSteps, 0);
        OptionChecks.WholeAtLeast($"{section}.steps", Steps, 1);
        OptionChecks.WholeInRange($"{section}.orthonormalize_every", OrthonormalizeEvery, 1, Math.Max(1, Steps), "steps");
        OptionChecks.Positive($"{section}.time_step", TimeStep);
    }
}
