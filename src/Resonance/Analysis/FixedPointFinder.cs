using System.Numerics;
using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>
/// Finds fixed and slow points of a recurrent map (or zeros of a vector field) from many initial states at once, and
/// classifies each by the eigenvalues of its Jacobian (Sussillo &amp; Barak 2013; Golub &amp; Sussillo's FixedPointFinder).
/// </summary>
/// <remarks>
/// <code>
/// q(h) = ½ ‖F(h, x*) − h‖²                 (a map;   ½ ‖f(h)‖² for a flow)
/// m ← β₁ m + (1 − β₁) ∇q,  v ← β₂ v + (1 − β₂) ∇q²,  h ← h − η_i · m̂ / (√v̂ + ε)
/// η_i ← η_i · growth  when q_i fell,  η_i · decay  when it rose   (per state i, at least min_learning_rate)
/// </code>
/// All states are one batch: one forward and one backward pass per iteration. A state stops when <c>q &lt; tol_q</c> or
/// when q changes by less than <c>tol_dq</c>, or when its rate is down to <c>min_learning_rate</c> and q did not fall.
/// Every state still at or above <c>tol_q</c> is then polished by damped Newton steps on <c>F(h) − h = 0</c> with the plain iteration of the map as fallback (<see cref="FixedPointPolish"/>,
/// <c>polish_steps</c>). Then optimised states beyond the outlier distance are dropped, states that
/// agree within the dedup tolerance in every coordinate are merged (the lowest q kept), at most <c>max_unique</c> of
/// them are kept (lowest q first), and each point's Jacobian <c>J = ∂F/∂h</c> is computed by <see cref="Jacobians"/> and
/// decomposed (<c>linalg.eigvals</c>, coordinates with an all-zero row or column deflated first: <see cref="Eigenvalues"/>).
/// The polish and the classification differentiate spikes exactly (<c>spike_derivative</c>), the descent through the
/// training surrogate. A map's point is
/// stable when every <c>|λ| &lt; 1</c>, unstable when every <c>|λ| &gt; 1</c>, a saddle with <c>#{|λ| &gt; 1}</c> unstable
/// directions otherwise; a flow's reads <c>Re λ</c> against 0. Points with <c>q ≥ tol_q</c> are kept as slow points.
/// Computation runs in the initial states' dtype and device; the model's parameters must share them.
/// </remarks>
public static class FixedPointFinder
{
    const double Beta1 = 0.9, Beta2 = 0.999;
    static readonly Scalar MomentWeight = 1 - Beta1, VarianceWeight = 1 - Beta2;

    /// <summary>Searches a model's step <c>h → F(h, x*)</c> through its <see cref="IRecurrentDynamics"/>.</summary>
    /// <param name="dynamics">The model's dynamics.</param>
    /// <param name="initialStates"><c>(N, StateSize)</c>, e.g. states visited along real trajectories.</param>
    /// <param name="input">The constant input <c>x*</c>, <c>(InputSize)</c> or <c>(1, InputSize)</c>; null for the autonomous map.</param>
    /// <param name="options">Validated here.</param>
    public static FixedPointResult Find(IRecurrentDynamics dynamics, Tensor initialStates, Tensor? input, FixedPointOptions options)
    {
        if (initialStates.dim() != 2 || initialStates.shape[1] != dynamics.StateSize)
            throw new ArgumentException($"initialStates: expected (N, {dynamics.StateSize}), got ({string.Join(", ", initialStates.shape)})", nameof(initialStates));
        if (input is not null && input.numel() != dynamics.InputSize)
            throw new ArgumentException($"input: expected {dynamics.InputSize} features, got {input.numel()}", nameof(input));
        Tensor? constant = input?.reshape(1, dynamics.InputSize);
        return Find(state => dynamics.Step(state, constant?.expand(state.shape[0], -1)), initialStates, options);
    }

