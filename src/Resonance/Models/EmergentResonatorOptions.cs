using Resonance.Runtime;

namespace Resonance.Models;

/// <summary>What the <see cref="EmergentResonator"/> classifies from (<c>model.readout</c>).</summary>
public enum ReadoutKind
{
    /// <summary>The top layer's output at the last step (the last reasoning step, or the last input step when there are none).</summary>
    Final,
    /// <summary>The mean of the top layer's outputs over the reasoning steps (<c>Final</c> when there are none).</summary>
    Mean,
    /// <summary>The top layer's spike count over all steps divided by the number of steps (a firing rate per neuron).</summary>
    SpikeCount,
}

/// <summary>One stage of a curriculum over reasoning steps: from <see cref="Epoch"/> (0-based) on, use <see cref="ReasoningSteps"/>.</summary>
public sealed record CurriculumStage
{
    /// <summary>First epoch of the stage, 0-based.</summary>
    public int Epoch { get; init; }
    /// <summary>Reasoning steps during the stage.</summary>
    public int ReasoningSteps { get; init; }
}

/// <summary>Options of the <c>resonator</c> model (<see cref="EmergentResonator"/>), bound from an experiment's <c>model:</c> section.</summary>
/// <example><code>
/// model:
///   type: resonator
///   hidden: 128
///   reasoning_steps: 1
///   curriculum: [{epoch: 0, reasoning_steps: 1}, {epoch: 3, reasoning_steps: 2}]
/// </code></example>
public sealed record EmergentResonatorOptions : IModelSize
{
    /// <summary>Neurons per layer (<c>model.hidden</c>).</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>Stacked PulseTgau layers (<c>model.layers</c>).</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Steps of pure recurrence (no external input) after the sequence (<c>model.reasoning_steps</c>); the
    /// curriculum, when given, overrides it from its first stage on.</summary>
    public int ReasoningSteps { get; init; } = 1;
    /// <summary>Reasoning steps by epoch; null or empty for a fixed <see cref="ReasoningSteps"/>.</summary>
    public IReadOnlyList<CurriculumStage>? Curriculum { get; init; }
    /// <summary>What the linear readout sees.</summary>
    public ReadoutKind Readout { get; init; } = ReadoutKind.Final;
    /// <summary>See <see cref="PulseTgauOptions.InputGate"/>.</summary>
    public bool InputGate { get; init; } = true;
    /// <summary>See <see cref="PulseTgauOptions.LeakGate"/>.</summary>
    public bool LeakGate { get; init; }
    /// <summary>See <see cref="PulseTgauOptions.TrainableNeuron"/>.</summary>
    public bool TrainableNeuron { get; init; } = true;
    /// <summary>See <see cref="PulseTgauOptions.Surrogate"/>.</summary>
    public SurrogateKind Surrogate { get; init; } = SurrogateKind.FastSigmoid;
    /// <summary>See <see cref="PulseTgauOptions.Slope"/>.</summary>
    public double Slope { get; init; } = 4;
    /// <summary>See <see cref="PulseTgauOptions.Reset"/>.</summary>
    public ResetKind Reset { get; init; } = ResetKind.Soft;
    /// <summary>See <see cref="PulseTgauOptions.Refractory"/>.</summary>
    public double Refractory { get; init; }
    /// <summary>See <see cref="PulseTgauOptions.InitialLeak"/>.</summary>
    public double InitialLeak { get; init; } = 0.5;
    /// <summary>See <see cref="PulseTgauOptions.InitialThreshold"/>.</summary>
    public double InitialThreshold { get; init; } = 1;
    /// <summary>See <see cref="PulseTgauOptions.InitialResetScale"/>.</summary>
    public double InitialResetScale { get; init; } = 1;

    /// <summary>The neuron settings of every layer.</summary>
    public PulseTgauOptions Neuron() => new()
    {
        InputGate = InputGate, LeakGate = LeakGate, TrainableNeuron = TrainableNeuron, Surrogate = Surrogate, Slope = Slope, Reset = Reset,
        Refractory = Refractory, InitialLeak = InitialLeak, InitialThreshold = InitialThreshold, InitialResetScale = InitialResetScale,
    };

