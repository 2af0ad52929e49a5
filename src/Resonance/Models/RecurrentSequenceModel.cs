using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// A stack of recurrent cells stepped in a loop, with a linear readout: from the top layer's last output for
/// classification, from its output at every step for regression.
/// </summary>
/// <remarks>
/// <code>
/// h⁰_t = x_t
/// (hˡ_t, sˡ_t) = cellˡ(hˡ⁻¹_t, sˡ_{t-1}),  sˡ_0 = 0,  l = 1..L
/// classification: y = W_out hᴸ_T + b_out           (batch, classes)
/// regression:     y_t = W_out hᴸ_t + b_out         (batch, steps, outputs)
/// </code>
/// Each layer runs over the whole sequence before the next (as cuDNN does), in <see cref="BlockProjectedLayer"/>: its
/// inputs are projected <see cref="StepsPerProjection"/> steps at a time in one matrix product
/// (<see cref="IRecurrentCell{TState}.ProjectInput"/>), then <see cref="IRecurrentCell{TState}.StepProjected"/> is called
/// once per step, so the per-step work is one recurrent product and the gate arithmetic. The readout is PyTorch's
/// <c>nn.Linear</c> initialised as PyTorch does, <c>U(-1/√H, 1/√H)</c>, from its own streams.
/// </remarks>
/// <typeparam name="TCell">The cell type.</typeparam>
/// <typeparam name="TState">The cell's state record.</typeparam>
public sealed class RecurrentSequenceModel<TCell, TState> : SequenceModel, IStateReadout
    where TCell : nn.Module, IRecurrentCell<TState>
    where TState : class, IRecurrentState
{
    readonly ModuleList<TCell> layers;
    readonly Linear readout;

    /// <summary>Builds the stack; layer <c>l</c>'s cell gets the seed <c>Derive(seed, "layers.l")</c>, the readout <c>Derive(seed, "readout")</c>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="shape">What the data fixes: input features, outputs, steps, task.</param>
    /// <param name="hidden">Hidden units per layer, positive.</param>
    /// <param name="layerCount">Stacked layers, positive.</param>
    /// <param name="createCell">Builds one cell from (input size, hidden size, seed).</param>
    /// <param name="seed">Seed of the model's random streams.</param>
    public RecurrentSequenceModel(string name, ModelShape shape, int hidden, int layerCount, Func<int, int, long, TCell> createCell, long seed)
        : base(name, shape)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(layerCount, 1);
        var cells = new TCell[layerCount];
        for (int l = 0; l < layerCount; l++)
            cells[l] = createCell(l == 0 ? shape.InputSize : hidden, hidden, RandomStreams.Derive(seed, $"layers.{l}"));
        layers = new ModuleList<TCell>(cells);
        readout = nn.Linear(hidden, shape.OutputSize);
        ParameterInit.UniformAll(readout, 1.0 / Math.Sqrt(hidden), RandomStreams.Derive(seed, nameof(readout)));
        Hidden = hidden;
        Dynamics = new StackedCellDynamics<TCell, TState>(cells, shape.InputSize);
        RegisterComponents();
    }

    /// <summary>Hidden units per layer.</summary>
    public int Hidden { get; }

    /// <summary>The cells, bottom layer first.</summary>
    public IReadOnlyList<TCell> Layers => [.. layers];

    /// <summary>The stacked cells as one map; the flat state is the layers' flat states concatenated, bottom layer first
    /// (for an LSTM: <c>[h¹, c¹, h², c², ...]</c>).</summary>
    public override IRecurrentDynamics Dynamics { get; }

    /// <summary>Per sample at <see cref="ModelShape.Steps"/>: every layer's <see cref="IRecurrentCell{TState}.MultiplyAddsPerStep"/>
    /// times the steps, plus the readout (once for classification, every step for regression).</summary>
    public override long ForwardMultiplyAddsPerSample
    {
        get
        {
            long recurrent = layers.Sum(cell => cell.MultiplyAddsPerStep) * Shape.Steps;
            long readoutSteps = Shape.Task == TaskKind.Classification ? 1 : Shape.Steps;
            return recurrent + readoutSteps * Hidden * Shape.OutputSize;
        }
    }

    /// <summary>Runs the sequence.</summary>
    /// <param name="input"><c>(batch, steps, InputSize)</c>.</param>
    /// <returns>Logits <c>(batch, classes)</c> for classification, predictions <c>(batch, steps, outputs)</c> for regression.</returns>
    public override Tensor forward(Tensor input)
    {
        ShapeChecks.Require(input, nameof(input), -1, -1, Shape.InputSize);
        using var scope = NewDisposeScope();
        bool regression = Shape.Task == TaskKind.Regression;
        Tensor sequence = input.transpose(0, 1); // (T, B, F)
        Tensor last = null!;
        for (int l = 0; l < layers.Count; l++)
        {
            bool keepSequence = regression || l < layers.Count - 1;
            var layer = BlockProjectedLayer.Run(layers[l], sequence, keepSequence);
            last = layer.Last!;
            if (layer.Outputs is not null) sequence = layer.Outputs; // (T, B, H)
        }
        Tensor result = regression
            ? readout.call(sequence).transpose(0, 1) // (T, B, O) -> (B, T, O)
            : readout.call(last);                    // (B, C)
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The readout applied to the top layer's output in a flat state <c>(batch, StateSize)</c>: the first <c>H</c>
    /// values of the top layer's part (<c>h</c> of <c>[h, c]</c> for an LSTM; the whole part for a GRU or tanh RNN).</summary>
    /// <returns>Logits <c>(batch, classes)</c>.</returns>
    public Tensor ReadoutFromState(Tensor state)
    {
        ShapeChecks.Require(state, nameof(state), -1, Dynamics.StateSize);
        long top = Dynamics.StateSize - layers[layers.Count - 1].StateSize;          // offset of the top layer's part
        return readout.call(state.narrow(1, top, Hidden));
    }

    /// <summary>Steps whose inputs are projected in one matrix product (<see cref="BlockProjectedLayer.StepsPerProjection"/>).</summary>
    public const int StepsPerProjection = BlockProjectedLayer.StepsPerProjection;
}
