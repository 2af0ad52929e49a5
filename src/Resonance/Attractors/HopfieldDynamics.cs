using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>How a weight matrix is run as a network (YAML <c>sign</c>, <c>async-sign</c>, <c>tanh</c>).</summary>
public enum HopfieldUpdate
{
    /// <summary>Synchronous: <c>h_i ← sign((W h)_i)</c> for all <c>i</c> at once (a zero field keeps <c>h_i</c>).</summary>
    Sign,
    /// <summary>Asynchronous: one neuron at a time in a random order per sweep; one step is one sweep of all <c>N</c>.</summary>
    AsyncSign,
    /// <summary>Graded: <c>h ← tanh(gain · W h)</c>, synchronous.</summary>
    Tanh,
}

/// <summary>Classical Hopfield dynamics and energy, batched over nets <c>(K, ...)</c>.</summary>
/// <remarks>
/// <code>
/// E(h) = -½ hᵀ W h
/// </code>
/// For symmetric <c>W</c> with a non-negative diagonal, an asynchronous sign update never raises <c>E</c>:
/// flipping <c>h_i</c> to the sign of its field <c>u_i = (W h)_i</c> changes <c>E</c> by <c>-2|u_i| - 2 W_ii ≤ 0</c>.
/// </remarks>
public static class HopfieldDynamics
{
    /// <summary>Runs <paramref name="steps"/> updates from the cues (the cue is the initial state).</summary>
    /// <param name="weights"><c>(K, N, N)</c>.</param>
    /// <param name="cues">Initial states <c>(K, B, N)</c>.</param>
    /// <param name="steps">Updates (sweeps for <see cref="HopfieldUpdate.AsyncSign"/>).</param>
    /// <param name="update">Which dynamics.</param>
    /// <param name="gain">Gain of the tanh dynamics.</param>
    /// <param name="order">Stream of the asynchronous update orders (required for <see cref="HopfieldUpdate.AsyncSign"/>).</param>
    /// <returns>States after each update, <c>(K, B, steps, N)</c>.</returns>
    public static Tensor Run(Tensor weights, Tensor cues, int steps, HopfieldUpdate update, double gain = 1.0, Generator? order = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = NewDisposeScope();
        Tensor wT = weights.transpose(1, 2);                           // (K, N, N): h @ Wᵀ = (W h)ᵀ
        var states = new List<Tensor>(steps);
        Tensor h = cues;
        for (int t = 0; t < steps; t++)
        {
            h = update switch
            {
                HopfieldUpdate.Sign => SignKeepingZero(bmm(h, wT), h),
                HopfieldUpdate.Tanh => bmm(h, wT).mul_(HeldScalars.Of(gain)).tanh_(),
                HopfieldUpdate.AsyncSign => Sweep(weights, h, order ?? throw new ArgumentNullException(nameof(order), "asynchronous updates need an order stream")),
                _ => throw new ArgumentOutOfRangeException(nameof(update)),
            };
            states.Add(h);
        }
        return stack(states, 2).MoveToOuterDisposeScope();
    }

    /// <summary>One asynchronous sweep: every neuron once, in an order drawn from <paramref name="order"/> (shared by all nets and cues).</summary>
    /// <param name="weights"><c>(K, N, N)</c>.</param>
    /// <param name="state"><c>(K, B, N)</c>; not modified.</param>
    /// <param name="order">The order stream.</param>
    /// <param name="energies">When given, receives the energy <c>(K, B)</c> after every single-neuron update.</param>
    public static Tensor Sweep(Tensor weights, Tensor state, Generator order, List<Tensor>? energies = null)
    {
        using var scope = NewDisposeScope();
        long n = state.shape[^1];
        long[] sequence = randperm(n, generator: order).data<long>().ToArray();
        Tensor h = state.clone();
        foreach (long i in sequence)
        {
            Tensor field = bmm(h, weights.select(1, i).unsqueeze(-1)).squeeze(-1);   // (K, B): (W h)_i, W symmetric or not: row i
            Tensor current = h.select(-1, i);
            h.select(-1, i).copy_(SignKeepingZero(field, current));
            if (energies is not null) energies.Add(Energy(weights, h).MoveToOuterDisposeScope());
        }
        return h.MoveToOuterDisposeScope();
    }

    /// <summary><c>E(h) = -½ hᵀ W h</c> for weights <c>(K, N, N)</c> and states <c>(K, B, N)</c>; returns <c>(K, B)</c>.</summary>
    public static Tensor Energy(Tensor weights, Tensor states)
    {
        using var scope = NewDisposeScope();
        return (bmm(states, weights.transpose(1, 2)) * states).sum([-1]).mul_(HeldScalars.Of(-0.5)).MoveToOuterDisposeScope();
    }

    /// <summary><c>sign(u)</c>, keeping <paramref name="current"/> where <c>u = 0</c>.</summary>
    public static Tensor SignKeepingZero(Tensor u, Tensor current)
    {
        using var scope = NewDisposeScope();
        return u.sign().add_(u.eq(HeldScalars.Of(0.0)).to(u.dtype).mul_(current), HeldScalars.One).MoveToOuterDisposeScope();
    }
}
