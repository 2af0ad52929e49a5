using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// A stack of cells as one autonomous map over a flat state: layer <c>l</c> reads layer <c>l - 1</c>'s output
/// of the same step, and the flat state is the layers' flat states concatenated, bottom layer first.
/// </summary>
/// <remarks>
/// <code>
/// s = [s¹, ..., sᴸ],  (hˡ, s'ˡ) = cellˡ(hˡ⁻¹, sˡ),  h⁰ = x (zeros when no input is given),  F(s, x) = [s'¹, ..., s'ᴸ]
/// </code>
/// Each step calls the cells themselves, so it is the sequence model's step exactly.
/// </remarks>
public sealed class StackedCellDynamics<TCell, TState> : IRecurrentDynamics
    where TCell : TorchSharp.torch.nn.Module, IRecurrentCell<TState>
    where TState : class, IRecurrentState
{
    readonly TCell[] cells;

    /// <param name="cells">The layers, bottom first; each one's input size is the previous one's hidden size.</param>
    /// <param name="inputSize">External input features per step.</param>
    public StackedCellDynamics(IReadOnlyList<TCell> cells, int inputSize)
    {
        if (cells.Count == 0) throw new ArgumentException("at least one cell is needed", nameof(cells));
        this.cells = [.. cells];
        InputSize = inputSize;
        StateSize = this.cells.Sum(cell => cell.StateSize);
    }

    public int StateSize { get; }
    public int InputSize { get; }

    public Tensor InitialState(long batch, Device device)
    {
        var weight = cells[0].parameters().First();
        return zeros(batch, StateSize, weight.dtype, device);
    }

    /// <param name="state">Flat state <c>(batch, StateSize)</c>.</param>
    /// <param name="input"><c>(batch, InputSize)</c>, or null for zero input (biases still act).</param>
    public Tensor Step(Tensor state, Tensor? input)
    {
        ShapeChecks.Require(state, nameof(state), -1, StateSize);
        long batch = state.shape[0];
        if (input is not null) ShapeChecks.Require(input, nameof(input), batch, InputSize);
        using var scope = NewDisposeScope();
        Tensor x = input ?? zeros(batch, InputSize, state.dtype, state.device);
        var next = new Tensor[cells.Length];
        long offset = 0;
        for (int l = 0; l < cells.Length; l++)
        {
            var cell = cells[l];
            TState layerState = cell.Unflatten(state.narrow(1, offset, cell.StateSize));
            (x, TState nextState) = cell.StepProjected(cell.ProjectInput(x), layerState);
            next[l] = cell.Flatten(nextState);
            offset += cell.StateSize;
        }
        return cat(next, 1).MoveToOuterDisposeScope();
    }
}
