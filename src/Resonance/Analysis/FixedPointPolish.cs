using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>
/// The polishing stage of the <see cref="FixedPointFinder"/>: damped Newton steps on the residual after the Adam descent,
/// so that points that Adam brings near a fixed point reach <c>tol_q</c> instead of stalling as slow points.
/// </summary>
/// <remarks>
/// <code>
/// G(h) = F(h) − h  (a map),  f(h)  (a flow);     J_G = ∂G/∂h  (batched autograd, <see cref="Jacobians"/>)
/// Newton (Levenberg–Marquardt):  (J_Gᵀ J_G + μ_i s_i I) d = −J_Gᵀ G(h),   h_N = h + d,   s_i = mean diag(J_Gᵀ J_G)
/// iteration (maps only):          h_F = F(h) = h + G(h)
/// h ← the candidate with the lower q when it is below q(h); μ_i ← μ_i / 3 when the Newton step was taken, · 4 when not
/// a state stops after a step that did not lower its q, or after 2 steps in a row that did not halve it
/// (a slow point, or an inexact Jacobian)
/// </code>
/// The states of a step go lowest q first, in chunks; when no state of a chunk could be lowered, the states after it
/// (all with a higher q) stop too: Newton helps near a solution, and if it fails on the states nearest one it would
/// fail on the rest, at the price of a Jacobian each.
/// Before the Newton steps a map is iterated, <c>h ← F(h)</c>, while that lowers a state's q by at least 1 % an iteration
/// (<c>polish_iterations</c> at most; one forward pass each): it brings the stable points of a contracting map to <c>tol_q</c> cheaply.
/// With <c>μ → 0</c> a step is Newton's (quadratic convergence near a regular fixed point, saddles included); a larger μ
/// turns it into a short gradient step. The plain iteration is the fallback for a contracting map whose Jacobian is
/// inexact (a spiking neuron's surrogate gradient). A state is stepped only while <c>q ≥ tol_q</c>; a step never
/// raises q. Run it in float64: <c>tol_q = 1e-12</c> is at float32's rounding.
/// </remarks>
internal static class FixedPointPolish
{
    const double DampingShrink = 1 / 3.0, DampingGrowth = 4, SmallestDamping = 1e-15, LargestDamping = 1e6;
    /// <summary>A state is left as it is after this many steps in a row that lowered its q by less than <see cref="Progress"/>,
    /// or after one step that did not lower it at all (the next try would start from the same state with the same
    /// Jacobian and a damping only 4 times larger): a Newton step near a regular fixed point cuts q by orders of magnitude,
    /// so such a state is a slow point (or its Jacobian is inexact, as a spiking neuron's surrogate is) and more steps
    /// only cost time (each one a full Jacobian).</summary>
    const int StallLimit = 2;
    /// <summary>A state stops iterating the map once one iteration lowers its q by less than 1 %: the map contracts there
    /// by more than 0.995 an iteration (q falls by its square), too slowly to reach <c>tol_q</c> soon, and Newton takes over.</summary>
    const double IterationProgress = 0.99;
    /// <summary>The least relative fall of q that counts as progress.</summary>
    const double Progress = 0.5;
    /// <summary>States per batched Jacobian and solve: bounds the memory of one step (128 states of 384: 150 MB per float64 Jacobian).</summary>
    const long ChunkStates = 128;

    /// <summary>Polishes every state whose q is finite and at or above <c>tol_q</c>.</summary>
    /// <param name="function">The map <c>F</c> (or the vector field <c>f</c>), <c>(batch, S)</c> to <c>(batch, S)</c>.</param>
    /// <param name="residual"><c>G</c>, <c>(batch, S)</c> to <c>(batch, S)</c>.</param>
    /// <param name="states"><c>(N, S)</c>, after the descent; not modified.</param>
    /// <param name="q">Their q, <c>(N)</c>.</param>
    /// <param name="options"><c>polish_steps</c>, <c>polish_damping</c>, <c>tol_q</c>, <c>continuous</c>.</param>
    /// <returns>The polished states <c>(N, S)</c>, their q <c>(N)</c>, and the steps run.</returns>
    public static (Tensor States, Tensor Q, int Steps) Run(Func<Tensor, Tensor> function, Func<Tensor, Tensor> residual, Tensor states, Tensor q, FixedPointOptions options)
    {
        states = states.detach().clone();                                                             // (N, S)
        q = q.detach().clone();                                                                       // (N)
        if (options.PolishSteps == 0 || states.shape[0] == 0) return (states, q, 0);
        if (!options.Continuous && options.PolishIterations > 0) Iterate(function, states, q, options);
        long size = states.shape[1];
        Tensor damping = full(states.shape[0], options.PolishDamping, dtype: states.dtype, device: states.device); // μ_i
        Tensor stalls = zeros(states.shape[0], dtype: ScalarType.Int32, device: states.device);     // steps in a row without progress
        using var identity = eye(size, dtype: states.dtype, device: states.device);                  // (S, S)
        int steps = 0;
        for (; steps < options.PolishSteps; steps++)
        {
            using var scope = NewDisposeScope();
            Tensor active = nonzero((q >= options.TolQ) & q.isfinite() & (stalls < StallLimit)).reshape(-1); // (A)
            if (active.shape[0] == 0) break;
            active = active.index_select(0, q.index_select(0, active).argsort());                     // lowest q first
            for (long start = 0; start < active.shape[0]; start += ChunkStates)
            {
                using var chunkScope = NewDisposeScope();
                long count = Math.Min(ChunkStates, active.shape[0] - start);
                if (Step(residual, states, q, damping, stalls, identity, active.narrow(0, start, count), options)) continue;
                Tensor rest = active.narrow(0, start + count, active.shape[0] - start - count);       // higher q: not tried
                stalls.index_fill_(0, rest, StallLimit);
                break;
            }
        }
        return (states, q, steps);
    }

