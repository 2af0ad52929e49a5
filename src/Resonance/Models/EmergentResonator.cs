using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// The Emergent Resonator (from its original README): stacked <see cref="PulseTgauCell"/> layers read the sequence through an input gate
/// that sees only the input, then run <see cref="ReasoningSteps"/> steps of pure recurrence, and a linear readout
/// classifies from the final state.
/// </summary>
/// <remarks>
/// <code>
/// perception, t = 1..T:        (y¹_t, z¹_t) = cell¹(x_t, z¹_{t-1}),  (yˡ_t, zˡ_t) = cellˡ(yˡ⁻¹_t, zˡ_{t-1})
/// reasoning,  t = T+1..T+R:    the same with x_t = 0 (no external input; the drive bias b still acts, gated by σ(b_g))
/// readout final:       logits = W_out yᴸ_{T+R} + b_out
/// readout mean:        logits = W_out (1/R) Σ_{t>T} yᴸ_t + b_out
/// readout spike_count: logits = W_out (1/(T+R)) Σ_t sᴸ_t + b_out
/// </code>
/// The reasoning step is the autonomous map of <see cref="Dynamics"/> (input null), so analysis sees exactly the
/// recurrence the model reasons with. Each layer reads the sequence in <see cref="BlockProjectedLayer"/>: inputs are
/// projected <see cref="StepsPerProjection"/> steps at a time in one product (input drive and gate together); the
/// neuron constants <c>λ, θ, κθ, ρ</c> are computed once per forward, so a step costs one <c>(H, H)</c> product and
/// element-wise arithmetic. With a curriculum
/// (<see cref="EmergentResonatorOptions.Curriculum"/>) the trainer sets the reasoning steps each epoch through
/// <see cref="IEpochScheduledModel.BeginEpoch"/>. For regression (sequence to sequence) the readout is applied to the
/// top layer's output at every input step, <c>(batch, steps, outputs)</c>, and no reasoning steps are run.
/// </remarks>
public sealed class EmergentResonator : SequenceModel, IEpochScheduledModel, INeuronDiagnostics, IStateReadout
{
    readonly ModuleList<PulseTgauCell> layers;
    readonly Linear readout;

    /// <summary>Builds the model; layer <c>l</c>'s cell gets the seed <c>Derive(seed, "layers.l")</c>, the readout <c>Derive(seed, "readout")</c>.</summary>
    /// <param name="options">Validated here.</param>
    /// <param name="shape">What the data fixes.</param>
    /// <param name="seed">Seed of the model's random streams.</param>
    /// <exception cref="UserInputException">Invalid options.</exception>
    public EmergentResonator(EmergentResonatorOptions options, ModelShape shape, long seed) : base(nameof(EmergentResonator), shape)
    {
        options.Validate();
        Options = options;
        var neuron = options.Neuron();
        var cells = new PulseTgauCell[options.Layers];
        for (int l = 0; l < cells.Length; l++)
            cells[l] = new PulseTgauCell(l == 0 ? shape.InputSize : options.Hidden, options.Hidden, RandomStreams.Derive(seed, $"layers.{l}"), neuron);
        layers = new ModuleList<PulseTgauCell>(cells);
        readout = nn.Linear(options.Hidden, shape.OutputSize);
        ParameterInit.UniformAll(readout, 1.0 / Math.Sqrt(options.Hidden), RandomStreams.Derive(seed, nameof(readout)));
        Dynamics = new StackedCellDynamics<PulseTgauCell, PulseTgauState>(cells, shape.InputSize);
        ReasoningSteps = options.ReasoningStepsAt(0);
        RegisterComponents();
    }

    /// <summary>The options the model was built with.</summary>
    public EmergentResonatorOptions Options { get; }

    /// <summary>Steps of pure recurrence after the sequence; set by the curriculum each epoch, or by hand.</summary>
    public int ReasoningSteps
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>The layers, bottom first.</summary>
    public IReadOnlyList<PulseTgauCell> Layers => [.. layers];

    /// <summary>The stacked cells as one map over <c>[v¹, y¹, s¹, v², ...]</c>; with input null it is the reasoning step.</summary>
    public override IRecurrentDynamics Dynamics { get; }

