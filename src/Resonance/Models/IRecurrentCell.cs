using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>A cell's state: an immutable record of named tensors, each shaped <c>(batch, ·)</c>.</summary>
public interface IRecurrentState
{
    /// <summary>The state's tensors, in the order the cell's <see cref="IRecurrentCell{TState}.Flatten"/> concatenates them.</summary>
    IReadOnlyList<Tensor> Parts();
}

/// <summary>
/// One step of a recurrent cell, split so that a sequence model can project every time step's input in one
/// matrix product before its loop and then call the cell once per step.
/// </summary>
/// <remarks>
/// For any input <c>x</c> and state <c>s</c>, <c>cell.call(x, s)</c> equals
/// <c>cell.StepProjected(cell.ProjectInput(x), s)</c>; that identity is what lets a sequence model call the cell
/// instead of copying its body.
/// </remarks>
/// <typeparam name="TState">The cell's state record.</typeparam>
public interface IRecurrentCell<TState> where TState : class, IRecurrentState
{
    /// <summary>Input features per step, <c>F</c>.</summary>
    int InputSize { get; }

    /// <summary>Hidden units, <c>H</c> (the width of the cell's output).</summary>
    int HiddenSize { get; }

    /// <summary>Width of the projected input, <c>G</c> (gates times <c>H</c>).</summary>
    int ProjectedInputSize { get; }

    /// <summary>Length of the flat state (<see cref="Flatten"/>).</summary>
    int StateSize { get; }

    /// <summary>Multiply-adds of one step for one sample: the input projection and the recurrent product, <c>(F + H) G</c>;
    /// element-wise gate arithmetic is not counted.</summary>
    long MultiplyAddsPerStep { get; }

    /// <summary>The input's share of the pre-activations, for any number of leading dimensions.</summary>
    /// <param name="input"><c>(..., F)</c>.</param>
    /// <returns><c>(..., G)</c>.</returns>
    Tensor ProjectInput(Tensor input);

    /// <summary>One step from an already projected input.</summary>
    /// <param name="projectedInput"><c>(batch, G)</c>, from <see cref="ProjectInput"/>.</param>
    /// <param name="state">The previous state, or null for the initial (zero) state.</param>
    /// <returns>The output <c>(batch, H)</c> and the next state.</returns>
    (Tensor Output, TState State) StepProjected(Tensor projectedInput, TState? state);

    /// <summary>The state before any input (zeros), on the cell's device and dtype.</summary>
    TState InitialState(long batch);

    /// <summary>The state as one tensor <c>(batch, StateSize)</c>, parts concatenated in <see cref="IRecurrentState.Parts"/> order.</summary>
    Tensor Flatten(TState state);

    /// <summary>The inverse of <see cref="Flatten"/>: views into <paramref name="flat"/> <c>(batch, StateSize)</c>.</summary>
    TState Unflatten(Tensor flat);
}