    /// <summary>Searches any batched function: a map <c>h → F(h)</c>, or a vector field <c>f</c> when <see cref="FixedPointOptions.Continuous"/>.</summary>
    /// <param name="function">Maps <c>(batch, S)</c> to <c>(batch, S)</c>, rows independent, differentiable.</param>
    /// <param name="initialStates"><c>(N, S)</c>.</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="UserInputException">An option is out of range.</exception>
    public static FixedPointResult Find(Func<Tensor, Tensor> function, Tensor initialStates, FixedPointOptions options)
    {
        options.Validate();
        if (initialStates.dim() != 2 || initialStates.shape[0] < 1)
            throw new ArgumentException($"initialStates: expected (N, S) with N >= 1, got ({string.Join(", ", initialStates.shape)})", nameof(initialStates));
        using var scope = NewDisposeScope();
        Func<Tensor, Tensor> residual = options.Continuous ? function : state => function(state) - state; // (B, S)

        var (starts, origins) = Sample(initialStates.detach(), options);                                   // (N, S), N indices
        Tensor centroid = starts.mean([0], keepdim: true);                                                  // (1, S)
        Tensor distance = (starts - centroid).square().sum(1).sqrt();                                                      // (N)
        double limit = options.OutlierFactor * distance.median().ToDouble();
        long[] kept = Indices(double.IsFinite(limit) && limit > 0 ? distance <= limit : ones_like(distance, ScalarType.Bool));
        int excludedStarts = (int)starts.shape[0] - kept.Length;
        starts = starts.index_select(0, tensor(kept, device: starts.device));
        origins = [.. kept.Select(i => origins[i])];

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (descended, descendedQ, iterations) = Optimise(residual, starts, options);
        double descent = clock.Elapsed.TotalSeconds;
        using var exact = options.SpikeDerivative == SpikeDerivative.Exact ? SurrogateGradient.ExactDerivative() : null; // polish and classification
        var (states, q, polishSteps) = FixedPointPolish.Run(function, residual, descended, descendedQ, options);
        double polish = clock.Elapsed.TotalSeconds - descent;
        int converged = (int)(q < options.TolQ).sum().ToInt64();

        Tensor keep = q.isfinite() & (double.IsFinite(limit) && limit > 0 ? (states - centroid).square().sum(1).sqrt() <= limit : ones_like(q, ScalarType.Bool));
        long[] finite = Indices(keep);
        int excludedPoints = (int)states.shape[0] - finite.Length;
        states = states.index_select(0, tensor(finite, device: states.device));
        q = q.index_select(0, tensor(finite, device: q.device));
        origins = [.. finite.Select(i => origins[i])];

        long[] unique = Deduplicate(states, q, options.DedupTolerance);                                       // lowest q first
        int merged = finite.Length - unique.Length;
        int dropped = Math.Max(0, unique.Length - options.MaxUnique);
        unique = unique[..Math.Min(unique.Length, options.MaxUnique)];
        double merge = clock.Elapsed.TotalSeconds - descent - polish;
        if (unique.Length == 0)
            return new FixedPointResult([], (int)starts.shape[0], excludedStarts, excludedPoints, merged, iterations)
                { PolishSteps = polishSteps, ConvergedStates = converged, UniqueDropped = dropped, Times = new(descent, polish, merge, 0) };
        using var uniqueIndex = tensor(unique, device: states.device);
        Tensor points = states.index_select(0, uniqueIndex);                                                // (M, S)
        Tensor pointQ = q.index_select(0, uniqueIndex);                                                     // (M)
        var (jacobian, _) = Jacobians.Compute(function, points);                                            // (M, S, S)
        Tensor eigenvalues = Eigenvalues(jacobian.to(CPU));                                                 // (M, S) complex128

        var found = Describe(points, pointQ, jacobian, eigenvalues, [.. unique.Select(i => origins[i])], options);
        var times = new FixedPointTimes(descent, polish, merge, clock.Elapsed.TotalSeconds - descent - polish - merge);
        return new FixedPointResult(found, (int)starts.shape[0], excludedStarts, excludedPoints, merged, iterations)
            { PolishSteps = polishSteps, ConvergedStates = converged, UniqueDropped = dropped, Times = times };
    }