    /// <summary>Per sample: every layer's multiply-adds for the <c>T + R</c> steps, plus the readout.</summary>
    public override long ForwardMultiplyAddsPerSample =>
        layers.Sum(cell => cell.MultiplyAddsPerStep) * (Shape.Steps + ReasoningSteps) + (long)Options.Hidden * Shape.OutputSize;

    /// <summary>Steps whose inputs are projected in one product (<see cref="BlockProjectedLayer.StepsPerProjection"/>).</summary>
    public const int StepsPerProjection = BlockProjectedLayer.StepsPerProjection;

    public IReadOnlyDictionary<string, double> BeginEpoch(int epoch)
    {
        ReasoningSteps = Options.ReasoningStepsAt(epoch);
        return new Dictionary<string, double> { ["reasoning_steps"] = ReasoningSteps };
    }

    /// <summary>Runs the sequence, then the reasoning steps, then the readout.</summary>
    /// <param name="input"><c>(batch, steps, InputSize)</c>.</param>
    /// <returns>Logits <c>(batch, classes)</c>; for regression, predictions <c>(batch, steps, outputs)</c>.</returns>
    public override Tensor forward(Tensor input) => Run(input, null, null);

    /// <summary>Runs the model with parts of its neurons taken out (ablation): the same pass as <see cref="forward"/>, with
    /// each layer's cell stepping under its own switches.</summary>
    /// <param name="input"><c>(batch, steps, InputSize)</c>.</param>
    /// <param name="ablations">One per layer, bottom first (<see cref="PulseTgauAblation.None"/> leaves a layer as trained).</param>
    /// <returns>As <see cref="forward"/>.</returns>
    /// <exception cref="ArgumentException">Not one ablation per layer.</exception>
    public Tensor Forward(Tensor input, IReadOnlyList<PulseTgauAblation> ablations)
    {
        if (ablations.Count != layers.Count)
            throw new ArgumentException($"expected one ablation per layer ({layers.Count}), got {ablations.Count}", nameof(ablations));
        return Run(input, null, ablations);
    }

    /// <summary>The readout applied to a flat state <c>[v¹, y¹, s¹, ...]</c> <c>(batch, StateSize)</c>: the top layer's
    /// <c>y</c> (readouts <c>final</c> and <c>mean</c>: at a fixed point the mean over reasoning steps is <c>y</c> itself) or
    /// its <c>s</c> (readout <c>spike_count</c>: at a fixed point the spike rate is <c>s</c>). Returns logits <c>(batch, classes)</c>.</summary>
    public Tensor ReadoutFromState(Tensor state)
    {
        ShapeChecks.Require(state, nameof(state), -1, Dynamics.StateSize);
        int hidden = Options.Hidden;
        long top = Dynamics.StateSize - 3L * hidden;                                     // offset of [v, y, s] of the top layer
        Tensor features = state.narrow(1, top + (Options.Readout == ReadoutKind.SpikeCount ? 2 : 1) * hidden, hidden); // (batch, H)
        return readout.call(features);
    }

