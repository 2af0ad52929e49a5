using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>One layer of binary threshold units of the <see cref="TemporalAveragingNet"/>: its weights from the layer below,
/// from itself (lateral) and, with feedback, from the layer above, and its homeostatic thresholds.</summary>
/// <remarks>
/// <code>
/// uₗ,ₜ = W_inˡ aₗ₋₁,ₜ + bˡ + W_latˡ aₗ,ₜ₋₁ + W_fbˡ aₗ₊₁,ₜ₋₁ − θˡ        aₗ,ₜ = H(uₗ,ₜ)
/// </code>
/// with <c>a₀,ₜ = xₜ</c> the presented input. Weights are drawn from <c>U(−1/√fan, 1/√fan)</c>, <c>fan = below + H + above</c>,
/// each from its own stream named after it; <c>θ</c> is a buffer (not trained by gradient) that starts at 0.
/// </remarks>
public sealed class TemporalAveragingLayer : nn.Module
{
    /// <param name="below">Units (or pixels) of the layer below, positive.</param>
    /// <param name="hidden">Units of this layer, <c>H</c>, positive.</param>
    /// <param name="above">Units of the layer above it reads as feedback; 0 for none.</param>
    /// <param name="seed">Seed of the layer's streams.</param>
    public TemporalAveragingLayer(int below, int hidden, int above, long seed) : base(nameof(TemporalAveragingLayer))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(below, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(above);
        (Below, Hidden, Above) = (below, hidden, above);
        double bound = 1.0 / Math.Sqrt(below + hidden + above);
        input_weight = ParameterInit.Uniform(seed, nameof(input_weight), bound, hidden, below);
        input_bias = ParameterInit.Uniform(seed, nameof(input_bias), bound, hidden);
        lateral_weight = ParameterInit.Uniform(seed, nameof(lateral_weight), bound, hidden, hidden);
        if (above > 0) feedback_weight = ParameterInit.Uniform(seed, nameof(feedback_weight), bound, hidden, above);
        threshold = zeros(hidden);
        RegisterComponents();
    }

    /// <summary>Units (or pixels) below.</summary>
    public int Below { get; }
    /// <summary>Units of this layer.</summary>
    public int Hidden { get; }
    /// <summary>Units of the layer above read as feedback; 0 without feedback.</summary>
    public int Above { get; }

    /// <summary><c>W_in</c> <c>(H, below)</c>.</summary>
    public Parameter input_weight { get; private set { field = value; ConditionallyRegisterParameter(nameof(input_weight), value); } }
    /// <summary><c>b</c> <c>(H)</c>.</summary>
    public Parameter input_bias { get; private set { field = value; ConditionallyRegisterParameter(nameof(input_bias), value); } }
    /// <summary><c>W_lat</c> <c>(H, H)</c>: the layer's own activity of the previous iteration.</summary>
    public Parameter lateral_weight { get; private set { field = value; ConditionallyRegisterParameter(nameof(lateral_weight), value); } }
    /// <summary><c>W_fb</c> <c>(H, above)</c>: the layer above's activity of the previous iteration; null without feedback.</summary>
    public Parameter? feedback_weight { get; private set { field = value; ConditionallyRegisterParameter(nameof(feedback_weight), value); } }

    /// <summary><c>θ</c> <c>(H)</c>: the homeostatic thresholds (a buffer, saved with the weights).</summary>
    public readonly Tensor threshold;

    /// <summary>Multiply-adds of one iteration per sample.</summary>
    public long MultiplyAddsPerIteration => (long)Hidden * (Below + Hidden + Above);

    /// <summary><c>W_in a + b</c>.</summary>
    /// <param name="below">The layer below's activity (or the presented input), <c>(..., below)</c>: one iteration
    /// <c>(batch, below)</c> or all at once <c>(T, batch, below)</c>.</param>
    /// <returns><c>(..., H)</c>.</returns>
    public Tensor DriveFromBelow(Tensor below) => nn.functional.linear(below, input_weight, input_bias);

    /// <summary>The drive minus threshold, <c>u = fromBelow + W_lat own + W_fb above − θ</c>.</summary>
    /// <param name="fromBelow"><see cref="DriveFromBelow"/> for this iteration, <c>(batch, H)</c>.</param>
    /// <param name="own">This layer's activity of the previous iteration, <c>(batch, H)</c>.</param>
    /// <param name="above">The layer above's activity of the previous iteration <c>(batch, above)</c>; ignored without feedback.</param>
    /// <returns><c>(batch, H)</c>.</returns>
    public Tensor Drive(Tensor fromBelow, Tensor own, Tensor? above)
    {
        Tensor u = fromBelow.addmm(own, lateral_weight.t());                            // (B, H)
        if (feedback_weight is not null && above is not null) u = u.addmm(above, feedback_weight.t());
        return u.sub(threshold);
    }
}