    /// <summary>Plain iteration of the map, <c>h ← F(h)</c>, for every state above <c>tol_q</c>, as long as it keeps lowering that
    /// state's q (near a stable point of a contracting map it always does; near a saddle it soon stops, and Newton takes over).
    /// One forward pass per iteration: the next iterate <c>F(F(h))</c> gives the new q. Writes into the tensors in place.</summary>
    static void Iterate(Func<Tensor, Tensor> function, Tensor states, Tensor q, FixedPointOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor index = nonzero((q >= options.TolQ) & q.isfinite()).reshape(-1);                     // (A)
        if (index.shape[0] == 0) return;
        Tensor image = function(states.index_select(0, index)), current = q.index_select(0, index);  // F(h) (A, S), q (A)
        for (int iteration = 0; iteration < options.PolishIterations && index.shape[0] > 0; iteration++)
        {
            using var step = NewDisposeScope();
            Tensor next = function(image);                                                          // F(F(h))
            Tensor nextQ = 0.5 * (next - image).square().sum(1);                                     // q at F(h)
            Tensor improved = nextQ.isfinite() & (nextQ < current);                                  // (A)
            Tensor fast = nextQ < current * IterationProgress;                                       // (A): still worth iterating
            Tensor moved = index.masked_select(improved);
            states.index_copy_(0, moved, image[improved]);
            q.index_copy_(0, moved, nextQ[improved]);
            Tensor running = improved & fast & (nextQ >= options.TolQ);
            var (oldIndex, oldImage, oldCurrent) = (index, image, current);
            index = index.masked_select(running).MoveToOuterDisposeScope();
            image = next[running].MoveToOuterDisposeScope();
            current = nextQ[running].MoveToOuterDisposeScope();
            oldIndex.Dispose();                                                                     // the last iteration's, kept out of this scope
            oldImage.Dispose();
            oldCurrent.Dispose();
        }
    }

    /// <summary>One damped Newton step (or iteration) for the states at <paramref name="index"/>, written into
    /// <paramref name="states"/>, <paramref name="q"/> and <paramref name="damping"/> in place.</summary>
    /// <returns>Whether any of the states was lowered.</returns>
    static bool Step(Func<Tensor, Tensor> residual, Tensor states, Tensor q, Tensor damping, Tensor stalls, Tensor identity, Tensor index, FixedPointOptions options)
    {
        Tensor h = states.index_select(0, index);                                                     // (A, S)
        Tensor current = q.index_select(0, index);                                                    // (A)
        Tensor mu = damping.index_select(0, index);                                                   // (A)
        var (jacobian, g) = Jacobians.Compute(residual, h);                                           // (A, S, S), (A, S)
        using var noGrad = no_grad();
        Tensor jacobianT = jacobian.transpose(1, 2);                                                  // (A, S, S)
        Tensor gram = jacobianT.bmm(jacobian);                                                        // (A, S, S): J_Gᵀ J_G
        Tensor scale = gram.diagonal(0, 1, 2).mean([1]).clamp_min(1e-300);                            // (A): s_i
        Tensor normal = gram + (mu * scale).reshape(-1, 1, 1) * identity;                             // J_Gᵀ J_G + μ s I
        Tensor gradient = jacobianT.bmm(g.unsqueeze(-1));                                             // (A, S, 1): J_Gᵀ G
        Tensor newton = h - linalg.solve(normal, gradient).squeeze(-1);                               // (A, S)
        Tensor newtonQ = Speed(residual, newton);                                                     // (A)
        Tensor best = newton, bestQ = newtonQ;
        if (!options.Continuous)
        {
            Tensor iterate = h + g;                                                                   // F(h)
            Tensor iterateQ = Speed(residual, iterate);
            Tensor iterateBetter = iterateQ < newtonQ;
            best = where(iterateBetter.unsqueeze(1), iterate, newton);
            bestQ = where(iterateBetter, iterateQ, newtonQ);
        }
        Tensor improved = bestQ < current;                                                            // (A)
        states.index_copy_(0, index, where(improved.unsqueeze(1), best, h));
        q.index_copy_(0, index, where(improved, bestQ, current));
        Tensor progressed = bestQ < current * Progress;
        Tensor counted = where(improved, stalls.index_select(0, index) + 1, full_like(stalls.index_select(0, index), StallLimit)); // no fall at all: stop
        stalls.index_copy_(0, index, where(progressed, zeros_like(progressed, dtype: ScalarType.Int32), counted));
        Tensor newtonTaken = newtonQ < current;
        damping.index_copy_(0, index, where(newtonTaken, mu * DampingShrink, mu * DampingGrowth).clamp(SmallestDamping, LargestDamping));
        return improved.any().item<bool>();
    }

    /// <summary><c>q = ½ ‖G(h)‖²</c> per row, infinity where it is not finite.</summary>
    static Tensor Speed(Func<Tensor, Tensor> residual, Tensor states)
    {
        Tensor q = 0.5 * residual(states).square().sum(1);
        return where(q.isfinite(), q, full_like(q, double.PositiveInfinity));
    }
}
