using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>The non-linearity <c>f</c> of an <see cref="AttractorRnn"/> (YAML <c>network.activation</c>).</summary>
public enum Activation
{
    /// <summary><c>f(u) = tanh(u)</c>, in (-1, 1): the seed's choice.</summary>
    Tanh,
    /// <summary><c>f(u) = max(u, 0)</c>, unbounded above: overlaps above 1 are reachable by growing, so it tends to explode.</summary>
    Relu,
    /// <summary><c>f(u) = u</c>: retention needs an eigenvalue of exactly 1; anything above it explodes.</summary>
    Linear,
    /// <summary><c>f(u) = 1 / (1 + e^-u)</c>, in (0, 1): cannot reach a -1 entry, so overlaps with ±1 memories stay near 1/2.</summary>
    Sigmoid,
}

/// <summary>Applies an <see cref="Activation"/>.</summary>
public static class Activations
{
    /// <summary><c>f(u)</c>, element-wise; any shape.</summary>
    public static Tensor Apply(Activation activation, Tensor u) => activation switch
    {
        Activation.Tanh => u.tanh(),
        Activation.Relu => u.relu(),
        Activation.Linear => u.alias(),
        Activation.Sigmoid => u.sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>Whether the activation is bounded (its nets cannot explode).</summary>
    public static bool IsBounded(Activation activation) => activation is Activation.Tanh or Activation.Sigmoid;
}
