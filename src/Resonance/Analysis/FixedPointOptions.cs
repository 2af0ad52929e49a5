namespace Resonance.Analysis;

/// <summary>Which derivative a spike has in the Jacobians of the polish and of the classification (<c>spike_derivative</c>).</summary>
public enum SpikeDerivative
{
    /// <summary>The step's own: 0 away from the threshold, so the Jacobian is the map's true one almost everywhere.</summary>
    Exact,
    /// <summary>The training surrogate <c>σ'</c>, as in backpropagation.</summary>
    Surrogate,
}

/// <summary>Settings of the <see cref="FixedPointFinder"/> (the <c>analysis.fixed_points</c> section).</summary>
/// <remarks>
/// The defaults follow Golub &amp; Sussillo's FixedPointFinder: <c>tol_q = 1e-12</c>, duplicates within 1e-3 per dimension
/// merged, initial states farther than 10 times the median distance from their centroid excluded, an Adam optimiser
/// (epsilon 0.01) whose learning rate grows while q falls and shrinks when it rises. Here every initial state keeps
/// its own rate and stops on its own, and states that Adam leaves above <c>tol_q</c> are polished by damped Newton steps
/// (FixedPointFinder has no such stage; its slow points stay slow).
/// </remarks>
public sealed record FixedPointOptions
{
    /// <summary>Initial states used at most (<c>initial_states</c>); when the caller gives more, this many are drawn
    /// without replacement from the seeded stream.</summary>
    public int InitialStates { get; init; } = 1024;
    /// <summary>Standard deviation of the Gaussian noise added to every initial state, in state units (<c>noise_scale</c>); 0 = none.</summary>
    public double NoiseScale { get; init; }
    /// <summary>Optimiser iterations at most (<c>max_iterations</c>).</summary>
    public int MaxIterations { get; init; } = 5000;
    /// <summary>Initial Adam learning rate of every state (<c>learning_rate</c>).</summary>
    public double LearningRate { get; init; } = 1.0;
    /// <summary>Factor applied to a state's rate after an iteration that lowered its q (<c>rate_growth</c>), &gt;= 1.</summary>
    public double RateGrowth { get; init; } = 1 / 0.95;
    /// <summary>Factor applied to a state's rate after an iteration that raised its q (<c>rate_decay</c>), in (0, 1].</summary>
    public double RateDecay { get; init; } = 0.5;
    /// <summary>Smallest learning rate (<c>min_learning_rate</c>); a state whose rate has come down to it stops at the next
    /// iteration that does not lower its q (its steps are too short to matter).</summary>
    public double MinLearningRate { get; init; } = 1e-10;
    /// <summary>Adam's epsilon (<c>adam_epsilon</c>); FixedPointFinder's 0.01 makes the last steps plain gradient descent.</summary>
    public double AdamEpsilon { get; init; } = 0.01;
    /// <summary>A state stops once <c>q &lt; tol_q</c> (<c>tol_q</c>).</summary>
    public double TolQ { get; init; } = 1e-12;
    /// <summary>A state stops once q changes by less than this in one iteration (<c>tol_dq</c>).</summary>
    public double TolDq { get; init; } = 1e-20;
    /// <summary>Damped Newton steps at most after the descent, for the states still at or above <c>tol_q</c> (<c>polish_steps</c>);
    /// 0 turns the polish off. Each costs one batched Jacobian and one batched solve of <c>(S, S)</c> systems.</summary>
    public int PolishSteps { get; init; } = 20;
    /// <summary>Plain iterations <c>h ← F(h)</c> at most before the Newton steps, each kept only while it lowers the state's q
    /// (<c>polish_iterations</c>, maps only); 0 = none. One forward pass each.</summary>
    public int PolishIterations { get; init; } = 1000;
    /// <summary>The initial Levenberg–Marquardt damping <c>μ</c> of the Newton steps (<c>polish_damping</c>), relative to the
    /// mean diagonal of <c>J_Gᵀ J_G</c>; divided by 3 after a step that lowered q, multiplied by 4 after one that did not.</summary>
    public double PolishDamping { get; init; } = 1e-9;
    /// <summary>Two points are one when every coordinate differs by less than this (<c>dedup_tolerance</c>), in state units.</summary>
    public double DedupTolerance { get; init; } = 1e-3;
    /// <summary>Unique points kept at most, lowest q first (<c>max_unique</c>); the rest are counted
    /// (<see cref="FixedPointResult.UniqueDropped"/>) but neither classified nor reported. FixedPointFinder's
    /// <c>max_n_unique</c> (which drops at random); each kept point costs one <c>(S, S)</c> Jacobian and eigendecomposition.</summary>
    public int MaxUnique { get; init; } = int.MaxValue;
    /// <summary>Initial states (and found points) farther from the initial states' centroid than this times the initial
    /// states' median distance from it are excluded (<c>outlier_factor</c>); infinity keeps all.</summary>
    public double OutlierFactor { get; init; } = 10;
    /// <summary>The spikes' derivative in the Newton steps and in the Jacobians that classify the points
    /// (<c>spike_derivative</c>): <c>exact</c> (default) linearises the map itself, whose spikes are steps; <c>surrogate</c>
    /// the smoothed map that training differentiates. The Adam descent always uses the surrogate, whose gradient sees
    /// across the thresholds. Only models with spiking units are affected.</summary>
    public SpikeDerivative SpikeDerivative { get; init; } = SpikeDerivative.Exact;
    /// <summary>Treat the function as a vector field <c>dh/dt = f(h)</c>: fixed points solve <c>f(h) = 0</c> and stability
    /// reads <c>Re λ</c> against 0 (<c>continuous</c>); false for a map <c>h → F(h)</c> (<c>|λ|</c> against 1).</summary>
    public bool Continuous { get; init; }
    /// <summary>Keep each point's Jacobian in the result (<c>keep_jacobians</c>); its eigenvalues are always kept.</summary>
    public bool KeepJacobians { get; init; }
    /// <summary>Seed of the subsampling and noise streams (<c>seed</c>).</summary>
    public long Seed { get; init; }

