namespace Resonance.Reconstruction;

/// <summary>Options of next-generation reservoir computing (<see cref="NextGenerationReservoir"/>), bound from an experiment's <c>model:</c> section.</summary>
/// <remarks>Defaults are Gauthier et al. 2021's Lorenz-63 settings (Δt = 0.025, k = 2, s = 1, α = 2.5 × 10⁻⁶).</remarks>
/// <example><code>
/// model:
///   type: ngrc
///   delays: 2
///   skip: 1
///   ridge: 2.5e-6
/// </code></example>
public sealed record NextGenerationOptions
{
    /// <summary>Time-delay taps k: the linear features are <c>x_t, x_{t−s}, …, x_{t−(k−1)s}</c> (<c>model.delays</c>).</summary>
    public int Delays { get; init; } = 2;
    /// <summary>Steps s between taps (<c>model.skip</c>).</summary>
    public int Skip { get; init; } = 1;
    /// <summary>Ridge penalty α of the readout, on every weight (<c>model.ridge</c>).</summary>
    public double Ridge { get; init; } = 2.5e-6;
    /// <summary>Whether the features hold the unique quadratic monomials of the linear ones (<c>model.quadratic</c>).</summary>
    public bool Quadratic { get; init; } = true;

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        OptionChecks.WholeInRange("model.delays", Delays, 1, 100);
        OptionChecks.WholeInRange("model.skip", Skip, 1, 10_000);
        OptionChecks.NonNegative("model.ridge", Ridge);
    }
}
