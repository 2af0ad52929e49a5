using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>The classical fourth-order Runge–Kutta step, batched over the rows of the state.</summary>
/// <remarks>
/// <code>
/// k1 = f(x),  k2 = f(x + dt/2 · k1),  k3 = f(x + dt/2 · k2),  k4 = f(x + dt · k3)
/// x(t + dt) = x + dt/6 · (k1 + 2 k2 + 2 k3 + k4)          (local error O(dt⁵), global O(dt⁴))
/// </code>
/// Differentiable (autograd passes through it), so <see cref="Analysis.LyapunovSpectrum"/> can take it as the map of a flow.
/// </remarks>
public static class Rk4
{
    /// <summary>One step of size <paramref name="dt"/>.</summary>
    /// <param name="field">The derivative, <c>(B, D)</c> to <c>(B, D)</c>.</param>
    /// <param name="state"><c>(B, D)</c>.</param>
    /// <param name="dt">The step (time units).</param>
    /// <returns>The state after <paramref name="dt"/>, <c>(B, D)</c>.</returns>
    public static Tensor Step(Func<Tensor, Tensor> field, Tensor state, double dt)
    {
        Tensor k1 = field(state);
        Tensor k2 = field(state + (0.5 * dt) * k1);
        Tensor k3 = field(state + (0.5 * dt) * k2);
        Tensor k4 = field(state + dt * k3);
        return state + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }

    /// <summary><paramref name="steps"/> steps from <paramref name="state"/>, keeping only the end (no autograd).</summary>
    /// <returns>The state after <c>steps · dt</c>, <c>(B, D)</c>.</returns>
    public static Tensor Advance(Func<Tensor, Tensor> field, Tensor state, double dt, int steps)
    {
        using var noGrad = no_grad();
        Tensor current = state.detach().clone();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            current = Step(field, current, dt).MoveToOuterDisposeScope();
        }
        return current;
    }
}
