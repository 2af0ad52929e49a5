using Resonance.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>One neuron's silencing: the test accuracy without it and what that costs.</summary>
/// <param name="Layer">Its layer, 0 = bottom.</param>
/// <param name="Neuron">Its index in the layer.</param>
/// <param name="Accuracy">Test accuracy with the neuron silenced (<c>y = s = 0</c>).</param>
/// <param name="Drop">The full model's accuracy minus <paramref name="Accuracy"/> (positive: the neuron helps).</param>
/// <param name="FiringRate">Its spikes per step on the test examples, in the full model.</param>
public sealed record NeuronSilencing(int Layer, int Neuron, double Accuracy, double Drop, double FiringRate);

/// <summary>The Emergent Resonator's ablations on one set of test examples.</summary>
/// <param name="Examples">Test examples every accuracy is measured on.</param>
/// <param name="Full">The trained model's accuracy.</param>
/// <param name="NoSpikes">Accuracy with every spike silenced (<c>s = 0</c>).</param>
/// <param name="FrozenLeak">Accuracy with each layer's leak frozen at its mean over the test examples' input steps.</param>
/// <param name="LeakGate">Whether the model has a leak gate (without one, λ is constant and freezing it changes nothing).</param>
/// <param name="MeanFiringRate">Spikes per neuron and step, over every layer, in the full model.</param>
/// <param name="ByReasoningSteps">Accuracy with the reasoning steps set to 0, 1, ..., in order.</param>
/// <param name="TrainedReasoningSteps">The reasoning steps the model was trained (and is evaluated) with.</param>
/// <param name="Neurons">Every neuron's silencing, the most harmful first.</param>
public sealed record ResonatorAblationResult(long Examples, double Full, double NoSpikes, double FrozenLeak, bool LeakGate, double MeanFiringRate,
    IReadOnlyList<double> ByReasoningSteps, int TrainedReasoningSteps, IReadOnlyList<NeuronSilencing> Neurons);

/// <summary>
/// Ablations of a trained <see cref="EmergentResonator"/>: test accuracy with all spikes silenced, with the leak frozen at
/// its mean, with each neuron silenced in turn (the ones whose loss hurts most are candidate "kick neurons"), and with
/// the reasoning steps set to 0..n. Every variant runs the model's own forward pass with <see cref="PulseTgauAblation"/>
/// switches; nothing in the model is changed, except the reasoning steps, which are restored.
/// </summary>
/// <remarks>
/// The frozen leak of layer <c>l</c> is <c>λ̄ = mean over examples and input steps of σ(leak_raw + W_λ x_t)</c>, where
/// <c>x_t</c> is the layer's input (the sequence for layer 0, the output <c>y</c> of the layer below otherwise) on the
/// test examples; in the reasoning steps the gated leak is <c>σ(leak_raw)</c>, which the freeze replaces too.
/// </remarks>
public static class ResonatorAblations
{
    const int EvaluationBatch = 500;

    /// <summary>Runs every ablation.</summary>
    /// <param name="model">The trained model (left as it was).</param>
    /// <param name="inputs">Test inputs <c>(N, T, F)</c>.</param>
    /// <param name="labels">Their classes <c>(N)</c>.</param>
    /// <param name="maxReasoningSteps">The reasoning-step sweep runs 0 to this.</param>
    /// <param name="progress">Told (done, total) after each neuron.</param>
    /// <param name="stop">Checked between evaluations.</param>
    public static ResonatorAblationResult Run(EmergentResonator model, Tensor inputs, Tensor labels, int maxReasoningSteps,
        Action<int, int>? progress = null, CancellationToken stop = default)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var layers = model.Layers;
        var none = layers.Select(_ => PulseTgauAblation.None).ToArray();
        double full = Accuracy(model, inputs, labels, none);
        double noSpikes = Accuracy(model, inputs, labels, [.. layers.Select(_ => new PulseTgauAblation { SilenceSpikes = true })]);
        var means = MeanLeaks(model, inputs);
        double frozen = Accuracy(model, inputs, labels, [.. means.Select(mean => new PulseTgauAblation { FrozenLeak = mean })]);

