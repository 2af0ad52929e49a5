namespace Resonance.Analysis;

/// <summary>The parts of <c>resonance analyze</c> (<c>analysis.parts</c>).</summary>
public enum AnalysisPart
{
    /// <summary>Fixed and slow points, their stability and their relation to the classes.</summary>
    FixedPoints,
    /// <summary>The Lyapunov spectrum of the model running freely.</summary>
    Lyapunov,
    /// <summary>PCA of the hidden states along test trajectories, coloured by class, with the fixed points overlaid.</summary>
    Pca,
    /// <summary>Test accuracy with parts of the neurons taken out (models with spiking neurons: the resonator).</summary>
    Ablations,
}

/// <summary>The constant input <c>x*</c> of the fixed-point search and the free-running Lyapunov map (<c>analysis.input</c>).</summary>
public enum FixedPointInput
{
    /// <summary><c>x* = 0</c>: the step with no external input (biases still act). For the resonator this is exactly the
    /// reasoning step it runs after the sequence.</summary>
    Zero,
    /// <summary><c>x*</c> = the mean input over the analysed test sequences and their steps.</summary>
    Mean,
}

/// <summary>Where the fixed-point search starts (<c>analysis.initial_states_from</c>).</summary>
public enum InitialStateSource
{
    /// <summary>The states at the last step of real test sequences (after the reasoning steps, for the resonator).</summary>
    Final,
    /// <summary>Every state visited along the test trajectories (then subsampled to <c>fixed_points.initial_states</c>).</summary>
    Trajectory,
}

/// <summary>
/// Settings of <c>resonance analyze RUN_DIR</c>: the <c>analysis:</c> section, set with <c>--set analysis.KEY=VALUE</c>.
/// </summary>
/// <example><code>
/// resonance analyze runs/quickstart-20261125-101500 --set analysis.batch=256 --set analysis.fixed_points.max_iterations=1000
/// resonance analyze RUN_DIR --set analysis.parts=fixed_points,pca
/// </code></example>
public sealed record AnalysisOptions
{
    /// <summary>The parts to run (<c>parts</c>); every part by default.</summary>
    public IReadOnlyList<AnalysisPart> Parts { get; init; } = [AnalysisPart.FixedPoints, AnalysisPart.Lyapunov, AnalysisPart.Pca, AnalysisPart.Ablations];
    /// <summary>Test sequences (the first ones of the test split) whose trajectories give the PCA, the class centroids and
    /// the initial states (<c>batch</c>).</summary>
    public int Batch { get; init; } = 500;
    /// <summary>Test examples for the accuracies of the full and ablated model (<c>test_examples</c>); 0 = the whole test split.</summary>
    public int TestExamples { get; init; } = 2000;
    /// <summary>The constant input of the fixed-point search and the Lyapunov map (<c>input</c>).</summary>
    public FixedPointInput Input { get; init; } = FixedPointInput.Zero;
    /// <summary>Where the fixed-point search starts (<c>initial_states_from</c>).</summary>
    public InitialStateSource InitialStatesFrom { get; init; } = InitialStateSource.Final;
    /// <summary>Search fixed points and the Lyapunov spectrum in float64 (<c>float64</c>): <c>tol_q</c> 1e-12 is out of
    /// float32's reach (its rounding alone leaves q near 1e-14 per coordinate).</summary>
    public bool Float64 { get; init; } = true;
    /// <summary>Trajectories (from the first final states) averaged in the Lyapunov spectrum (<c>lyapunov_trajectories</c>).</summary>
    public int LyapunovTrajectories { get; init; } = 8;
    /// <summary>Neurons listed as candidate kick neurons: those whose silencing lowers the accuracy most (<c>kick_neurons</c>).</summary>
    public int KickNeurons { get; init; } = 20;
    /// <summary>The reasoning-step ablation runs 0 to this many steps (<c>max_reasoning_steps</c>).</summary>
    public int MaxReasoningSteps { get; init; } = 8;
    /// <summary>Attractor studies: corrupted cues per stored memory among the initial states of the search and the retrieval
    /// whose energy is drawn (<c>cues_per_memory</c>), each with the study's <c>flip_fraction</c> of its bits flipped.</summary>
    public int CuesPerMemory { get; init; } = 4;
    /// <summary>The fixed-point search (<c>fixed_points</c>); 256 initial states, 1,000 Adam iterations and at most 256 unique
    /// points classified by default (the polish that follows the descent takes the states on to <c>tol_q</c>).</summary>
    public FixedPointOptions FixedPoints { get; init; } = new() { InitialStates = 256, MaxIterations = 1000, MaxUnique = 256 };
    /// <summary>The Lyapunov spectrum (<c>lyapunov</c>); 5 exponents, 100 warm-up and 300 recorded steps by default: on the
    /// one-epoch resonator and LSTM the running estimate of the largest exponent moved by less than the spread between
    /// trajectories after 300 steps (docs/analysis.md), at a quarter of the 1,200 steps' time.</summary>
    public LyapunovOptions Lyapunov { get; init; } = new() { Exponents = 5, WarmupSteps = 100, Steps = 300 };

    /// <summary>Whether <paramref name="part"/> is to run.</summary>
    public bool Runs(AnalysisPart part) => Parts.Contains(part);

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        OptionChecks.Distinct("analysis.parts", Parts);
        OptionChecks.WholeInRange("analysis.batch", Batch, 1, 100_000);
        OptionChecks.WholeInRange("analysis.test_examples", TestExamples, 0, 10_000_000);
        OptionChecks.WholeInRange("analysis.lyapunov_trajectories", LyapunovTrajectories, 1, 1024);
        OptionChecks.WholeAtLeast("analysis.kick_neurons", KickNeurons, 0);
        OptionChecks.WholeInRange("analysis.max_reasoning_steps", MaxReasoningSteps, 0, 1000);
        OptionChecks.WholeInRange("analysis.cues_per_memory", CuesPerMemory, 0, 1000);
        FixedPoints.Validate();
        Lyapunov.Validate();
    }
}