    /// <summary>Per layer: firing rate (spikes per step, over the batch and all <c>T + R</c> steps), and the learned
    /// leak <c>λ</c>, threshold <c>θ</c>, reset scale <c>κ</c> (soft reset) and refractory strength <c>ρ</c> (when present).</summary>
    /// <param name="input"><c>(batch, steps, InputSize)</c>.</param>
    public IReadOnlyList<NeuronDiagnostic> Diagnose(Tensor input)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var spikeSums = new Tensor[layers.Count];
        Run(input, spikeSums, null);
        double perNeuron = input.shape[0] * (double)(input.shape[1] + ReasoningSteps);
        var figures = new List<NeuronDiagnostic>();
        for (int l = 0; l < layers.Count; l++)
        {
            var cell = layers[l];
            string prefix = $"layer{l}/";
            figures.Add(new(prefix + "firing_rate", Floats(spikeSums[l].sum(0L).div_(perNeuron))));
            var neurons = cell.Neurons();
            figures.Add(new(prefix + "threshold", Floats(neurons.Threshold)));
            figures.Add(new(prefix + "leak", Floats(neurons.Leak)));
            if (cell.reset_scale_raw is not null) figures.Add(new(prefix + "reset_scale", Floats(nn.functional.softplus(cell.reset_scale_raw))));
            if (neurons.Refractory is not null) figures.Add(new(prefix + "refractory", Floats(neurons.Refractory)));
        }
        return figures;
    }

    static float[] Floats(Tensor values) => values.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray();

    /// <summary>The forward pass; when <paramref name="spikeSums"/> is given, each layer's spikes summed over steps, <c>(batch, H)</c>, are stored in it.
    /// <paramref name="ablations"/> (one per layer, or null for none) switch parts of the neurons off.</summary>
    Tensor Run(Tensor input, Tensor[]? spikeSums, IReadOnlyList<PulseTgauAblation>? ablations)
    {
        ShapeChecks.Require(input, nameof(input), -1, -1, Shape.InputSize);
        using var scope = NewDisposeScope();
        long batch = input.shape[0];
        int top = layers.Count - 1;
        bool countTopSpikes = Options.Readout == ReadoutKind.SpikeCount;
        bool regression = Shape.Task == TaskKind.Regression;
        var neurons = layers.Select((cell, l) => cell.Neurons(ablations?[l])).ToArray();
        var states = new PulseTgauState[layers.Count];
        var counts = new Tensor?[layers.Count];
        Tensor sequence = input.transpose(0, 1); // (T, B, F)
        Tensor output = null!;
        for (int l = 0; l < layers.Count; l++)
        {
            bool countSpikes = spikeSums is not null || (countTopSpikes && l == top);
            var (cell, cellNeurons) = (layers[l], neurons[l]);
            var layer = BlockProjectedLayer.Run(cell, sequence, keepSequence: l < top || regression,
                step: (projected, state) => cell.Step(projected, state, cellNeurons),
                sum: countSpikes ? zeros(batch, cell.HiddenSize, sequence.dtype, sequence.device) : null, summand: state => state.S);
            (states[l], counts[l]) = (layer.State, layer.Sum);
            output = states[l].Y;
            if (layer.Outputs is not null) sequence = layer.Outputs; // (T, B, H)
        }
        if (regression) return readout.call(sequence).transpose(0, 1).MoveToOuterDisposeScope(); // (T, B, O) -> (B, T, O)

        Tensor? reasoningSum = null;
        if (ReasoningSteps > 0)
        {
            using var noInput = zeros(batch, Shape.InputSize, input.dtype, input.device);
            Tensor zeroDrive = layers[0].ProjectInput(noInput); // (B, G): the same every reasoning step
            for (int r = 0; r < ReasoningSteps; r++)
            {
                using var stepScope = NewDisposeScope();
                Tensor below = null!;
                for (int l = 0; l < layers.Count; l++)
                {
                    Tensor drive = l == 0 ? zeroDrive : layers[l].ProjectInput(below);
                    (below, states[l]) = layers[l].Step(drive, states[l], neurons[l]);
                    if (counts[l] is not null) counts[l] = counts[l]!.add(states[l].S);
                }
                output = below;
                if (Options.Readout == ReadoutKind.Mean) reasoningSum = reasoningSum is null ? output : reasoningSum.add(output);
                foreach (var state in states) stepScope.MoveToOuter(state.Parts());
                stepScope.MoveToOuter(counts.OfType<Tensor>());
                if (reasoningSum is not null) stepScope.MoveToOuter(reasoningSum);
            }
        }

        if (spikeSums is not null)
            for (int l = 0; l < layers.Count; l++) spikeSums[l] = counts[l]!.MoveToOuterDisposeScope();
        Tensor features = Options.Readout switch
        {
            ReadoutKind.Mean when reasoningSum is not null => reasoningSum.div(ReasoningSteps),
            ReadoutKind.SpikeCount => counts[top]!.div(Shape.Steps + ReasoningSteps),
            _ => output,
        };
        return readout.call(features).MoveToOuterDisposeScope();
    }
}
