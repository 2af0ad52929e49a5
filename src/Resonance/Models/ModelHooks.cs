using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// A model whose settings follow the epoch (a curriculum). The trainer calls <see cref="BeginEpoch"/> before each
/// epoch's first batch, also when it resumes mid-epoch, and before a final evaluation; the settings must be a
/// function of the epoch alone, so a resumed run continues exactly.
/// </summary>
public interface IEpochScheduledModel
{
    /// <summary>Applies the settings of <paramref name="epoch"/> (0-based).</summary>
    /// <returns>The settings now in force, by name (<c>reasoning_steps</c>); the trainer writes them into the epoch's metrics line.</returns>
    IReadOnlyDictionary<string, double> BeginEpoch(int epoch);
}

/// <summary>One per-neuron figure of a model, e.g. <c>layer0/firing_rate</c>: one value per neuron.</summary>
/// <param name="Name">Slash-separated name, used as the TensorBoard tag and the plot's panel title.</param>
/// <param name="Values">One value per neuron.</param>
public sealed record NeuronDiagnostic(string Name, float[] Values)
{
    /// <summary>The mean over neurons.</summary>
    public double Mean => Values.Length == 0 ? double.NaN : Values.Average(v => (double)v);
}

/// <summary>A model that reports per-neuron diagnostics (firing rates, learned neuron parameters). The trainer asks once
/// per epoch, on the first evaluation batch, and writes TensorBoard histograms, means into metrics.jsonl, and a PNG.</summary>
public interface INeuronDiagnostics
{
    /// <summary>Runs <paramref name="input"/> <c>(batch, steps, InputSize)</c> without gradients and returns the figures.</summary>
    IReadOnlyList<NeuronDiagnostic> Diagnose(Tensor input);
}

/// <summary>A model that sets its own training loss (one-hot squared error, say) instead of the trainer's usual one
/// (cross-entropy for classification, mean squared error for regression); the trainer uses it for training and evaluation.</summary>
public interface IModelLoss
{
    /// <summary>The loss of a batch, a scalar.</summary>
    /// <param name="output">The model's output for the batch.</param>
    /// <param name="targets">The batch's targets (labels <c>(batch)</c> for classification).</param>
    Tensor Loss(Tensor output, Tensor targets);
}