    /// <summary>Reasoning steps during <paramref name="epoch"/>: the last curriculum stage that has begun, else <see cref="ReasoningSteps"/>.</summary>
    public int ReasoningStepsAt(int epoch) =>
        Curriculum?.LastOrDefault(stage => stage.Epoch <= epoch)?.ReasoningSteps ?? ReasoningSteps;

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        if (Hidden < 1) throw new UserInputException($"model.hidden: expected a positive whole number, got {Hidden}.");
        if (Layers < 1) throw new UserInputException($"model.layers: expected a positive whole number, got {Layers}.");
        if (ReasoningSteps < 0) throw new UserInputException($"model.reasoning_steps: expected a whole number >= 0, got {ReasoningSteps}.");
        SizeCaps.AtMost("model.reasoning_steps", ReasoningSteps, SizeCaps.Steps);
        if (Curriculum is not null)
            for (int i = 0; i < Curriculum.Count; i++)
            {
                var stage = Curriculum[i];
                if (stage.Epoch < 0) throw new UserInputException($"model.curriculum[{i}].epoch: expected a whole number >= 0, got {stage.Epoch}.");
                if (stage.ReasoningSteps < 0) throw new UserInputException($"model.curriculum[{i}].reasoning_steps: expected a whole number >= 0, got {stage.ReasoningSteps}.");
                SizeCaps.AtMost($"model.curriculum[{i}].reasoning_steps", stage.ReasoningSteps, SizeCaps.Steps);
                if (i > 0 && stage.Epoch <= Curriculum[i - 1].Epoch)
                    throw new UserInputException($"model.curriculum[{i}].epoch: stages must start at increasing epochs; {stage.Epoch} follows {Curriculum[i - 1].Epoch}.");
            }
        if (Readout == ReadoutKind.Mean && ReasoningSteps == 0 && Curriculum is not { Count: > 0 })
            throw new UserInputException("model.readout: mean averages over the reasoning steps, but model.reasoning_steps is 0; use final, or reasoning_steps >= 1.");
        Neuron().Validate();
    }

    /// <summary>The most reasoning steps any epoch runs: the largest of <see cref="ReasoningSteps"/> and the curriculum's stages.</summary>
    public int MostReasoningSteps => Math.Max(ReasoningSteps, Curriculum is { Count: > 0 } stages ? stages.Max(stage => stage.ReasoningSteps) : 0);

    /// <summary>Floats each neuron keeps per step for the backward pass (membrane, spikes, gates, surrogate slopes).</summary>
    const int FloatsPerUnitStep = 8;

    /// <summary>Per layer the input, gate and leak weights <c>(hidden, input)</c> and the recurrent weights <c>(hidden, hidden)</c>,
    /// counted as four <c>(hidden, input + hidden)</c> blocks with their neuron parameters; and the readout <c>(output, hidden)</c>.</summary>
    public double Parameters(ModelShape shape)
    {
        double layers = 4.0 * Hidden * (shape.InputSize + Hidden + 2) + (Layers - 1) * 4.0 * Hidden * (2.0 * Hidden + 2);
        return layers + (double)shape.OutputSize * (Hidden + 1);
    }

    /// <summary><c>(steps + reasoning steps) * layers * hidden * 8</c>.</summary>
    public double ActivationFloatsPerExample(ModelShape shape) =>
        ((double)shape.Steps + MostReasoningSteps) * Layers * Hidden * FloatsPerUnitStep;

    /// <summary><c>model.hidden</c>, <c>model.layers</c> and <c>model.reasoning_steps</c> (the curriculum's most, when it has more).</summary>
    public IReadOnlyList<ModelSizeKey> SizeKeys =>
    [
        new("model.hidden", Hidden, 128, 1, value => this with { Hidden = (int)value }),
        new("model.layers", Layers, 1, 1, value => this with { Layers = (int)value }),
        MostReasoningSteps > ReasoningSteps
            ? new("model.curriculum[].reasoning_steps", MostReasoningSteps, 8, 0, value => this with
                { Curriculum = [.. Curriculum!.Select(stage => stage with { ReasoningSteps = Math.Min(stage.ReasoningSteps, (int)value) })] })
            : new("model.reasoning_steps", ReasoningSteps, 8, 0, value => this with { ReasoningSteps = (int)value }),
    ];
}
