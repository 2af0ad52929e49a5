using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>How the gradient passes a binary threshold unit (<c>model.gradient</c>).</summary>
public enum BinaryGradientKind
{
    /// <summary>The derivative of the Heaviside step is replaced by a surrogate from <see cref="SurrogateGradient"/>'s catalogue
    /// (<c>model.surrogate</c>, sharpness <c>model.slope</c>).</summary>
    Surrogate,
    /// <summary>Straight-through (Bengio et al. 2013): the step's derivative is taken to be 1, the identity.</summary>
    StraightThrough,
}

/// <summary>A binary threshold unit: fires 1 where its drive is positive, 0 elsewhere; trained through a surrogate or a
/// straight-through gradient.</summary>
/// <remarks>
/// <code>
/// forward:   a = H(u) = 1 if u &gt; 0 else 0
/// backward:  ∂a/∂u = σ'(u; k)   (surrogate)      or   ∂a/∂u = 1   (straight-through)
/// </code>
/// The straight-through form is <c>a = H(u) + (u − detach(u))</c>: the bracket is exactly zero forwards and passes the
/// gradient unchanged backwards, the same construction as <see cref="SurrogateGradient.Spike"/>.
/// </remarks>
/// <param name="Gradient">Surrogate or straight-through.</param>
/// <param name="Surrogate">The surrogate used when <paramref name="Gradient"/> is <see cref="BinaryGradientKind.Surrogate"/>.</param>
/// <param name="Slope">The surrogate's sharpness <c>k</c>, positive.</param>
public sealed record BinaryUnit(BinaryGradientKind Gradient, SurrogateKind Surrogate, double Slope)
{
    readonly SurrogateGradient surrogate = SurrogateGradient.Of(Surrogate);

    /// <summary>The unit's output for drive <paramref name="drive"/>.</summary>
    /// <param name="drive">Drive minus threshold, <c>u</c>, any shape.</param>
    /// <returns>Exactly 0 or 1, same shape and dtype as <paramref name="drive"/>.</returns>
    public Tensor Fire(Tensor drive) => Gradient == BinaryGradientKind.StraightThrough
        ? drive.sub(drive.detach()).add_(drive.gt(0).to_type(drive.dtype))
        : surrogate.Spike(drive, Slope);
}
