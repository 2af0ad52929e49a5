using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>How a <see cref="PulseTgauCell"/> resets its membrane after a spike (<c>model.reset</c>).</summary>
public enum ResetKind
{
    /// <summary>Subtract: <c>v⁺ = v − κ ⊙ θ ⊙ s</c> (the charge above threshold is kept).</summary>
    Soft,
    /// <summary>To zero: <c>v⁺ = v ⊙ (1 − s)</c> (the reset scale is not used).</summary>
    Hard,
}

/// <summary>The neuron settings of a <see cref="PulseTgauCell"/>.</summary>
public sealed record PulseTgauOptions
{
    /// <summary>Gate the input drive with <c>g = σ(W_g x + b_g)</c>, a function of the input alone.</summary>
    public bool InputGate { get; init; } = true;
    /// <summary>Make the leak a function of the current input, <c>λ_t = σ(leak_raw + W_λ x_t)</c>, and blend: <c>v_t = λ_t ⊙ v⁺ + (1 − λ_t) ⊙ (W_rec y + u_t)</c>
    /// (an input-driven leak: the input alone decides how much of the membrane is kept, as the input gate decides how much drive enters).</summary>
    public bool LeakGate { get; init; }
    /// <summary>Learn leak, threshold, reset scale (and refractory strength) per neuron (intrinsic plasticity); false keeps their initial values.</summary>
    public bool TrainableNeuron { get; init; } = true;
    /// <summary>The surrogate gradient of the spike.</summary>
    public SurrogateKind Surrogate { get; init; } = SurrogateKind.FastSigmoid;
    /// <summary>Its sharpness <c>k</c> (per unit of membrane potential), positive.</summary>
    public double Slope { get; init; } = 4;
    /// <summary>Soft or hard reset.</summary>
    public ResetKind Reset { get; init; } = ResetKind.Soft;
    /// <summary>Initial refractory strength <c>ρ</c> (membrane units subtracted the step after a spike); 0 leaves the term out.</summary>
    public double Refractory { get; init; }
    /// <summary>Initial leak <c>λ</c>, in (0, 1): the fraction of the membrane potential kept per step.</summary>
    public double InitialLeak { get; init; } = 0.5;
    /// <summary>Initial firing threshold <c>θ</c>, positive.</summary>
    public double InitialThreshold { get; init; } = 1;
    /// <summary>Initial reset scale <c>κ</c>, positive (soft reset subtracts <c>κθ</c>).</summary>
    public double InitialResetScale { get; init; } = 1;

    /// <summary>Refuses impossible values; <paramref name="section"/> prefixes the key names (<c>model</c>).</summary>
    public void Validate(string section = "model")
    {
        if (!(Slope > 0) || double.IsInfinity(Slope)) throw new UserInputException($"{section}.slope: expected a number > 0, got {Slope}");
        if (!(Refractory >= 0) || double.IsInfinity(Refractory)) throw new UserInputException($"{section}.refractory: expected a number >= 0 (0 = none), got {Refractory}");
        if (!(InitialLeak > 0 && InitialLeak < 1)) throw new UserInputException($"{section}.initial_leak: expected a number in (0, 1), got {InitialLeak}");
        if (!(InitialThreshold > 0) || double.IsInfinity(InitialThreshold)) throw new UserInputException($"{section}.initial_threshold: expected a number > 0, got {InitialThreshold}");
        if (!(InitialResetScale > 0) || double.IsInfinity(InitialResetScale)) throw new UserInputException($"{section}.initial_reset_scale: expected a number > 0, got {InitialResetScale}");
    }
}

/// <summary>The state of a <see cref="PulseTgauCell"/>.</summary>
/// <param name="V">Membrane potential after reset, <c>(batch, hidden)</c>.</param>
/// <param name="Y">Output (graded activation plus pulse), fed back through <c>W_rec</c>, <c>(batch, hidden)</c>.</param>
/// <param name="S">Spikes of the step, 0 or 1, <c>(batch, hidden)</c>.</param>
public sealed record PulseTgauState(Tensor V, Tensor Y, Tensor S) : IRecurrentState
{
    /// <summary><c>[V, Y, S]</c>, the flat-state order.</summary>
    public IReadOnlyList<Tensor> Parts() => [V, Y, S];
}

