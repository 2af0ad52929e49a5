using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>How pixel intensities are presented to the network at each iteration (<c>model.input</c> while training,
/// <c>model.eval_input</c> while evaluating).</summary>
public enum InputPresentation
{
    /// <summary>Stochastic binary: at every iteration each pixel is 1 with probability equal to its intensity, drawn afresh.</summary>
    Bernoulli,
    /// <summary>Deterministic: the intensity itself, the same at every iteration (the expected value of the Bernoulli draw).</summary>
    Intensity,
    /// <summary>Deterministic binary: 1 where the intensity is above 0.5, else 0, the same at every iteration.</summary>
    Threshold,
}

/// <summary>The stochastic binary input of the temporal-averaging network: intensities become what the first layer sees
/// at each of <c>T</c> iterations.</summary>
/// <remarks>
/// <code>
/// p = clamp(x, 0, 1)                                         intensities (data.normalise: false gives x = pixel / 255)
/// Bernoulli:  xₜ[i] = 1[uₜ[i] &lt; p[i]],  uₜ[i] ~ U[0, 1) i.i.d.   so  E[xₜ[i]] = p[i]
/// Intensity:  xₜ = p
/// Threshold:  xₜ = 1[p &gt; 0.5]
/// </code>
/// The uniform numbers are drawn on the CPU from the given generator and then moved, so one seed gives the same pixels on
/// every device.
/// </remarks>
public static class StochasticInput
{
    /// <summary>The intensities as presented at each of <paramref name="iterations"/> iterations.</summary>
    /// <param name="intensity">Pixel intensities <c>(batch, N)</c>; values outside [0, 1] are clamped.</param>
    /// <param name="iterations">The number of iterations <c>T</c>, positive.</param>
    /// <param name="presentation">Bernoulli, intensity or threshold.</param>
    /// <param name="generator">The stream of the Bernoulli draws (required for <see cref="InputPresentation.Bernoulli"/>; unused otherwise).</param>
    /// <returns><c>(T, batch, N)</c>; for the deterministic presentations an expanded view of one <c>(batch, N)</c> tensor.</returns>
    public static Tensor Present(Tensor intensity, int iterations, InputPresentation presentation, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Tensor p = intensity.clamp(0, 1);                                                    // (B, N)
        long batch = p.shape[0], pixels = p.shape[1];
        switch (presentation)
        {
            case InputPresentation.Bernoulli:
                ArgumentNullException.ThrowIfNull(generator);
                Tensor uniform = rand([iterations, batch, pixels], dtype: p.dtype, generator: generator).to(p.device); // (T, B, N)
                return uniform.lt(p.unsqueeze(0)).to_type(p.dtype);
            case InputPresentation.Threshold:
                return p.gt(0.5).to_type(p.dtype).unsqueeze(0).expand(iterations, batch, pixels);
            default:
                return p.unsqueeze(0).expand(iterations, batch, pixels);
        }
    }

    /// <summary>The generator of the Bernoulli draws of one forward pass: the stream <c>draw</c> under <paramref name="seed"/>.</summary>
    public static Generator Generator(long seed, long draw) => RandomStreams.Generator(unchecked((long)RandomStreams.DeriveNumbered(seed, 0, draw)));
}
