using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>The state of a <see cref="TanhRnnCell"/>.</summary>
/// <param name="H">Hidden state (the cell's output), <c>(batch, hidden)</c>.</param>
public sealed record TanhRnnState(Tensor H) : IRecurrentState
{
    /// <summary><c>[H]</c>.</summary>
    public IReadOnlyList<Tensor> Parts() => [H];
}

/// <summary>One step of a vanilla (Elman) recurrent network with tanh units, as PyTorch's <c>nn.RNNCell</c>.</summary>
/// <remarks>
/// <code>
/// h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
/// </code>
/// The output is <c>h'</c>. Parameters have PyTorch's names, layouts and initialisation, each weight drawn from
/// its own stream: <c>U(-1/√H, 1/√H)</c>. The flat state is <c>h</c>, <c>(batch, H)</c>.
/// </remarks>
public sealed class TanhRnnCell : nn.Module<Tensor, TanhRnnState?, (Tensor Output, TanhRnnState State)>, IRecurrentCell<TanhRnnState>
{
    /// <summary>Input weights <c>(H, F)</c>.</summary>
    [field: ComponentName(Name = nameof(weight_ih))]
    public Parameter weight_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_ih), value); } }
    /// <summary>Recurrent weights <c>(H, H)</c>.</summary>
    [field: ComponentName(Name = nameof(weight_hh))]
    public Parameter weight_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(weight_hh), value); } }
    /// <summary>Input bias <c>(H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_ih))]
    public Parameter bias_ih { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_ih), value); } }
    /// <summary>Recurrent bias <c>(H)</c>.</summary>
    [field: ComponentName(Name = nameof(bias_hh))]
    public Parameter bias_hh { get; private set { field = value; ConditionallyRegisterParameter(nameof(bias_hh), value); } }

    /// <summary>Builds the cell with weights drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="inputSize">Input features per step, <c>F</c>, positive.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>, positive.</param>
    /// <param name="seed">Seed of the cell's random streams (one per parameter, named after it).</param>
    public TanhRnnCell(int inputSize, int hiddenSize, long seed) : base(nameof(TanhRnnCell))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        weight_ih = ParameterInit.Uniform(seed, nameof(weight_ih), bound, hiddenSize, inputSize);
        weight_hh = ParameterInit.Uniform(seed, nameof(weight_hh), bound, hiddenSize, hiddenSize);
        bias_ih = ParameterInit.Uniform(seed, nameof(bias_ih), bound, hiddenSize);
        bias_hh = ParameterInit.Uniform(seed, nameof(bias_hh), bound, hiddenSize);
        RegisterComponents();
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int ProjectedInputSize => HiddenSize;
    public int StateSize => HiddenSize;
    public long MultiplyAddsPerStep => (long)(InputSize + HiddenSize) * ProjectedInputSize;

    /// <summary>One step.</summary>
    /// <param name="input"><c>(batch, F)</c>.</param>
    /// <param name="state">Previous state (<c>(batch, H)</c>), or null for zeros.</param>
    /// <returns><c>h'</c> <c>(batch, H)</c> and the state <c>(h')</c>.</returns>
    public override (Tensor Output, TanhRnnState State) forward(Tensor input, TanhRnnState? state)
    {
        ShapeChecks.Require(input, nameof(input), -1, InputSize);
        if (state is not null)
            ShapeChecks.Require(state.H, "state.H", input.shape[0], HiddenSize);
        return StepProjected(ProjectInput(input), state);
    }

    /// <summary><c>W_ih x + b_ih + b_hh</c>: both biases are folded into the input's share.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., H)</c>.</returns>
    public Tensor ProjectInput(Tensor input)
    {
        using var bias = bias_ih + bias_hh;
        return nn.functional.linear(input, weight_ih, bias);
    }

    public (Tensor Output, TanhRnnState State) StepProjected(Tensor projectedInput, TanhRnnState? state)
    {
        state ??= InitialState(projectedInput.shape[0]);
        Tensor h = projectedInput.addmm(state.H, weight_hh.t()).tanh(); // h' = tanh(W_ih x + b + W_hh h)
        return (h, new TanhRnnState(h));
    }

    public TanhRnnState InitialState(long batch) => new(zeros(batch, HiddenSize, weight_hh.dtype, weight_hh.device));

    public Tensor Flatten(TanhRnnState state) => state.H;

    public TanhRnnState Unflatten(Tensor flat)
    {
        ShapeChecks.Require(flat, nameof(flat), -1, StateSize);
        return new(flat);
    }
}
