using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>A classifier whose readout can be applied to a flat state of its <see cref="SequenceModel.Dynamics"/>: what the
/// model would answer if its recurrence ended in that state (the class of a fixed point, in analysis).</summary>
public interface IStateReadout
{
    /// <summary>The readout's logits for flat states.</summary>
    /// <param name="state"><c>(batch, StateSize)</c>, laid out as the model's dynamics lay it out.</param>
    /// <returns><c>(batch, classes)</c>.</returns>
    Tensor ReadoutFromState(Tensor state);
}
