using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>The state of an <see cref="LstmCell"/>.</summary>
/// <param name="H">Hidden state (the cell's output), <c>(batch, hidden)</c>.</param>
/// <param name="C">Cell (memory) state, <c>(batch, hidden)</c>.</param>
public sealed record LstmState(Tensor H, Tensor C) : IRecurrentState
{
    /// <summary><c>[H, C]</c>, the flat-state order.</summary>
    public IReadOnlyList<Tensor> Parts() => [H, C];
}

/// <summary>One step of a long short-term memory cell (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000), as PyTorch's <c>nn.LSTMCell</c>.</summary>
/// <remarks>
/// <code>
/// i  = σ(W_ii x + b_ii + W_hi h + b_hi)      input gate
/// f  = σ(W_if x + b_if + W_hf h + b_hf)      forget gate
/// g  = tanh(W_ig x + b_ig + W_hg h + b_hg)   candidate
/// o  = σ(W_io x + b_io + W_ho h + b_ho)      output gate
/// c' = f ⊙ c + i ⊙ g
/// h' = o ⊙ tanh(c')
/// </code>
/// The output is <c>h'</c>. Parameters have PyTorch's names, layouts and initialisation, each weight drawn from
/// its own stream: <c>U(-1/√H, 1/√H)</c>. The flat state (<see cref="Flatten"/>) is <c>[h, c]</c>, <c>(batch, 2H)</c>.
/// <para>Example: <c>var (h, state) = cell.call(x, null);</c> then <c>cell.call(x2, state)</c>.</para>
/// </remarks>
public sealed class LstmCell : nn.Module<Tensor, LstmState?, (Tensor Output, LstmState State)>, IRecurrentCell<LstmState>
{
    /// <summary>Input-to-gates weights <c>(4H, F)</c>, rows <c>[W_i; W_f; W_g; W_o]</c>.</summary>
    [field: ComponentName(Name = nameof(weight_ih))]
    public Parameter weight_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_ih), value); } }
    /// <summary>Hidden-to-gates weights <c>(4H, H)</c>, rows as <see cref="weight_ih"/>.</summary>
    [field: ComponentName(Name = nameof(weight_hh))]
    public Parameter weight_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_hh), value); } }
    /// <summary>Input bias <c>(4H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_ih))]
    public Parameter bias_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_ih), value); } }
    /// <summary>Hidden bias <c>(4H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_hh))]
    public Parameter bias_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_hh), value); } }

    /// <summary>Builds the cell with weights drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="inputSize">Input features per step, <c>F</c>, positive.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>, positive.</param>
    /// <param name="seed">Seed of the cell's random streams (one per parameter, named after it).</param>
    public LstmCell(int inputSize, int hiddenSize, long seed) : base(nameof(LstmCell))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        weight_ih = ParameterInit.Uniform(seed, nameof(weight_ih), bound, 4L * hiddenSize, inputSize);
        weight_hh = ParameterInit.Uniform(seed, nameof(weight_hh), bound, 4L * hiddenSize, hiddenSize);
        bias_ih = ParameterInit.Uniform(seed, nameof(bias_ih), bound, 4L * hiddenSize);
        bias_hh = ParameterInit.Uniform(seed, nameof(bias_hh), bound, 4L * hiddenSize);
        RegisterComponents();
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int ProjectedInputSize => 4 * HiddenSize;
    public int StateSize => 2 * HiddenSize;
    public long MultiplyAddsPerStep => (long)(InputSize + HiddenSize) * ProjectedInputSize;

    /// <summary>One step.</summary>
    /// <param name="input"><c>(batch, F)</c>.</param>
    /// <param name="state">Previous state (each part <c>(batch, H)</c>), or null for zeros.</param>
    /// <returns><c>h'</c> <c>(batch, H)</c> and the state <c>(h', c')</c>.</returns>
    public override (Tensor Output, LstmState State) forward(Tensor input, LstmState? state)
    {
        ShapeChecks.Require(input, nameof(input), -1, InputSize);
        if (state is not null)
        {
            ShapeChecks.Require(state.H, "state.H", input.shape[0], HiddenSize);
            ShapeChecks.Require(state.C, "state.C", input.shape[0], HiddenSize);
        }
        return StepProjected(ProjectInput(input), state);
    }

    /// <summary><c>W_ih x + b_ih + b_hh</c>: both biases are folded into the input's share.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., 4H)</c>.</returns>
    public Tensor ProjectInput(Tensor input)
    {
        using var bias = bias_ih + bias_hh;
        return nn.functional.linear(input, weight_ih, bias);
    }

    public (Tensor Output, LstmState State) StepProjected(Tensor projectedInput, LstmState? state)
    {
        state ??= InitialState(projectedInput.shape[0]);
        Tensor gates = projectedInput.addmm(state.H, weight_hh.t()); // (B, 4H) = W_ih x + b + W_hh h
        long hidden = HiddenSize;
        Tensor squashed = gates.sigmoid();                           // one kernel for i, f, o (g's share unused)
        Tensor i = squashed.narrow(1, 0, hidden);                    // (B, H) each
        Tensor f = squashed.narrow(1, hidden, hidden);
        Tensor g = gates.narrow(1, 2 * hidden, hidden).tanh();
        Tensor o = squashed.narrow(1, 3 * hidden, hidden);
        Tensor c = (f * state.C).addcmul_(i, g, One);                // c' = f ⊙ c + i ⊙ g
        Tensor h = o * c.tanh();                                     // h' = o ⊙ tanh(c')
        return (h, new LstmState(h, c));
    }

    public LstmState InitialState(long batch) =>
        new(zeros(batch, HiddenSize, weight_hh.dtype, weight_hh.device), zeros(batch, HiddenSize, weight_hh.dtype, weight_hh.device));

    public Tensor Flatten(LstmState state) => cat([state.H, state.C], 1);

    public LstmState Unflatten(Tensor flat)
    {
        ShapeChecks.Require(flat, nameof(flat), -1, StateSize);
        return new(flat.narrow(1, 0, HiddenSize), flat.narrow(1, HiddenSize, HiddenSize));
    }

    static readonly Scalar One = 1.0.ToScalar();
}
