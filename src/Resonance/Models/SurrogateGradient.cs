using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>The surrogate gradients a spiking neuron can use (<c>model.surrogate</c>).</summary>
public enum SurrogateKind
{
    /// <summary>Fast sigmoid (SuperSpike, Zenke and Ganguli 2018): <c>σ'(x) = 1 / (1 + k|x|)²</c>.</summary>
    FastSigmoid,
    /// <summary>Arctangent (Fang et al. 2021): <c>σ'(x) = (k/2) / (1 + (πkx/2)²)</c>.</summary>
    Arctan,
    /// <summary>Triangle (Esser et al. 2016; Bellec et al. 2018): <c>σ'(x) = k · max(0, 1 − k|x|)</c>.</summary>
    Triangle,
}

/// <summary>
/// One surrogate gradient: the spike is the Heaviside step <c>H(x)</c> forwards, and backwards its derivative is
/// replaced by <c>σ'(x)</c>, a smooth bump of width about <c>1/k</c> (k = slope).
/// </summary>
/// <remarks>
/// Implemented without a custom autograd function: with <c>σ</c> an antiderivative of the surrogate,
/// <code>
/// spike(x) = H(x) + (σ(x) − detach(σ(x)))
/// </code>
/// is exactly <c>H(x)</c> forwards (the bracket is exactly zero) and has gradient <c>σ'(x)</c> backwards.
/// </remarks>
/// <param name="Kind">The catalogue key.</param>
/// <param name="Name">The YAML name (<c>fast-sigmoid</c>).</param>
/// <param name="Antiderivative"><c>σ(x, k)</c>, element-wise, differentiable.</param>
/// <param name="Derivative"><c>σ'(x, k)</c> in closed form, for tests and plots.</param>
/// <param name="Reference">The paper that introduced or popularised it.</param>
public sealed record SurrogateGradient(SurrogateKind Kind, string Name, Func<Tensor, double, Tensor> Antiderivative, Func<double, double, double> Derivative, string Reference)
{
    /// <summary>Inside an <see cref="ExactDerivative"/> scope on this thread.</summary>
    [ThreadStatic] static int exactDepth;

    /// <summary>The spike: <c>H(x)</c> forwards, <c>σ'(x)</c> backwards (no gradient inside an <see cref="ExactDerivative"/> scope).</summary>
    /// <param name="x">Membrane potential minus threshold, any shape.</param>
    /// <param name="slope">Sharpness <c>k</c>, positive.</param>
    /// <returns>0/1 values, same shape and dtype as <paramref name="x"/>.</returns>
    public Tensor Spike(Tensor x, double slope)
    {
        if (exactDepth > 0) return x.gt(0).to_type(x.dtype);                 // H(x), derivative 0 away from the threshold
        Tensor smooth = Antiderivative(x, slope);
        Tensor step = x.gt(0).to_type(x.dtype); // H(x), no gradient
        return smooth.sub(smooth.detach()).add_(step);
    }

    /// <summary>The catalogue, one entry per <see cref="SurrogateKind"/>.</summary>
    public static IReadOnlyList<SurrogateGradient> All { get; } =
    [
        // σ(x) = x / (1 + k|x|)
        new(SurrogateKind.FastSigmoid, "fast-sigmoid", (x, k) => x.div(x.abs().mul_(k).add_(1)),
            (x, k) => 1 / ((1 + k * Math.Abs(x)) * (1 + k * Math.Abs(x))), "Zenke and Ganguli 2018, SuperSpike"),
        // σ(x) = arctan(πkx/2) / π
        new(SurrogateKind.Arctan, "arctan", (x, k) => x.mul(Math.PI * k / 2).atan().div_(Math.PI),
            (x, k) => k / 2 / (1 + Math.Pow(Math.PI * k * x / 2, 2)), "Fang et al. 2021, Incorporating learnable membrane time constants"),
        // u = clamp(kx, −1, 1), σ(x) = u − u|u|/2
        new(SurrogateKind.Triangle, "triangle", (x, k) => { Tensor u = x.mul(k).clamp(-1, 1); return u.sub(u.mul(u.abs()).mul_(0.5)); },
            (x, k) => k * Math.Max(0, 1 - k * Math.Abs(x)), "Esser et al. 2016; Bellec et al. 2018"),
    ];

    /// <summary>Until disposed, every spike on this thread passes no gradient: its derivative is the step's own, 0 everywhere
    /// except at the threshold, so autograd gives the map's true Jacobian (almost everywhere) instead of the training
    /// surrogate. Analysis uses it for the Newton steps and the stability of fixed points. Scopes nest.</summary>
    /// <returns>The scope; dispose it on the thread that opened it.</returns>
    public static IDisposable ExactDerivative()
    {
        exactDepth++;
        return new ExactScope();
    }

    sealed class ExactScope : IDisposable
    {
        bool disposed;
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            exactDepth--;
        }
    }

    /// <summary>The entry for <paramref name="kind"/>.</summary>
    public static SurrogateGradient Of(SurrogateKind kind) => All.Single(entry => entry.Kind == kind);
}
