using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>One iteration of a <see cref="TemporalAveragingNet"/> as an autonomous map over the concatenated layer activities
/// <c>s = [a₁, ..., a_L]</c> <c>(batch, L·H)</c>, bottom layer first; the input is the presented image <c>(batch, N)</c>.</summary>
/// <remarks>
/// <c>F(s, x) = [a₁', ..., a_L']</c> with <c>aₗ' = H(W_inˡ aₗ₋₁' + bˡ + W_latˡ aₗ + W_fbˡ aₗ₊₁ − θˡ)</c>, <c>a₀' = x</c>; a null input
/// is a blank image (the biases still act). It calls <see cref="TemporalAveragingNet.Iterate"/>, the step the network itself
/// takes. The input is used as given: pass intensities, thresholded pixels or one Bernoulli draw, as the analysis needs.
/// </remarks>
public sealed class TemporalAveragingDynamics(TemporalAveragingNet net) : IRecurrentDynamics
{
    public int StateSize => net.Options.Layers * net.Options.Hidden;
    public int InputSize => net.Pixels;

    /// <summary>Every unit silent: <c>(batch, L·H)</c> zeros.</summary>
    public Tensor InitialState(long batch, Device device) =>
        zeros(batch, StateSize, net.Layers[0].input_weight.dtype, device);

    /// <param name="state"><c>(batch, L·H)</c>.</param>
    /// <param name="input">The presented pixels <c>(batch, N)</c>, or null for a blank image.</param>
    /// <returns>The next state <c>(batch, L·H)</c>, exactly 0/1.</returns>
    public Tensor Step(Tensor state, Tensor? input)
    {
        ShapeChecks.Require(state, nameof(state), -1, StateSize);
        long batch = state.shape[0];
        if (input is not null) ShapeChecks.Require(input, nameof(input), batch, InputSize);
        using var scope = NewDisposeScope();
        Tensor x = input ?? zeros(batch, InputSize, state.dtype, state.device);
        Tensor[] previous = state.split(net.Options.Hidden, 1);                             // L × (B, H)
        Tensor[] next = net.Iterate(net.Layers[0].DriveFromBelow(x), previous);
        return cat(next, 1).MoveToOuterDisposeScope();
    }
}
