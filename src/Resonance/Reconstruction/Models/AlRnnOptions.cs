namespace Resonance.Reconstruction;

/// <summary>The sizes of an <see cref="AlRnn"/> (the <c>model</c> section of a reconstruction).</summary>
public sealed record AlRnnOptions
{
    /// <summary>Latent dimensions <c>M</c> (<c>latent_size</c>).</summary>
    public int LatentSize { get; init; } = 20;
    /// <summary>Piecewise-linear (ReLU) units <c>P</c> (<c>piecewise_linear_units</c>), the last <c>P</c> latent units; between 0 and
    /// <c>M</c> and at most 62 (a region id is a 64-bit pattern). The map has at most <c>2^P</c> linear subregions.</summary>
    public int PiecewiseLinearUnits { get; init; } = 2;

    /// <summary>Refuses impossible values under the default section (what the experiment binder calls).</summary>
    public void Validate() => Validate("model");

    /// <summary>Refuses impossible sizes, naming the key under <paramref name="section"/>.</summary>
    /// <exception cref="UserInputException">A size is out of range.</exception>
    public void Validate(string section)
    {
        OptionChecks.WholeAtLeast($"{section}.latent_size", LatentSize, 1);
        OptionChecks.WholeInRange($"{section}.piecewise_linear_units", PiecewiseLinearUnits, 0, Math.Min(LatentSize, 62), "min(latent_size, 62)");
    }
}