    /// <summary>Refuses impossible values, naming the key under <paramref name="section"/>.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate(string section = "analysis.fixed_points")
    {
        OptionChecks.WholeAtLeast($"{section}.initial_states", InitialStates, 1);
        OptionChecks.NonNegative($"{section}.noise_scale", NoiseScale);
        OptionChecks.WholeAtLeast($"{section}.max_iterations", MaxIterations, 1);
        OptionChecks.Positive($"{section}.learning_rate", LearningRate);
        OptionChecks.InRange($"{section}.rate_growth", RateGrowth, 1, 10);
        OptionChecks.InRange($"{section}.rate_decay", RateDecay, double.Epsilon, 1);
        OptionChecks.Positive($"{section}.min_learning_rate", MinLearningRate);
        if (MinLearningRate > LearningRate)
            throw new UserInputException($"{section}.min_learning_rate: expected at most {section}.learning_rate = {OptionChecks.Format(LearningRate)}, got {OptionChecks.Format(MinLearningRate)}.");
        OptionChecks.Positive($"{section}.adam_epsilon", AdamEpsilon);
        OptionChecks.Positive($"{section}.tol_q", TolQ);
        OptionChecks.NonNegative($"{section}.tol_dq", TolDq);
        OptionChecks.WholeInRange($"{section}.polish_steps", PolishSteps, 0, 1000);
        OptionChecks.Positive($"{section}.polish_damping", PolishDamping);
        OptionChecks.WholeInRange($"{section}.polish_iterations", PolishIterations, 0, 1_000_000);
        OptionChecks.NonNegative($"{section}.dedup_tolerance", DedupTolerance);
        OptionChecks.WholeAtLeast($"{section}.max_unique", MaxUnique, 1);
        if (!(OutlierFactor > 1)) throw new UserInputException($"{section}.outlier_factor: expected a number > 1 (infinity keeps all), got {OptionChecks.Format(OutlierFactor)}.");
    }
}
