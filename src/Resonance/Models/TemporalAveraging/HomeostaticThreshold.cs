using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>The homeostatic threshold rule: each unit's threshold rises when it fires more than the target rate and falls when
/// it fires less, so every layer's firing rate is driven toward the target.</summary>
/// <remarks>
/// After each training forward pass (not a gradient step; an explicit, deterministic running update):
/// <code>
/// rₗ[j] = (1 / (B·T)) Σ_b Σ_t aₗ,ₜ[b, j]        unit j's firing rate over the batch and the iterations
/// θₗ[j] ← θₗ[j] + η (rₗ[j] − ρ*)               η = model.homeostasis_rate, ρ* = model.target_rate
/// </code>
/// With the unit's drive <c>u − θ</c>, a higher threshold makes it fire less, so the rule is a negative feedback on the rate;
/// at a fixed point every unit fires at <c>ρ*</c>. Thresholds start at 0 and are kept with the weights (checkpointed).
/// </remarks>
public static class HomeostaticThreshold
{
    /// <summary>Applies one update in place.</summary>
    /// <param name="threshold"><c>θ</c> <c>(H)</c>, updated in place, outside autograd.</param>
    /// <param name="rate"><c>r</c> <c>(H)</c>: each unit's firing rate in [0, 1].</param>
    /// <param name="learningRate"><c>η</c>, non-negative.</param>
    /// <param name="targetRate"><c>ρ*</c>, in (0, 1).</param>
    public static void Update(Tensor threshold, Tensor rate, double learningRate, double targetRate)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        threshold.add_(rate.detach().sub(targetRate).mul_(learningRate));
    }
}
