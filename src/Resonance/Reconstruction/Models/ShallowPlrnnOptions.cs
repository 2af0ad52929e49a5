namespace Resonance.Reconstruction;

/// <summary>The sizes of a <see cref="ShallowPlrnn"/> (the <c>model</c> section of a reconstruction).</summary>
public sealed record ShallowPlrnnOptions
{
    /// <summary>Latent dimensions <c>M</c> (<c>latent_size</c>); with an identity observation at least the data's dimensions.</summary>
    public int LatentSize { get; init; } = 3;
    /// <summary>Hidden ReLU units <c>L</c> (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; init; } = 50;
    /// <summary>Use the clipped nonlinearity <c>relu(W₂z + h₂) − relu(W₂z)</c> (<c>clipped</c>), bounded orbits when <c>‖diag A‖₂ &lt; 1</c>.</summary>
    public bool Clipped { get; init; }

    /// <summary>Refuses impossible values under the default section (what the experiment binder calls).</summary>
    public void Validate() => Validate("model");

    /// <summary>Refuses impossible sizes, naming the key under <paramref name="section"/>.</summary>
    /// <exception cref="UserInputException">A size is below 1.</exception>
    public void Validate(string section)
    {
        OptionChecks.WholeAtLeast($"{section}.latent_size", LatentSize, 1);
        OptionChecks.WholeAtLeast($"{section}.hidden_size", HiddenSize, 1);
    }
}