/// <summary>A <see cref="PulseTgauCell"/>'s per-neuron constants for one forward pass, derived once from the raw parameters.</summary>
/// <param name="Leak"><c>λ = σ(leak_raw)</c>, <c>(hidden)</c>.</param>
/// <param name="Threshold"><c>θ = softplus(threshold_raw)</c>, <c>(hidden)</c>.</param>
/// <param name="ResetAmount"><c>κ ⊙ θ</c> with <c>κ = softplus(reset_scale_raw)</c> for soft reset; null for hard reset.</param>
/// <param name="Refractory"><c>ρ = softplus(refractory_raw)</c>, or null when the cell has no refractory term.</param>
/// <param name="LeakLogit"><c>leak_raw</c> itself, <c>(hidden)</c> (the leak gate adds the input's part to it).</param>
/// <param name="Ablation">What is taken out of the step (<see cref="PulseTgauAblation.None"/> for the trained cell).</param>
public sealed record PulseTgauNeurons(Tensor Leak, Tensor Threshold, Tensor? ResetAmount, Tensor? Refractory, Tensor LeakLogit, PulseTgauAblation Ablation);

/// <summary>
/// One step of the PulseTgau neuron of the Emergent Resonator (from its original README): a leaky membrane with a trainable leak,
/// firing threshold and reset scale per neuron, a spike with a surrogate gradient, and a graded output.
/// </summary>
/// <remarks>
/// <code>
/// u_t  = g_t ⊙ (W_in x_t + b),   g_t = σ(W_g x_t + b_g)        input drive; the gate sees the input only
/// v_t  = λ ⊙ v⁺_{t-1} + W_rec y_{t-1} + u_t − ρ ⊙ s_{t-1}       additive membrane update (ρ term optional)
/// s_t  = H(v_t − θ)                                              spike; backwards H' := σ'_k (surrogate)
/// y_t  = tanh(v_t) + s_t                                         output: graded activation plus pulse
/// v⁺_t = v_t − κ ⊙ θ ⊙ s_t       (soft reset)
/// v⁺_t = v_t ⊙ (1 − s_t)         (hard reset)
/// λ = σ(leak_raw),  θ = softplus(threshold_raw),  κ = softplus(reset_scale_raw),  ρ = softplus(refractory_raw)
/// </code>
/// Without the input gate <c>u_t = W_in x_t + b</c>. With the leak gate (<see cref="PulseTgauOptions.LeakGate"/>) the leak also
/// depends on the current input alone and the update is a blend:
/// <code>
/// λ_t = σ(leak_raw + W_λ x_t)
/// v_t = λ_t ⊙ v⁺_{t-1} + (1 − λ_t) ⊙ (W_rec y_{t-1} + u_t) − ρ ⊙ s_{t-1}
/// </code>
/// (with <c>W_λ = 0</c> this is the plain cell with its drive scaled by <c>1 − λ</c>; with no input, in the reasoning steps, <c>λ_t = λ</c>). The leak, threshold, reset scale and refractory strength are
/// per neuron (<c>(H)</c>) and trainable (intrinsic plasticity) unless <see cref="PulseTgauOptions.TrainableNeuron"/>
/// is false; they start at the options' initial values, the same for every neuron.
/// <para>Why a graded output: a purely binary <c>s</c> carries one bit per neuron and step, and its gradient exists
/// only through the surrogate, so errors reach earlier steps only where a neuron is near threshold; such networks
/// train slowly on sequential MNIST. <c>tanh(v)</c> keeps a dense signal and gradient through every step (a
/// threshold-gated activation unit: the threshold decides the pulse and the reset, the membrane the graded part),
/// and the pulse adds the discrete event the reset and the spike-count readout use.</para>
/// <para>Weights are drawn as PyTorch's recurrent cells draw them, <c>U(-1/√H, 1/√H)</c>, each from its own stream.
/// The input share (<see cref="ProjectInput"/>) holds no state, so a sequence model computes it for many steps in
/// one product; the per-step work is one recurrent product <c>(H, H)</c> and element-wise arithmetic.
/// The flat state is <c>[v⁺, y, s]</c>, <c>(batch, 3H)</c>.</para>
/// <para>For ablations, <see cref="Neurons(PulseTgauAblation?)"/> takes explicit switches (spikes silenced, the leak frozen,
/// neurons silenced; see <see cref="PulseTgauAblation"/>) that <see cref="Step"/> then applies.</para>
/// </remarks>
public sealed class PulseTgauCell : nn.Module<Tensor, PulseTgauState?, (Tensor Output, PulseTgauState State)>, IRecurrentCell<PulseTgauState>
{
    /// <summary>Input drive weights <c>W_in</c>, <c>(H, F)</c>.</summary>
    [field: ComponentName(Name = nameof(weight_ih))]
    public Parameter weight_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_ih), value); } }
    /// <summary>Input drive bias <c>b</c>, <c>(H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_ih))]
    public Parameter bias_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_ih), value); } }
    /// <summary>Gate weights <c>W_g</c>, <c>(H, F)</c>; null without the input gate.</summary>
    [field: ComponentName(Name = nameof(weight_gate))]
    public Parameter? weight_gate { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_gate), value); } }
    /// <summary>Gate bias <c>b_g</c>, <c>(H)</c>; null without the input gate.</summary>
    [field: ComponentName(Name = nameof(bias_gate))]
    public Parameter? bias_gate { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_gate), value); } }
    /// <summary>Leak gate weights <c>W_λ</c>, <c>(H, F)</c>; null without the leak gate.</summary>
    [field: ComponentName(Name = nameof(weight_leak))]
    public Parameter? weight_leak { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_leak), value); } }
    /// <summary>Recurrent weights <c>W_rec</c>, <c>(H, H)</c>.</summary>
    [field: ComponentName(Name = nameof(weight_hh))]
    public Parameter weight_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_hh), value); } }
    /// <summary><c>leak_raw</c>, <c>(H)</c>; <c>λ = σ(leak_raw)</c>.</summary>
    [field: ComponentName(Name = nameof(leak_raw))]
    public Parameter leak_raw { get; private set { field = value; ConditionallyRegisterParameter(nameof(leak_raw), value); } }
    /// <summary><c>threshold_raw</c>, <c>(H)</c>; <c>θ = softplus(threshold_raw)</c>.</summary>
    [field: ComponentName(Name = nameof(threshold_raw))]
    public Parameter threshold_raw { get; private set { field = value; ConditionallyRegisterParameter(nameof(threshold_raw), value); } }
    /// <summary><c>reset_scale_raw</c>, <c>(H)</c>; <c>κ = softplus(reset_scale_raw)</c>; null for hard reset.</summary>
    [field: ComponentName(Name = nameof(reset_scale_raw))]
    public Parameter? reset_scale_raw { get; private set { field = value; ConditionallyRegisterParameter(nameof(reset_scale_raw), value); } }
    /// <summary><c>refractory_raw</c>, <c>(H)</c>; <c>ρ = softplus(refractory_raw)</c>; null without a refractory term.</summary>
    [field: ComponentName(Name = nameof(refractory_raw))]
    public Parameter? refractory_raw { get; private set { field = value; ConditionallyRegisterParameter(nameof(refractory_raw), value); } }

    readonly SurrogateGradient surrogate;

    /// <summary>Builds the cell with weights drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="inputSize">Input features per step, <c>F</c>, positive.</param>
    /// <param name="hiddenSize">Neurons, <c>H</c>, positive.</param>
    /// <param name="seed">Seed of the cell's random streams (one per weight, named after it).</param>
    /// <param name="options">Neuron settings (validated here); null for the defaults.</param>
    public PulseTgauCell(int inputSize, int hiddenSize, long seed, PulseTgauOptions? options = null) : base(nameof(PulseTgauCell))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        Options = options ?? new PulseTgauOptions();
        Options.Validate();
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        surrogate = SurrogateGradient.Of(Options.Surrogate);
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        weight_ih = ParameterInit.Uniform(seed, nameof(weight_ih), bound, hiddenSize, inputSize);
        bias_ih = ParameterInit.Uniform(seed, nameof(bias_ih), bound, hiddenSize);
        if (Options.InputGate)
        {
            weight_gate = ParameterInit.Uniform(seed, nameof(weight_gate), bound, hiddenSize, inputSize);
            bias_gate = ParameterInit.Uniform(seed, nameof(bias_gate), bound, hiddenSize);
        }
        if (Options.LeakGate) weight_leak = ParameterInit.Uniform(seed, nameof(weight_leak), bound, hiddenSize, inputSize);
        weight_hh = ParameterInit.Uniform(seed, nameof(weight_hh), bound, hiddenSize, hiddenSize);
        bool trainable = Options.TrainableNeuron;
        leak_raw = Constant(Math.Log(Options.InitialLeak / (1 - Options.InitialLeak)), trainable); // σ⁻¹(λ₀)
        threshold_raw = Constant(InverseSoftplus(Options.InitialThreshold), trainable);
        if (Options.Reset == ResetKind.Soft)
            reset_scale_raw = Constant(InverseSoftplus(Options.InitialResetScale), trainable);
        if (Options.Refractory > 0)
            refractory_raw = Constant(InverseSoftplus(Options.Refractory), trainable);
        RegisterComponents();
    }

    /// <summary>The neuron settings the cell was built with.</summary>
    public PulseTgauOptions Options { get; }

    public int InputSize { get; }
    public int HiddenSize { get; }
    /// <summary><c>H</c>: the drive <c>u</c>; <c>2H</c> with the leak gate: <c>[u, W_λ x]</c>.</summary>
    public int ProjectedInputSize => Options.LeakGate ? 2 * HiddenSize : HiddenSize;
    public int StateSize => 3 * HiddenSize;
    public long MultiplyAddsPerStep => (long)InputSize * ((Options.InputGate ? 2 : 1) + (Options.LeakGate ? 1 : 0)) * HiddenSize + (long)HiddenSize * HiddenSize;

    /// <summary>One step.</summary>
    /// <param name="input"><c>(batch, F)</c>.</param>
    /// <param name="state">Previous state (each part <c>(batch, H)</c>), or null for zeros.</param>
    /// <returns><c>y</c> <c>(batch, H)</c> and the state <c>(v⁺, y, s)</c>.</returns>
    public override (Tensor Output, PulseTgauState State) forward(Tensor input, PulseTgauState? state)
    {
        ShapeChecks.Require(input, nameof(input), -1, InputSize);
        if (state is not null)
            foreach (var (part, name) in state.Parts().Zip(new[] { "state.V", "state.Y", "state.S" }))
                ShapeChecks.Require(part, name, input.shape[0], HiddenSize);
        return StepProjected(ProjectInput(input), state);
    }

    /// <summary>The input gate <c>g = σ(W_g x + b_g)</c>: a function of the input alone.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., H)</c>; ones when the cell has no input gate.</returns>
    public Tensor Gate(Tensor input) =>
        weight_gate is null ? ones([.. input.shape[..^1], HiddenSize], input.dtype, input.device)
            : nn.functional.linear(input, weight_gate, bias_gate).sigmoid();

    /// <summary>The input share of a step, for any number of leading dimensions: the drive <c>u = g ⊙ (W_in x + b)</c>, and with the
    /// leak gate also the leak logits' input part <c>W_λ x</c> after it.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., H)</c>, or <c>(..., 2H)</c> <c>[u, W_λ x]</c> with the leak gate.</returns>
    public Tensor ProjectInput(Tensor input)
    {
        if (weight_gate is null && weight_leak is null) return nn.functional.linear(input, weight_ih, bias_ih);
        using var scope = NewDisposeScope();
        var weights = new List<Tensor> { weight_ih };
        var biases = new List<Tensor> { bias_ih };
        if (weight_gate is not null) { weights.Add(weight_gate); biases.Add(bias_gate!); }
        if (weight_leak is not null) { weights.Add(weight_leak); biases.Add(zeros_like(bias_ih)); }
        Tensor[] parts = nn.functional.linear(input, cat(weights, 0), cat(biases, 0)).chunk(weights.Count, -1); // each (..., H)
        Tensor drive = weight_gate is null ? parts[0] : parts[1].sigmoid() * parts[0];
        return (weight_leak is null ? drive : cat([drive, parts[^1]], -1)).MoveToOuterDisposeScope();
    }

    /// <summary>The per-neuron constants <c>λ, θ, κθ, ρ</c> from the raw parameters (once per sequence).</summary>
    /// <param name="ablation">What to take out of every step (see <see cref="PulseTgauAblation"/>); null for nothing.</param>
    /// <exception cref="ArgumentException">A frozen leak or neuron mask is not shaped <c>(H)</c>.</exception>
    public PulseTgauNeurons Neurons(PulseTgauAblation? ablation = null)
    {
        ablation ??= PulseTgauAblation.None;
        if (ablation.FrozenLeak is { } frozen) ShapeChecks.Require(frozen, "ablation.FrozenLeak", HiddenSize);
        if (ablation.NeuronMask is { } mask) ShapeChecks.Require(mask, "ablation.NeuronMask", HiddenSize);
        Tensor threshold = nn.functional.softplus(threshold_raw);
        return new(leak_raw.sigmoid(), threshold,
            reset_scale_raw is null ? null : nn.functional.softplus(reset_scale_raw) * threshold,
            refractory_raw is null ? null : nn.functional.softplus(refractory_raw), leak_raw, ablation);
    }

    public (Tensor Output, PulseTgauState State) StepProjected(Tensor projectedInput, PulseTgauState? state)
    {
        using var scope = NewDisposeScope();
        var (output, next) = Step(projectedInput, state, Neurons());
        scope.MoveToOuter(next.Parts());
        return (output, next);
    }

    /// <summary>One step from an already projected input, with the neuron constants computed once by the caller.</summary>
    /// <param name="projectedInput"><c>u_t</c>, <c>(batch, H)</c>, from <see cref="ProjectInput"/>.</param>
    /// <param name="state">The previous state, or null for zeros.</param>
    /// <param name="neurons">From <see cref="Neurons"/>.</param>
    /// <returns><c>y_t</c> <c>(batch, H)</c> and the state <c>(v⁺_t, y_t, s_t)</c>.</returns>
    public (Tensor Output, PulseTgauState State) Step(Tensor projectedInput, PulseTgauState? state, PulseTgauNeurons neurons)
    {
        state ??= InitialState(projectedInput.shape[0]);
        var ablation = neurons.Ablation;
        Tensor v;
        if (weight_leak is null)
            v = projectedInput.addmm(state.Y, weight_hh.t()).addcmul_(ablation.FrozenLeak ?? neurons.Leak, state.V, One); // λ ⊙ v⁺ + W_rec y + u
        else
        {
            Tensor[] parts = projectedInput.chunk(2, -1);                                                // u, W_λ x
            Tensor leak = ablation.FrozenLeak ?? (parts[1] + neurons.LeakLogit).sigmoid();              // λ_t
            Tensor drive = parts[0].addmm(state.Y, weight_hh.t());                                      // W_rec y + u
            v = drive.addcmul(leak, state.V - drive, One);                                              // λ_t ⊙ v⁺ + (1 − λ_t) ⊙ drive
        }
        if (neurons.Refractory is not null) v = v.addcmul_(neurons.Refractory, state.S, MinusOne);      // − ρ ⊙ s_{t-1}
        Tensor s = ablation.SilenceSpikes ? zeros_like(v) : surrogate.Spike(v - neurons.Threshold, Options.Slope); // H(v − θ)
        if (ablation.NeuronMask is { } mask) s = s * mask;                                              // m ⊙ s
        Tensor y = v.tanh() + s;                                                                        // tanh(v) + s
        if (ablation.NeuronMask is { } keep) y = y * keep;                                              // m ⊙ y
        Tensor reset = neurons.ResetAmount is null
            ? v.addcmul(v, s, MinusOne)                                                                 // v ⊙ (1 − s)
            : v.addcmul(neurons.ResetAmount, s, MinusOne);                                              // v − κθ ⊙ s
        return (y, new PulseTgauState(reset, y, s));
    }

    public PulseTgauState InitialState(long batch)
    {
        Tensor Zeros() => zeros(batch, HiddenSize, weight_hh.dtype, weight_hh.device);
        return new(Zeros(), Zeros(), Zeros());
    }

    public Tensor Flatten(PulseTgauState state) => cat([state.V, state.Y, state.S], 1);

    public PulseTgauState Unflatten(Tensor flat)
    {
        ShapeChecks.Require(flat, nameof(flat), -1, StateSize);
        return new(flat.narrow(1, 0, HiddenSize), flat.narrow(1, HiddenSize, HiddenSize), flat.narrow(1, 2 * HiddenSize, HiddenSize));
    }

    Parameter Constant(double value, bool trainable) => new(full(HiddenSize, value, ScalarType.Float32), requires_grad: trainable);

    static double InverseSoftplus(double value) => value > 20 ? value : Math.Log(Math.Exp(value) - 1);

    static readonly Scalar One = 1.0.ToScalar(), MinusOne = (-1.0).ToScalar();
}
