using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>The state of a <see cref="GruCell"/>.</summary>
/// <param name="H">Hidden state (the cell's output), <c>(batch, hidden)</c>.</param>
public sealed record GruState(Tensor H) : IRecurrentState
{
    /// <summary><c>[H]</c>.</summary>
    public IReadOnlyList<Tensor> Parts() => [H];
}

/// <summary>One step of a gated recurrent unit (Cho et al. 2014), as PyTorch's <c>nn.GRUCell</c>.</summary>
/// <remarks>
/// <code>
/// r  = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
/// z  = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
/// n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) candidate
/// h' = (1 - z) ⊙ n + z ⊙ h
/// </code>
/// The output is <c>h'</c>. Parameters have PyTorch's names, layouts and initialisation, each weight drawn from
/// its own stream: <c>U(-1/√H, 1/√H)</c>. The flat state is <c>h</c>, <c>(batch, H)</c>.
/// </remarks>
public sealed class GruCell : nn.Module<Tensor, GruState?, (Tensor Output, GruState State)>, IRecurrentCell<GruState>
{
    /// <summary>Input-to-gates weights <c>(3H, F)</c>, rows <c>[W_ir; W_iz; W_in]</c>.</summary>
    [field: ComponentName(Name = nameof(weight_ih))]
    public Parameter weight_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_ih), value); } }
    /// <summary>Hidden-to-gates weights <c>(3H, H)</c>, rows <c>[W_hr; W_hz; W_hn]</c>.</summary>
    [field: ComponentName(Name = nameof(weight_hh))]
    public Parameter weight_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_hh), value); } }
    /// <summary>Input bias <c>(3H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_ih))]
    public Parameter bias_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_ih), value); } }
    /// <summary>Hidden bias <c>(3H)</c> (its <c>n</c> part sits inside the reset gate's product).</summary>
    [field: ComponentName(Name = nameof(bias_hh))]
    public Parameter bias_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_hh), value); } }

    /// <summary>Builds the cell with weights drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="inputSize">Input features per step, <c>F</c>, positive.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>, positive.</param>
    /// <param name="seed">Seed of the cell's random streams (one per parameter, named after it).</param>
    public GruCell(int inputSize, int hiddenSize, long seed) : base(nameof(GruCell))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        weight_ih = ParameterInit.Uniform(seed, nameof(weight_ih), bound, 3L * hiddenSize, inputSize);
        weight_hh = ParameterInit.Uniform(seed, nameof(weight_hh), bound, 3L * hiddenSize, hiddenSize);
        bias_ih = ParameterInit.Uniform(seed, nameof(bias_ih), bound, 3L * hiddenSize);
        bias_hh = ParameterInit.Uniform(seed, nameof(bias_hh), bound, 3L * hiddenSize);
        RegisterComponents();
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int ProjectedInputSize => 3 * HiddenSize;
    public int StateSize => HiddenSize;
    public long MultiplyAddsPerStep => (long)(InputSize + HiddenSize) * ProjectedInputSize;

    /// <summary>One step.</summary>
    /// <param name="input"><c>(batch, F)</c>.</param>
    /// <param name="state">Previous state (<c>(batch, H)</c>), or null for zeros.</param>
    /// <returns><c>h'</c> <c>(batch, H)</c> and the state <c>(h')</c>.</returns>
    public override (Tensor Output, GruState State) forward(Tensor input, GruState? state)
    {
        ShapeChecks.Require(input, nameof(input), -1, InputSize);
        if (state is not null)
            ShapeChecks.Require(state.H, "state.H", input.shape[0], HiddenSize);
        return StepProjected(ProjectInput(input), state);
    }

    /// <summary><c>W_ih x + b_ih</c>.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., 3H)</c>, parts <c>[r; z; n]</c>.</returns>
    public Tensor ProjectInput(Tensor input) => nn.functional.linear(input, weight_ih, bias_ih);

    public (Tensor Output, GruState State) StepProjected(Tensor projectedInput, GruState? state)
    {
        state ??= InitialState(projectedInput.shape[0]);
        int hidden = HiddenSize;
        Tensor recurrent = bias_hh.addmm(state.H, weight_hh.t());                                  // (B, 3H) = W_hh h + b_hh
        Tensor rz = projectedInput.narrow(1, 0, 2 * hidden).add(recurrent.narrow(1, 0, 2 * hidden)).sigmoid(); // (B, 2H)
        Tensor r = rz.narrow(1, 0, hidden);
        Tensor z = rz.narrow(1, hidden, hidden);
        Tensor n = projectedInput.narrow(1, 2 * hidden, hidden)
            .addcmul(r, recurrent.narrow(1, 2 * hidden, hidden), One).tanh();                       // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
        Tensor h = n.lerp(state.H, z);                                                              // h' = n + z ⊙ (h - n)
        return (h, new GruState(h));
    }

    public GruState InitialState(long batch) => new(zeros(batch, HiddenSize, weight_hh.dtype, weight_hh.device));

    public Tensor Flatten(GruState state) => state.H;

    public GruState Unflatten(Tensor flat)
    {
        ShapeChecks.Require(flat, nameof(flat), -1, StateSize);
        return new(flat);
    }

    static readonly Scalar One = 1.0.ToScalar();
}
