using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>Estimated Lyapunov exponents and how the estimate converged.</summary>
/// <param name="Exponents">The <c>k</c> exponents, largest first, averaged over the initial conditions (per unit time: divided by <c>time_step</c>).</param>
/// <param name="PerInitialCondition">Each initial condition's exponents, <c>[B][k]</c>.</param>
/// <param name="Running">The running estimate after each recorded step, averaged over the initial conditions, <c>[steps, k]</c>.</param>
public sealed record LyapunovResult(double[] Exponents, double[][] PerInitialCondition, double[,] Running)
{
    /// <summary>The sum of the estimated exponents (the mean log volume contraction when all <c>S</c> are estimated).</summary>
    public double Sum => Exponents.Sum();
}

/// <summary>
/// The Lyapunov spectrum of a step function by the QR method (Benettin et al. 1980; Shimada &amp; Nagashima 1979) on
/// autograd Jacobians, for several initial conditions at once.
/// </summary>
/// <remarks>
/// <code>
/// h_{t+1} = F(h_t),   J_t = ∂F/∂h (h_t),   Q_{t+1} R_{t+1} = J_t Q_t   (QR, Q: (S, k) orthonormal)
/// λ_i = 1 / (T · Δt) · Σ_t log |R_t[i, i]|
/// </code>
/// <c>Q₀</c> is a random orthonormal basis from the seed. The first <c>warmup_steps</c> steps evolve the state and the
/// basis without recording. With <c>orthonormalize_every = n</c> the basis is propagated <c>n</c> steps before each QR
/// (the log-diagonal of one R then spans the n steps). For a flow, pass an integrator step (RK4) with
/// <c>time_step = dt</c>; the map's exponents are divided by <c>dt</c>. The Jacobians come from <see cref="Jacobians.Compute"/>
/// (one batched forward and backward pass per step), whose forward also advances the state. Use float64 for precise figures.
/// </remarks>
public static class LyapunovSpectrum
{
    /// <summary>Estimates the <c>k</c> largest exponents of <paramref name="step"/>.</summary>
    /// <param name="step">The map <c>F</c>, <c>(batch, S)</c> to <c>(batch, S)</c>, rows independent, differentiable.</param>
    /// <param name="initialStates"><c>(B, S)</c>: one trajectory per row.</param>
    /// <param name="options">Validated here against <c>S</c>.</param>
    /// <exception cref="UserInputException">An option is out of range.</exception>
    public static LyapunovResult Compute(Func<Tensor, Tensor> step, Tensor initialStates, LyapunovOptions options)
    {
        if (initialStates.dim() != 2 || initialStates.shape[0] < 1)
            throw new ArgumentException($"initialStates: expected (B, S) with B >= 1, got ({string.Join(", ", initialStates.shape)})", nameof(initialStates));
        long batch = initialStates.shape[0], size = initialStates.shape[1];
        options.Validate((int)size);
        int k = options.Exponents;
        using var scope = NewDisposeScope();
        Tensor state = initialStates.detach().clone();                                   // (B, S)
        Tensor basis;                                                                    // (B, S, k)
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "lyapunov.basis")))
            basis = linalg.qr(randn([batch, size, k], dtype: ScalarType.Float64, generator: generator)).Q.to(state.dtype, state.device);
        var logs = new List<Tensor>(options.Steps);                                     // each (B, k)
        int total = options.WarmupSteps + options.Steps;
        for (int t = 0; t < total; t++)
        {
            using var stepScope = NewDisposeScope();
            var (jacobian, next) = Jacobians.Compute(step, state);                      // (B, S, S), (B, S)
            Tensor propagated = jacobian.bmm(basis);                                     // (B, S, k): J_t Q_t
            bool orthonormalize = (t + 1) % options.OrthonormalizeEvery == 0 || t == total - 1 || t == options.WarmupSteps - 1;
            Tensor? stretch = null;
            if (orthonormalize)
            {
                var (q, r) = linalg.qr(propagated);                                      // (B, S, k), (B, k, k)
                propagated = q;
                stretch = r.diagonal(0, -2, -1).abs().log();                             // (B, k): log |R_ii|
            }
            state = next.MoveToOuterDisposeScope();
            basis = propagated.MoveToOuterDisposeScope();
            if (t < options.WarmupSteps) continue;
            logs.Add((stretch ?? zeros(batch, k, dtype: state.dtype, device: state.device)).MoveToOuterDisposeScope());
        }
        Tensor stacked = stack(logs, 0).to(ScalarType.Float64, CPU);                     // (T, B, k)
        double perUnitTime = 1 / options.TimeStep;
        Tensor perCondition = stacked.sum([0]) / options.Steps * perUnitTime;              // (B, k)
        Tensor steps = arange(1, options.Steps + 1, dtype: ScalarType.Float64).unsqueeze(1); // (T, 1)
        Tensor running = stacked.mean([1]).cumsum(0) / steps * perUnitTime;             // (T, k)
        double[] mean = perCondition.mean([0]).data<double>().ToArray();
        double[] flat = perCondition.contiguous().data<double>().ToArray();
        double[][] rows = [.. Enumerable.Range(0, (int)batch).Select(b => flat[(b * k)..((b + 1) * k)])];
        var curve = new double[options.Steps, k];
        Buffer.BlockCopy(running.contiguous().data<double>().ToArray(), 0, curve, 0, options.Steps * k * sizeof(double));
        return new LyapunovResult(mean, rows, curve);
    }
}