        var diagnostics = model.Diagnose(inputs.narrow(0, 0, Math.Min(inputs.shape[0], EvaluationBatch)));
        var rates = Enumerable.Range(0, layers.Count).Select(l => diagnostics.First(d => d.Name == $"layer{l}/firing_rate").Values).ToArray();
        double meanRate = rates.SelectMany(r => r).Average(v => (double)v);

        int trained = model.ReasoningSteps;
        var byReasoning = new List<double>();
        try
        {
            for (int r = 0; r <= maxReasoningSteps; r++)
            {
                stop.ThrowIfCancellationRequested();
                model.ReasoningSteps = r;
                byReasoning.Add(Accuracy(model, inputs, labels, none));
            }
        }
        finally
        {
            model.ReasoningSteps = trained;
        }

        int total = layers.Sum(cell => cell.HiddenSize), done = 0;
        var silencings = new List<NeuronSilencing>(total);
        for (int l = 0; l < layers.Count; l++)
            for (int i = 0; i < layers[l].HiddenSize; i++)
            {
                stop.ThrowIfCancellationRequested();
                using var neuronScope = NewDisposeScope();
                Tensor mask = ones(layers[l].HiddenSize, dtype: inputs.dtype, device: inputs.device);
                mask[i] = 0;
                var ablations = (PulseTgauAblation[])none.Clone();
                ablations[l] = new PulseTgauAblation { NeuronMask = mask };
                double accuracy = Accuracy(model, inputs, labels, ablations);
                silencings.Add(new NeuronSilencing(l, i, accuracy, full - accuracy, rates[l][i]));
                progress?.Invoke(++done, total);
            }
        var ranked = silencings.OrderByDescending(s => s.Drop).ThenBy(s => s.Layer).ThenBy(s => s.Neuron).ToList();
        return new ResonatorAblationResult(inputs.shape[0], full, noSpikes, frozen, layers.Any(cell => cell.weight_leak is not null), meanRate,
            byReasoning, trained, ranked);
    }

    /// <summary>Accuracy of the model under <paramref name="ablations"/> (one per layer), in batches.</summary>
    public static double Accuracy(EmergentResonator model, Tensor inputs, Tensor labels, IReadOnlyList<PulseTgauAblation> ablations)
    {
        using var noGrad = no_grad();
        long correct = 0, count = inputs.shape[0];
        for (long start = 0; start < count; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(EvaluationBatch, count - start);
            Tensor logits = model.Forward(inputs.narrow(0, start, size), ablations);       // (b, C)
            correct += logits.argmax(1).eq(labels.narrow(0, start, size)).sum().ToInt64();
        }
        return (double)correct / count;
    }

    /// <summary>Each layer's mean leak <c>λ̄</c> <c>(H)</c> over the examples' input steps (see the remarks).</summary>
    static Tensor[] MeanLeaks(EmergentResonator model, Tensor inputs)
    {
        var layers = model.Layers;
        Tensor states = Trajectories.Drive(model.Dynamics, inputs.narrow(0, 0, Math.Min(inputs.shape[0], EvaluationBatch)), 0); // (B, T, S)
        var means = new Tensor[layers.Count];
        Tensor below = inputs.narrow(0, 0, states.shape[0]);                               // (B, T, F): layer 0 reads the sequence
        long offset = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            var cell = layers[l];
            means[l] = cell.weight_leak is null
                ? cell.leak_raw.sigmoid().detach().clone()
                : (nn.functional.linear(below, cell.weight_leak) + cell.leak_raw).sigmoid().mean([0, 1]); // (H)
            below = states.narrow(2, offset + cell.HiddenSize, cell.HiddenSize);          // y of this layer: the next one's input
            offset += cell.StateSize;
        }
        return means;
    }
}