    /// <summary>At most <c>initial_states</c> rows drawn without replacement, plus the seeded noise; and each row's index in the input.</summary>
    static (Tensor States, int[] Origins) Sample(Tensor initialStates, FixedPointOptions options)
    {
        long count = initialStates.shape[0];
        int[] origins;
        Tensor states;
        if (count > options.InitialStates)
        {
            using var generator = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "fixed_points.subsample"));
            using var order = randperm(count, generator: generator);
            origins = [.. order.data<long>().Take(options.InitialStates).Select(i => (int)i)];
            states = initialStates.index_select(0, tensor(origins.Select(i => (long)i).ToArray(), device: initialStates.device));
        }
        else
        {
            origins = [.. Enumerable.Range(0, (int)count)];
            states = initialStates.clone();
        }
        if (options.NoiseScale > 0)
        {
            using var generator = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "fixed_points.noise"));
            using var noise = randn(states.shape, dtype: states.dtype, generator: generator);
            states = states + options.NoiseScale * noise.to(states.device);
        }
        return (states, origins);
    }

    /// <summary>The batched Adam descent on q with per-state adaptive rates and stopping.</summary>
    /// <returns>The final states <c>(N, S)</c>, their q <c>(N)</c> and the iterations run.</returns>
    static (Tensor States, Tensor Q, int Iterations) Optimise(Func<Tensor, Tensor> residual, Tensor starts, FixedPointOptions options)
    {
        // The running states are kept compact (x, m, v, rate, previous hold only them, rows in the order of `index`), so an
        // iteration in which no state stops gathers and scatters nothing; stopped states are written back to `states`.
        Tensor states = starts.detach().clone();                                       // (N, S): every state's final value
        long count = states.shape[0];
        Tensor index = arange(count, device: states.device);                           // (A): rows of the running states
        Tensor x = states.clone();                                                     // (A, S)
        Tensor firstMoment = zeros_like(x), secondMoment = zeros_like(x);              // Adam's m, v
        Tensor rate = full(count, options.LearningRate, dtype: states.dtype, device: states.device); // η_i
        Tensor previous = full(count, double.PositiveInfinity, dtype: states.dtype, device: states.device);
        int iteration = 0;
        while (iteration < options.MaxIterations)
        {
            using var step = NewDisposeScope();
            Tensor q, gradient;
            using (enable_grad())
            {
                Tensor leaf = x.detach().requires_grad_();                             // (A, S), shares x's storage
                Tensor r = residual(leaf);                                             // (A, S)
                q = 0.5 * r.square().sum(1);                                           // (A)
                gradient = torch.autograd.grad([q.sum()], [leaf])[0];                  // (A, S)
                q = q.detach();
            }
            using var noGrad = no_grad();
            Tensor last = previous;
            Tensor floored = rate <= options.MinLearningRate;                          // (A): the rate cannot fall further
            Tensor done = (q < options.TolQ) | ((last - q).abs() < options.TolDq) | q.isnan() | (floored & (q >= last));
            if (done.any().item<bool>())
            {
                Tensor stopped = nonzero(done).reshape(-1);
                states.index_copy_(0, index.index_select(0, stopped), x.index_select(0, stopped));
                Tensor keep = nonzero(done.logical_not()).reshape(-1);
                if (keep.shape[0] == 0) { index = keep.MoveToOuterDisposeScope(); break; }
                Compact(ref index, keep);
                Compact(ref x, keep);
                Compact(ref firstMoment, keep);
                Compact(ref secondMoment, keep);
                Compact(ref rate, keep);
                q = q.index_select(0, keep);
                last = last.index_select(0, keep);
                gradient = gradient.index_select(0, keep);
            }
            iteration++;
            Tensor fell = q < last;                                                    // (A)
            rate.copy_(where(fell, rate * options.RateGrowth, rate * options.RateDecay).clamp_min(options.MinLearningRate)); // η_i
            previous.Dispose();
            previous = q.clone().MoveToOuterDisposeScope();
            firstMoment.mul_(Beta1).add_(gradient, alpha: MomentWeight);
            secondMoment.mul_(Beta2).addcmul_(gradient, gradient, VarianceWeight);
            double correction1 = 1 - Math.Pow(Beta1, iteration), correction2 = 1 - Math.Pow(Beta2, iteration);
            Tensor update = firstMoment / correction1 / ((secondMoment / correction2).sqrt_().add_(options.AdamEpsilon)); // m̂ / (√v̂ + ε)
            x.sub_(update.mul_(rate.unsqueeze(1)));
        }
        using var final = no_grad();
        if (index.shape[0] > 0) states.index_copy_(0, index, x);
        Tensor finalQ = 0.5 * residual(states).square().sum(1);                        // (N)
        return (states, finalQ, iteration);
    }

    /// <summary>Replaces <paramref name="tensor"/> (owned by the enclosing scope) by its rows <paramref name="keep"/>, moved out of the iteration's scope.</summary>
    static void Compact(ref Tensor tensor, Tensor keep)
    {
        Tensor kept = tensor.index_select(0, keep).MoveToOuterDisposeScope();
        tensor.Dispose();
        tensor = kept;
    }

    /// <summary>Indices of the states kept after merging: by increasing q, a state is dropped when an earlier kept one
    /// agrees with it within <paramref name="tolerance"/> in every coordinate.</summary>
    static long[] Deduplicate(Tensor states, Tensor q, double tolerance)
    {
        long count = states.shape[0];
        if (count == 0) return [];
        long[] order = q.argsort().data<long>().ToArray();
        using var sorted = states.index_select(0, tensor(order, device: states.device)).to(ScalarType.Float64, CPU);
        using var chebyshev = cdist(sorted, sorted, double.PositiveInfinity);             // (N, N), max over coordinates
        using var near = (chebyshev < tolerance).to(ScalarType.Byte);
        byte[] close = near.data<byte>().ToArray();
        var kept = new List<long>();                                                          // positions in the sorted order
        for (long i = 0; i < count; i++)
            if (!kept.Any(k => close[i * count + k] != 0)) kept.Add(i);
        return [.. kept.Select(k => order[k])];
    }

    static FixedPoint[] Describe(Tensor points, Tensor q, Tensor jacobian, Tensor eigenvalues, int[] origins, FixedPointOptions options)
    {
        long count = points.shape[0], size = points.shape[1];
        double[] pointValues = points.to(ScalarType.Float64, CPU).data<double>().ToArray();
        double[] qValues = q.to(ScalarType.Float64, CPU).data<double>().ToArray();
        double[] parts = view_as_real(eigenvalues).contiguous().data<double>().ToArray();   // (M, S, 2)
        double[]? jacobianValues = options.KeepJacobians ? jacobian.to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray() : null;
        var found = new FixedPoint[count];
        for (long m = 0; m < count; m++)
        {
            var lambdas = new Complex[size];
            for (long j = 0; j < size; j++) lambdas[j] = new Complex(parts[(m * size + j) * 2], parts[(m * size + j) * 2 + 1]);
            lambdas = options.Continuous
                ? [.. lambdas.OrderByDescending(l => l.Real).ThenByDescending(l => l.Imaginary)]
                : [.. lambdas.OrderByDescending(l => l.Magnitude).ThenByDescending(l => l.Imaginary)];
            int unstable = lambdas.Count(l => options.Continuous ? l.Real > 0 : l.Magnitude > 1);
            var stability = unstable == 0 ? FixedPointStability.Stable : unstable == size ? FixedPointStability.Unstable : FixedPointStability.Saddle;
            double[,]? matrix = null;
            if (jacobianValues is not null)
            {
                matrix = new double[size, size];
                Buffer.BlockCopy(jacobianValues, (int)(m * size * size * sizeof(double)), matrix, 0, (int)(size * size * sizeof(double)));
            }
            found[m] = new FixedPoint(pointValues[(int)(m * size)..(int)((m + 1) * size)], qValues[m], !(qValues[m] < options.TolQ),
                lambdas, stability, unstable, origins[m], matrix);
        }
        return [.. found.OrderBy(point => point.Q)];
    }

    /// <summary>The eigenvalues of every Jacobian, decomposed in its dtype, with the coordinates that play no part deflated first.</summary>
    /// <remarks>
    /// When column <c>c</c> of <c>J</c> is zero (the next state does not depend on coordinate <c>c</c>, e.g. a spike
    /// vector that only the next step's potential decides) or row <c>c</c> is zero, expanding <c>det(J − λI)</c> along it
    /// gives <c>(−λ) · det(J' − λI)</c> with <c>J'</c> the matrix without row and column <c>c</c>: one eigenvalue 0 and the
    /// others those of <c>J'</c>. Coordinates whose column or row is exactly zero at every point are removed together
    /// (the rest stay zero in the smaller matrix, so the rule applies again), which cuts the cubic cost of the
    /// decomposition: a resonator without refractoriness drops its spike third, <c>(2/3)³ ≈ 0.3</c> of the work.
    /// </remarks>
    /// <param name="jacobian"><c>(M, S, S)</c>.</param>
    /// <returns><c>(M, S)</c> complex128, the deflated zeros last.</returns>
    internal static Tensor Eigenvalues(Tensor jacobian)
    {
        using var scope = NewDisposeScope();
        long size = jacobian.shape[1];
        Tensor magnitude = jacobian.abs();
        Tensor passive = (magnitude.amax([0, 1]) == 0) | (magnitude.amax([0, 2]) == 0);                    // (S): column or row zero everywhere
        long[] keep = Indices(passive.logical_not());
        if (keep.Length == size) return EigvalsOnAllThreads(jacobian).to(ScalarType.ComplexFloat64).MoveToOuterDisposeScope();
        Tensor index = tensor(keep, device: jacobian.device);
        Tensor reduced = jacobian.index_select(1, index).index_select(2, index);                            // (M, K, K)
        Tensor lambdas = keep.Length == 0 ? zeros(jacobian.shape[0], 0, ScalarType.ComplexFloat64, jacobian.device)
            : EigvalsOnAllThreads(reduced).to(ScalarType.ComplexFloat64);                                   // (M, K)
        Tensor zerosTail = zeros(jacobian.shape[0], size - keep.Length, ScalarType.ComplexFloat64, jacobian.device);
        return cat([lambdas, zerosTail], 1).MoveToOuterDisposeScope();
    }

    /// <summary><c>linalg.eigvals</c> of a batch, the batch split over libtorch's intra-op threads.</summary>
    /// <remarks>libtorch decomposes a batch one matrix after another on the calling thread (measured: 256 matrices of 256 x 256
    /// in float64 took 9.1 s wall and 9.3 s of CPU on two cores), so each thread here takes a contiguous part. The workers
    /// make one libtorch call each with no Scalar argument (the TorchSharp race of docs/building.md needs a Scalar in
    /// flight); their results are made outside the caller's dispose scope, so they are disposed here once joined.</remarks>
    /// <param name="matrices"><c>(M, K, K)</c>.</param>
    /// <returns><c>(M, K)</c> complex, in the caller's dispose scope.</returns>
    internal static Tensor EigvalsOnAllThreads(Tensor matrices)
    {
        long count = matrices.shape[0];
        int parts = (int)Math.Min(get_num_threads(), count);
        if (parts <= 1 || matrices.device.type != DeviceType.CPU) return linalg.eigvals(matrices);
        var slices = new Tensor[parts];
        for (int i = 0; i < parts; i++)
        {
            long start = count * i / parts, end = count * (i + 1) / parts;
            slices[i] = matrices.narrow(0, start, end - start);
        }
        var results = new Tensor?[parts];
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, i => results[i] = linalg.eigvals(slices[i]));
            return cat(results!, 0);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            foreach (var result in results) result?.Dispose();
        }
    }

    static long[] Indices(Tensor mask) => nonzero(mask).reshape(-1).to(CPU).data<long>().ToArray();
}
