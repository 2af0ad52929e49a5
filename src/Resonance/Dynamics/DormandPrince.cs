using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>Settings of <see cref="DormandPrince"/>: tolerances and step limits.</summary>
public sealed record DormandPrinceOptions
{
    /// <summary>Relative tolerance of the local error (<c>rtol</c>).</summary>
    public double RelativeTolerance { get; init; } = 1e-6;
    /// <summary>Absolute tolerance of the local error (<c>atol</c>).</summary>
    public double AbsoluteTolerance { get; init; } = 1e-9;
    /// <summary>The first step tried (time units); later steps follow the error.</summary>
    public double InitialStep { get; init; } = 1e-2;
    /// <summary>Steps below this mean the tolerance cannot be met (a blow-up, or a stiff system).</summary>
    public double MinimumStep { get; init; } = 1e-12;
    /// <summary>Attempted steps (accepted and rejected) allowed in one call before it gives up.</summary>
    public int MaximumSteps { get; init; } = 1_000_000;

    /// <summary>Refuses impossible values, naming the option.</summary>
    /// <exception cref="UserInputException">A value outside its range.</exception>
    public void Validate()
    {
        OptionChecks.Positive("rtol", RelativeTolerance);
        OptionChecks.NonNegative("atol", AbsoluteTolerance);
        OptionChecks.Positive("initial_step", InitialStep);
        OptionChecks.Positive("minimum_step", MinimumStep);
        OptionChecks.WholeAtLeast("maximum_steps", MaximumSteps, 1);
    }
}

/// <summary>What an adaptive integration did.</summary>
/// <param name="States">The state at each output time, <c>(T, B, D)</c>.</param>
/// <param name="AcceptedSteps">Steps whose error met the tolerance.</param>
/// <param name="RejectedSteps">Steps retried with a smaller step.</param>
public sealed record AdaptiveSolution(Tensor States, int AcceptedSteps, int RejectedSteps);

/// <summary>
/// The adaptive Dormand–Prince 5(4) method (Dormand &amp; Prince 1980) with error control, batched: one step size for
/// the whole batch, set by its worst row.
/// </summary>
/// <remarks>
/// <code>
/// k_i = f(x + h Σ_j a_ij k_j),  i = 1..7;   x₅ = x + h Σ b_i k_i (5th order, propagated);   x₄ = x + h Σ b*_i k_i
/// err = max over rows of sqrt(mean_d ((x₅ − x₄)_d / (atol + rtol · max(|x|_d, |x₅|_d)))²)
/// accept when err ≤ 1;   h ← h · clamp(0.9 · err^(−1/5), 0.2, 5)
/// </code>
/// The seventh stage is the first of the next step (first same as last). Output on a fixed grid: the integration steps
/// to each output time exactly (the last step before it is shortened), so no interpolation error enters the output.
/// </remarks>
public static class DormandPrince
{
    static readonly double[][] A =
    [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ];
    /// <summary><c>b − b*</c>: the 5th-order weights minus the embedded 4th-order ones.</summary>
    static readonly double[] ErrorWeights = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40];

    /// <summary>Integrates from <paramref name="state"/> at time 0 and returns the state at each of <paramref name="outputTimes"/>.</summary>
    /// <param name="field">The derivative, <c>(B, D)</c> to <c>(B, D)</c>.</param>
    /// <param name="state"><c>(B, D)</c> at time 0.</param>
    /// <param name="outputTimes">Increasing times ≥ 0.</param>
    /// <param name="options">Tolerances; validated here.</param>
    /// <exception cref="UserInputException">An option out of range, or output times that do not increase.</exception>
    /// <exception cref="DivergenceException">The step fell below the minimum, the step budget ran out, or the state stopped being finite.</exception>
    public static AdaptiveSolution Solve(Func<Tensor, Tensor> field, Tensor state, IReadOnlyList<double> outputTimes, DormandPrinceOptions options)
    {
        options.Validate();
        for (int i = 0; i < outputTimes.Count; i++)
            if (!double.IsFinite(outputTimes[i]) || outputTimes[i] < 0 || (i > 0 && outputTimes[i] <= outputTimes[i - 1]))
                throw new UserInputException($"output times: expected increasing finite times >= 0, got {outputTimes[i]} at position {i}.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = state.detach().clone();
        Tensor k1 = field(x);
        double t = 0, h = options.InitialStep;
        int accepted = 0, rejected = 0;
        var outputs = new List<Tensor>(outputTimes.Count);
        foreach (double target in outputTimes)
        {
            while (t < target)
            {
                if (accepted + rejected >= options.MaximumSteps)
                    throw new DivergenceException($"Dormand-Prince: {options.MaximumSteps} steps did not reach t = {target} (at t = {t}); loosen rtol/atol or raise maximum_steps.");
                bool last = t + h >= target;
                double step = last ? target - t : h;
                using var stepScope = NewDisposeScope();
                var (next, k7, error) = Attempt(field, x, k1, step, options);
                if (!double.IsFinite(error))
                    throw new DivergenceException($"Dormand-Prince: the state stopped being finite near t = {t}.");
                if (error <= 1)
                {
                    x = next.MoveToOuterDisposeScope();
                    k1 = k7.MoveToOuterDisposeScope();
                    t = last ? target : t + step;
                    accepted++;
                }
                else rejected++;
                double factor = error == 0 ? 5 : Math.Clamp(0.9 * Math.Pow(error, -0.2), 0.2, 5);
                if (!(last && error <= 1)) h = step * factor;       // a shortened last step says little about the next
                if (h < options.MinimumStep)
                    throw new DivergenceException($"Dormand-Prince: the step fell below {options.MinimumStep} near t = {t}; the solution may blow up there.");
            }
            outputs.Add(x.clone());
        }
        Tensor states = stack(outputs, 0);                                                   // (T, B, D)
        return new AdaptiveSolution(states.MoveToOuterDisposeScope(), accepted, rejected);
    }

    /// <summary>One trial step: the 5th-order state, the derivative there (next k1) and the scaled error norm.</summary>
    static (Tensor Next, Tensor K7, double Error) Attempt(Func<Tensor, Tensor> field, Tensor x, Tensor k1, double h, DormandPrinceOptions options)
    {
        var k = new Tensor[7];
        k[0] = k1;
        Tensor next = x;
        for (int i = 1; i < 7; i++)
        {
            Tensor sum = x;
            for (int j = 0; j < i; j++)
                if (A[i][j] != 0) sum = sum + (h * A[i][j]) * k[j];
            k[i] = field(sum);                                                                // stage 7 is f(x₅): the next step's k1
            next = sum;
        }
        return Finish(x, next, k, h, options);
    }

    static (Tensor, Tensor, double) Finish(Tensor x, Tensor next, Tensor[] k, double h, DormandPrinceOptions options)
    {
        Tensor error = zeros_like(x);
        for (int i = 0; i < 7; i++)
            if (ErrorWeights[i] != 0) error = error + (h * ErrorWeights[i]) * k[i];                  // x₅ − x₄, (B, D)
        Tensor scale = options.AbsoluteTolerance + options.RelativeTolerance * maximum(x.abs(), next.abs());
        double norm = (error / scale).square().mean([1]).sqrt().max().to(ScalarType.Float64).item<double>();
        return (next, k[6], norm);
    }
}
