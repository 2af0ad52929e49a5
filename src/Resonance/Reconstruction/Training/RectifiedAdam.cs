using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Rectified Adam (Liu et al. 2020, "On the variance of the adaptive learning rate and beyond"), as PyTorch's
/// <c>torch.optim.RAdam</c> computes it.</summary>
/// <remarks>
/// <code>
/// m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   m̂ = m / (1 − β₁^t)
/// ρ_∞ = 2 / (1 − β₂) − 1,   ρ_t = ρ_∞ − 2 t β₂^t / (1 − β₂^t)
/// ρ_t &gt; 5:  θ ← θ − lr · r_t · m̂ · √(1 − β₂^t) / (√v + ε),   r_t = √((ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t))
/// else:      θ ← θ − lr · m̂
/// </code>
/// Written here because TorchSharp 0.107's <c>optim.RAdam</c> multiplies the rectified update by the learning rate twice
/// (<c>t6 = m̂ · lr</c>, then <c>t6 · lr · …</c>), so it takes steps <c>lr</c> times too small.
/// </remarks>
internal sealed class RectifiedAdam : IDisposable
{
    readonly IReadOnlyList<Parameter> parameters;
    readonly Tensor[] first, second;
    readonly double beta1, beta2, epsilon;
    long step;

    /// <param name="parameters">Trained in place.</param>
    /// <param name="beta1"><c>β₁</c>.</param>
    /// <param name="beta2"><c>β₂</c>.</param>
    /// <param name="epsilon"><c>ε</c>.</param>
    public RectifiedAdam(IReadOnlyList<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        this.parameters = parameters;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        first = [.. parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
        second = [.. parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    /// <param name="lr">The learning rate of this step.</param>
    public void Step(double lr)
    {
        step++;
        double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
        double rhoInfinity = 2 / (1 - beta2) - 1;
        double rho = rhoInfinity - 2 * step * Math.Pow(beta2, step) / correction2;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Scalars held until the step ends: TorchSharp 0.107 does not keep an implicitly converted Scalar alive during the native
        // call, and a collection finalizing it mid-call corrupts the call (NoCollections, docs/building.md).
        using Scalar keep1 = beta1, add1 = 1 - beta1, keep2 = beta2, add2 = 1 - beta2, eps = epsilon, c1 = correction1, plain = -lr;
        double rectification = rho > 5 ? Math.Sqrt((rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho)) : 0;
        using Scalar rectified = -lr * rectification * Math.Sqrt(correction2);
        for (int i = 0; i < parameters.Count; i++)
        {
            Tensor? gradient = parameters[i].grad;
            if (gradient is null) continue;
            first[i].mul_(keep1).add_(gradient, alpha: add1);
            second[i].mul_(keep2).addcmul_(gradient, gradient, value: add2);
            Tensor corrected = first[i].div(c1);                                                        // m̂
            if (rho > 5)
            {
                Tensor denominator = second[i].sqrt().add_(eps);                                        // √v + ε
                parameters[i].addcdiv_(corrected, denominator, value: rectified);
            }
            else parameters[i].add_(corrected, alpha: plain);
        }
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in parameters) parameter.grad?.zero_();
    }

    public void Dispose()
    {
        foreach (var tensor in first.Concat(second)) tensor.Dispose();
    }
}
