using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// One layer of a stacked recurrent model over a whole sequence, the loop that <see cref="RecurrentSequenceModel{TCell, TState}"/>
/// and <see cref="EmergentResonator"/> share: inputs projected a block of steps at a time, then the cell stepped once per step.
/// </summary>
/// <remarks>
/// <code>
/// U_block = ProjectInput(x_{t₀ .. t₀+L-1})          (L, batch, G), one matrix product per block of L = StepsPerProjection steps
/// (h_t, s_t) = step(U_block[t - t₀], s_{t-1}),  s_0 = initial (null)
/// sum = Σ_t summand(s_t)                             when asked (e.g. spikes per neuron)
/// </code>
/// Each step's temporaries live in one dispose scope and each block's in another; the state, the running sum and the
/// kept outputs are moved out, and the autograd graph keeps alive what backward needs.
/// </remarks>
internal static class BlockProjectedLayer
{
    /// <summary>Steps whose inputs are projected in one matrix product: enough for a large product, few enough
    /// that the projected block (<c>steps · batch · G</c> floats) stays in cache and is freed as the loop moves on
    /// (one block for row-wise MNIST; pixel-wise would otherwise hold 784 · 128 · 4H floats, 205 MB at H = 128).</summary>
    public const int StepsPerProjection = 32;

    /// <summary>The layer's outputs <c>(T, batch, H)</c> when kept, its last output <c>(batch, H)</c> (null for an empty
    /// sequence), its last state (the initial state for an empty sequence), and the running sum when asked.</summary>
    public readonly record struct Result<TState>(Tensor? Outputs, Tensor? Last, TState State, Tensor? Sum);

    /// <summary>Runs <paramref name="cell"/> over <paramref name="sequence"/>.</summary>
    /// <param name="cell">Projects the inputs; its <see cref="IRecurrentCell{TState}.StepProjected"/> is the step unless <paramref name="step"/> is given.</param>
    /// <param name="sequence"><c>(T, batch, F)</c>.</param>
    /// <param name="keepSequence">Whether to return every step's output stacked, <c>(T, batch, H)</c>.</param>
    /// <param name="step">The step from a projected input <c>(batch, G)</c> and the previous state; by default the cell's own.</param>
    /// <param name="sum">The running sum's starting value, or null for none.</param>
    /// <param name="summand">What each step adds to <paramref name="sum"/>, from the new state; required with <paramref name="sum"/>.</param>
    public static Result<TState> Run<TState>(IRecurrentCell<TState> cell, Tensor sequence, bool keepSequence,
        Func<Tensor, TState?, (Tensor Output, TState State)>? step = null, Tensor? sum = null, Func<TState, Tensor>? summand = null)
        where TState : class, IRecurrentState
    {
        if (sum is not null) ArgumentNullException.ThrowIfNull(summand);
        step ??= cell.StepProjected;
        int steps = (int)sequence.shape[0];
        Tensor[]? outputs = keepSequence ? new Tensor[steps] : null;
        Tensor? output = null;
        TState? state = null;
        for (int start = 0; start < steps; start += StepsPerProjection)
        {
            using var blockScope = NewDisposeScope();
            int length = Math.Min(StepsPerProjection, steps - start);
            // (L, B, G): the block's input shares in one product, then L views (B, G). unbind, not projected[t]: the
            // backward of L separate selects would build and add L zero-filled (L, B, G) gradients.
            Tensor[] projected = cell.ProjectInput(sequence.narrow(0, start, length)).unbind(0);
            for (int k = 0; k < length; k++)
            {
                using var stepScope = NewDisposeScope();
                (output, state) = step(projected[k], state);
                if (sum is not null) sum = sum.add(summand!(state));
                stepScope.MoveToOuter(state.Parts());
                stepScope.MoveToOuter(output);
                if (sum is not null) stepScope.MoveToOuter(sum);
                if (outputs is not null) outputs[start + k] = output;
            }
            blockScope.MoveToOuter(state!.Parts());
            blockScope.MoveToOuter(output!);
            if (sum is not null) blockScope.MoveToOuter(sum);
            if (outputs is not null) blockScope.MoveToOuter(outputs.Skip(start).Take(length));
        }
        return new(outputs is null ? null : stack(outputs), output, state ?? cell.InitialState(sequence.shape[1]), sum);
    }
}
