using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// A reference sequence model on libtorch's own multi-layer recurrent module (<c>nn.LSTM</c> or <c>nn.GRU</c>, the
/// fused kernels), with the same readout as <see cref="RecurrentSequenceModel{TCell, TState}"/>: from the top
/// layer's last output for classification, from every step for regression.
/// </summary>
/// <remarks>
/// Its step is inside libtorch, so <see cref="Dynamics"/> is null. Every parameter is redrawn from
/// <c>U(-1/√H, 1/√H)</c> (PyTorch's own rule) on its own stream, named after it (<c>weight_ih_l0</c>, ...),
/// so the same seed gives the same weights.
/// </remarks>
public abstract class FusedRecurrentModel : SequenceModel
{
    readonly Linear readout;

    private protected FusedRecurrentModel(string name, ModelShape shape, int hidden, int layers, int gates, long seed) : base(name, shape)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        Hidden = hidden;
        LayerCount = layers;
        Gates = gates;
        readout = nn.Linear(hidden, shape.OutputSize);
        ParameterInit.UniformAll(readout, 1.0 / Math.Sqrt(hidden), RandomStreams.Derive(seed, nameof(readout)));
    }

    /// <summary>Hidden units per layer.</summary>
    public int Hidden { get; }

    /// <summary>Stacked layers.</summary>
    public int LayerCount { get; }

    int Gates { get; }

    public override IRecurrentDynamics? Dynamics => null;

    /// <summary>Per sample: <c>(F + H) G H</c> for the first layer and <c>2 H G H</c> for each further one, times the steps
    /// (<c>G</c> gates), plus the readout; the same count as the looped models.</summary>
    public override long ForwardMultiplyAddsPerSample
    {
        get
        {
            long perStep = (long)(Shape.InputSize + Hidden) * Gates * Hidden + (LayerCount - 1L) * 2 * Hidden * Gates * Hidden;
            long readoutSteps = Shape.Task == TaskKind.Classification ? 1 : Shape.Steps;
            return perStep * Shape.Steps + readoutSteps * Hidden * Shape.OutputSize;
        }
    }

    /// <summary>The recurrent stack over the whole sequence.</summary>
    /// <param name="input"><c>(batch, steps, F)</c>.</param>
    /// <returns>The top layer's outputs <c>(batch, steps, H)</c>.</returns>
    private protected abstract Tensor RunRecurrent(Tensor input);

    /// <summary>Redraws the recurrent module's parameters; called by subclasses once the module exists.</summary>
    private protected void Initialise(nn.Module recurrent, long seed) =>
        ParameterInit.UniformAll(recurrent, 1.0 / Math.Sqrt(Hidden), RandomStreams.Derive(seed, "recurrent"));

    /// <param name="input"><c>(batch, steps, InputSize)</c>.</param>
    /// <returns>Logits <c>(batch, classes)</c> for classification, predictions <c>(batch, steps, outputs)</c> for regression.</returns>
    public override Tensor forward(Tensor input)
    {
        ShapeChecks.Require(input, nameof(input), -1, -1, Shape.InputSize);
        using var scope = NewDisposeScope();
        Tensor outputs = RunRecurrent(input); // (B, T, H)
        Tensor result = Shape.Task == TaskKind.Regression
            ? readout.call(outputs)                               // (B, T, O)
            : readout.call(outputs.select(1, outputs.shape[1] - 1)); // (B, C)
        return result.MoveToOuterDisposeScope();
    }
}

/// <summary>PyTorch's <c>nn.LSTM</c> (batch first) with a linear readout: the reference for <see cref="LstmCell"/> stepped in a loop.</summary>
public sealed class FusedLstm : FusedRecurrentModel
{
    readonly LSTM recurrent;

    /// <param name="shape">What the data fixes.</param>
    /// <param name="hidden">Hidden units per layer, positive.</param>
    /// <param name="layers">Stacked layers, positive.</param>
    /// <param name="seed">Seed of the model's random streams.</param>
    public FusedLstm(ModelShape shape, int hidden, int layers, long seed) : base(nameof(FusedLstm), shape, hidden, layers, gates: 4, seed)
    {
        recurrent = nn.LSTM(shape.InputSize, hidden, layers, batchFirst: true);
        Initialise(recurrent, seed);
        RegisterComponents();
    }

    private protected override Tensor RunRecurrent(Tensor input) => recurrent.call(input).Item1;
}

/// <summary>PyTorch's <c>nn.GRU</c> (batch first) with a linear readout: the reference for <see cref="GruCell"/> stepped in a loop.</summary>
public sealed class FusedGru : FusedRecurrentModel
{
    readonly GRU recurrent;

    /// <param name="shape">What the data fixes.</param>
    /// <param name="hidden">Hidden units per layer, positive.</param>
    /// <param name="layers">Stacked layers, positive.</param>
    /// <param name="seed">Seed of the model's random streams.</param>
    public FusedGru(ModelShape shape, int hidden, int layers, long seed) : base(nameof(FusedGru), shape, hidden, layers, gates: 3, seed)
    {
        recurrent = nn.GRU(shape.InputSize, hidden, layers, batchFirst: true);
        Initialise(recurrent, seed);
        RegisterComponents();
    }

    private protected override Tensor RunRecurrent(Tensor input) => recurrent.call(input).Item1;
}
