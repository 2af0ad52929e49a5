using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// A trainable sequence model: input <c>(batch, steps, InputSize)</c>; output logits <c>(batch, classes)</c>
/// for classification or predictions <c>(batch, steps, outputs)</c> for regression (see <see cref="ModelShape.Task"/>).
/// </summary>
public abstract class SequenceModel : nn.Module<Tensor, Tensor>
{
    protected SequenceModel(string name, ModelShape shape) : base(name) => Shape = shape;

    /// <summary>The shape this model was built for.</summary>
    public ModelShape Shape { get; }

    /// <summary>The model's recurrent core as an autonomous map, or null for a model that has none exposed
    /// (a fused library RNN whose step is not reachable).</summary>
    public abstract IRecurrentDynamics? Dynamics { get; }

    /// <summary>Multiply-adds of one forward pass per sample (for GFLOP/s figures); 0 when unknown.</summary>
    public virtual long ForwardMultiplyAddsPerSample => 0;
}
