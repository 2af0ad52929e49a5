namespace Resonance.Attractors.Studies;

/// <summary>A kind of memory compared in the studies (YAML <c>learned</c>, <c>learned-noisy</c>, <c>learned-basin</c>, <c>hebbian</c>, <c>storkey</c>,
/// <c>pseudo-inverse</c>, <c>projection</c>, <c>dreaming</c>, <c>modern</c>, <c>dense</c>, <c>learned-dense</c>).</summary>
public enum MemoryRule
{
    /// <summary>An <see cref="AttractorRnn"/> trained as the <c>training</c> section says (the seed's regimen by default).</summary>
    Learned,
    /// <summary>The same net trained with the noisy regimen for all epochs (noise-aware training).</summary>
    LearnedNoisy,
    /// <summary>The same net trained with the basin regimen (<see cref="Regimen.Basin"/>: a margin loss on the read-out bits from
    /// clean and corrupted cues) for all epochs.</summary>
    LearnedBasin,
    /// <summary><see cref="ClassicalRule.Hebbian"/>.</summary>
    Hebbian,
    /// <summary><see cref="ClassicalRule.Storkey"/>.</summary>
    Storkey,
    /// <summary><see cref="ClassicalRule.PseudoInverse"/> (diagonal removed).</summary>
    PseudoInverse,
    /// <summary><see cref="ClassicalRule.Projection"/> (diagonal kept).</summary>
    Projection,
    /// <summary><see cref="ClassicalRule.Dreaming"/> (diagonal removed): between Hebbian and the pseudo-inverse.</summary>
    Dreaming,
    /// <summary><see cref="ModernHopfield"/>, one update (at large β: the nearest memory, the ideal decoder).</summary>
    Modern,
    /// <summary><see cref="DenseHopfield"/>: one hidden neuron per memory, rectified above a threshold; not a pairwise weight matrix.</summary>
    Dense,
    /// <summary>The same dense dynamics with <c>network.hidden_neurons</c> hidden neurons whose weights are learned from random ones
    /// (<see cref="DenseTrainer"/>).</summary>
    LearnedDense,
}

/// <summary>Study 1, the seed's capacity table (section <c>capacity</c>).</summary>
public sealed record CapacityOptions
{
    /// <summary>Memory counts <c>P</c>, one net each (YAML <c>capacity.memories</c>).</summary>
    public IReadOnlyList<int> Memories { get; init; } = [5, 10, 15, 20];

    /// <summary>Nets per memory count, each with its own memories and weights (YAML <c>capacity.repeats</c>).</summary>
    public int Repeats { get; init; } = 1;

    public void Validate()
    {
        OptionChecks.NotEmpty("capacity.memories", Memories);
        OptionChecks.Distinct("capacity.memories", Memories);
        foreach (int p in Memories) OptionChecks.WholeAtLeast("capacity.memories[]", p, 1);
        OptionChecks.WholeInRange("capacity.repeats", Repeats, 1, 100);
    }
}

/// <summary>One arm of the activation sweep: the seed's phase 3 as it was, or one corner of phase 4's ablation.</summary>
public enum ActivationVariant
{
    /// <summary>The seed's phase 3: free <c>W_self</c>, no fixed-point loss, batch regimen, L2 <c>phase3_l2</c>.</summary>
    Phase3,
    /// <summary>Phase 4 settings with neither symmetry nor the fixed-point loss.</summary>
    Plain,
    /// <summary>Phase 4 settings with symmetry only.</summary>
    Symmetric,
    /// <summary>Phase 4 settings with the fixed-point loss only.</summary>
    FixedPoint,
    /// <summary>The seed's phase 4: symmetric <c>W_self</c>, fixed-point loss, the training section's regimen and L2.</summary>
    Phase4,
}

/// <summary>Study 2, the seed's activation sweep and phase 4's ablation (section <c>activations</c>).</summary>
public sealed record ActivationsOptions
{
    /// <summary>Activations swept (YAML <c>activations.activations</c>).</summary>
    public IReadOnlyList<Activation> Activations { get; init; } = [Activation.Tanh, Activation.Relu, Activation.Linear, Activation.Sigmoid];

    /// <summary>Arms per activation (YAML <c>activations.variants</c>: phase3, plain, symmetric, fixed-point, phase4).</summary>
    public IReadOnlyList<ActivationVariant> Variants { get; init; } =
        [ActivationVariant.Phase3, ActivationVariant.Plain, ActivationVariant.Symmetric, ActivationVariant.FixedPoint, ActivationVariant.Phase4];

    /// <summary>Memories per net (YAML <c>activations.memories</c>; the seed used 2).</summary>
    public int Memories { get; init; } = 2;

    /// <summary>L2 of the phase-3 arm (YAML <c>activations.phase3_l2</c>; the seed's 1e-4 before phase 4 lowered it).</summary>
    public double Phase3L2 { get; init; } = 1e-4;

    public void Validate()
    {
        OptionChecks.NotEmpty("activations.activations", Activations);
        OptionChecks.Distinct("activations.activations", Activations);
        OptionChecks.NotEmpty("activations.variants", Variants);
        OptionChecks.Distinct("activations.variants", Variants);
        OptionChecks.WholeAtLeast("activations.memories", Memories, 1);
        OptionChecks.NonNegative("activations.phase3_l2", Phase3L2);
    }
}

/// <summary>Study 3, noise basins (section <c>basins</c>).</summary>
public sealed record BasinsOptions
{
    /// <summary>Memory counts <c>P</c>, each stored by every rule (YAML <c>basins.memories</c>; the seed's phase 6 used 5).</summary>
    public IReadOnlyList<int> Memories { get; init; } = [5, 12];

    /// <summary>Rules compared (YAML <c>basins.rules</c>).</summary>
    public IReadOnlyList<MemoryRule> Rules { get; init; } =
        [MemoryRule.Learned, MemoryRule.LearnedNoisy, MemoryRule.Hebbian, MemoryRule.Storkey, MemoryRule.PseudoInverse, MemoryRule.Modern];

    /// <summary>The seed's Gaussian cue levels <c>σ</c> in <c>m + σ η</c> (YAML <c>basins.gaussian_sigmas</c>).</summary>
    public IReadOnlyList<double> GaussianSigmas { get; init; } = [0.15, 0.3, 0.5];

    /// <summary>Fractions of flipped bits (YAML <c>basins.flip_fractions</c>); they also give the basin curve.</summary>
    public IReadOnlyList<double> FlipFractions { get; init; } = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45];

    /// <summary>Cues per memory and level (YAML <c>basins.trials</c>).</summary>
    public int Trials { get; init; } = 8;

    /// <summary>Dynamics of the classical rules (YAML <c>basins.update</c>: sign, async-sign, tanh).</summary>
    public HopfieldUpdate Update { get; init; } = HopfieldUpdate.Sign;

    /// <summary>Gain of tanh dynamics (YAML <c>basins.gain</c>).</summary>
    public double Gain { get; init; } = 10;

    /// <summary><c>β</c> of the modern memory (YAML <c>basins.modern_beta</c>).</summary>
    public double ModernBeta { get; init; } = 1;

    /// <summary>Threshold <c>θ</c> of the <c>dense</c> memory's hidden neurons (YAML <c>basins.dense_threshold</c>, in [0, 1)).</summary>
    public double DenseThreshold { get; init; } = DenseHopfield.DefaultThreshold;

    /// <summary>Gain of the <c>dense</c> memory's visible neurons (YAML <c>basins.dense_gain</c>).</summary>
    public double DenseGain { get; init; } = DenseHopfield.DefaultGain;

    public void Validate()
    {
        OptionChecks.NotEmpty("basins.memories", Memories);
        OptionChecks.Distinct("basins.memories", Memories);
        foreach (int p in Memories) OptionChecks.WholeAtLeast("basins.memories[]", p, 1);
        OptionChecks.NotEmpty("basins.rules", Rules);
        OptionChecks.Distinct("basins.rules", Rules);
        foreach (double s in GaussianSigmas) OptionChecks.NonNegative("basins.gaussian_sigmas[]", s);
        foreach (double f in FlipFractions) OptionChecks.InRange("basins.flip_fractions[]", f, 0, 1);
        OptionChecks.WholeInRange("basins.trials", Trials, 1, 1000);
        OptionChecks.Positive("basins.gain", Gain);
        OptionChecks.Positive("basins.modern_beta", ModernBeta);
        if (!(DenseThreshold >= 0 && DenseThreshold < 1))
            throw new UserInputException($"basins.dense_threshold: expected an overlap in [0, 1), got {OptionChecks.Format(DenseThreshold)}.");
        OptionChecks.Positive("basins.dense_gain", DenseGain);
    }
}

/// <summary>Study 4, classical rules on the same tests, and the learned weights beside them (section <c>classical</c>).</summary>
public sealed record ClassicalOptions
{
    /// <summary>Memory counts <c>P</c> (YAML <c>classical.memories</c>).</summary>
    public IReadOnlyList<int> Memories { get; init; } = [5, 10, 15, 20];

    /// <summary>Rules (YAML <c>classical.rules</c>); <c>learned</c> is trained on the same memories and also run with each update.</summary>
    public IReadOnlyList<MemoryRule> Rules { get; init; } =
        [MemoryRule.Hebbian, MemoryRule.Storkey, MemoryRule.PseudoInverse, MemoryRule.Projection, MemoryRule.Learned];

    /// <summary>Dynamics each weight matrix is run with (YAML <c>classical.updates</c>).</summary>
    public IReadOnlyList<HopfieldUpdate> Updates { get; init; } = [HopfieldUpdate.Sign, HopfieldUpdate.Tanh];

    /// <summary>Gain of tanh dynamics (YAML <c>classical.gain</c>).</summary>
    public double Gain { get; init; } = 10;

    /// <summary>Flipped fraction of the recall test (YAML <c>classical.flip_fraction</c>).</summary>
    public double FlipFraction { get; init; } = 0.3;

    /// <summary>Cues per memory in the recall test (YAML <c>classical.trials</c>).</summary>
    public int Trials { get; init; } = 8;

    public void Validate()
    {
        OptionChecks.NotEmpty("classical.memories", Memories);
        OptionChecks.Distinct("classical.memories", Memories);
        foreach (int p in Memories) OptionChecks.WholeAtLeast("classical.memories[]", p, 1);
        OptionChecks.NotEmpty("classical.rules", Rules);
        OptionChecks.Distinct("classical.rules", Rules);
        if (Rules.Contains(MemoryRule.Modern) || Rules.Contains(MemoryRule.Dense) || Rules.Contains(MemoryRule.LearnedDense) || Rules.Contains(MemoryRule.LearnedNoisy) || Rules.Contains(MemoryRule.LearnedBasin))
            throw new UserInputException("classical.rules: expected weight-matrix rules (hebbian, storkey, pseudo-inverse, projection, dreaming, learned); modern, dense, learned-dense, learned-noisy and learned-basin belong to the basins and boundary studies.");
        OptionChecks.NotEmpty("classical.updates", Updates);
        OptionChecks.Distinct("classical.updates", Updates);
        OptionChecks.Positive("classical.gain", Gain);
        OptionChecks.InRange("classical.flip_fraction", FlipFraction, 0, 1);
        OptionChecks.WholeInRange("classical.trials", Trials, 1, 1000);
    }
}

/// <summary>Study 5, the capacity boundary under the strict criterion (section <c>boundary</c>).</summary>
public sealed record BoundaryOptions
{
    /// <summary>Network sizes <c>N</c> (YAML <c>boundary.neurons</c>); each size is one batched program per rule.</summary>
    public IReadOnlyList<int> Neurons { get; init; } = [64, 128, 256];

    /// <summary>Rules (YAML <c>boundary.rules</c>).</summary>
    public IReadOnlyList<MemoryRule> Rules { get; init; } =
        [MemoryRule.Hebbian, MemoryRule.Storkey, MemoryRule.PseudoInverse, MemoryRule.Learned, MemoryRule.LearnedNoisy, MemoryRule.Modern];

    /// <summary>Loads <c>P/N</c> of the coarse search (YAML <c>boundary.load_grid</c>); between the last pass and the
    /// first failure the search refines until it has the exact <c>P</c>.</summary>
    public IReadOnlyList<double> LoadGrid { get; init; } = [0.03, 0.06, 0.09, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

    /// <summary>New <c>P</c> values tried per refinement round (YAML <c>boundary.refine_points</c>).</summary>
    public int RefinePoints { get; init; } = 3;

    /// <summary>Flipped fraction of the recovery test (YAML <c>boundary.flip_fraction</c>).</summary>
    public double FlipFraction { get; init; } = 0.3;

    /// <summary>Cues per memory in the recovery test (YAML <c>boundary.trials</c>).</summary>
    public int Trials { get; init; } = 8;

    /// <summary>Independent memory sets every <c>P</c> is judged on (YAML <c>boundary.banks</c>, &gt;= 1): one net per set, the
    /// criterion on all of them together (every memory of every set retained; the recovered fraction over all their cues).
    /// At N = 64 one set's boundary moves by several <c>P</c> from seed to seed, because even few memories recover only 94-98%
    /// of 30%-flip cues, right at the bar; pooling sets measures the rule rather than one draw. Set 0 is the single-set bank.</summary>
    public int Banks { get; init; } = 1;

    /// <summary>Every memory's retention from its clean cue must reach this (YAML <c>boundary.retention_threshold</c>).</summary>
    public double RetentionThreshold { get; init; } = 0.99;

    /// <summary>A flipped cue counts as recovered when the signs of its final state (the bits read out) have at least this
    /// overlap with the memory (YAML <c>boundary.recall_threshold</c>).</summary>
    public double RecallThreshold { get; init; } = 0.99;

    /// <summary>At least this fraction of all flipped cues (every memory, every trial) must be recovered (YAML
    /// <c>boundary.recovered_fraction</c>; 1 demands every cue, which makes the boundary hostage to single unlucky draws).</summary>
    public double RecoveredFraction { get; init; } = 0.95;

    /// <summary>Mean overlap between memories (YAML <c>boundary.correlation</c>, in [0, 1)).</summary>
    public double Correlation { get; init; }

    /// <summary>Dynamics every weight rule is judged with (YAML <c>boundary.updates</c>: sign, async-sign, tanh); each rule and
    /// update is its own entry of the table, and the summary also gives each rule's best. Graded dynamics at a moderate gain
    /// recover far more cues than sign dynamics (the pseudo-inverse at N = 64: 11 memories against 7), so a learned net is
    /// only measured fairly against both.</summary>
    public IReadOnlyList<HopfieldUpdate> Updates { get; init; } = [HopfieldUpdate.Sign, HopfieldUpdate.Tanh];

    /// <summary>Gain of tanh dynamics (YAML <c>boundary.gain</c>): <c>h ← tanh(gain · W h)</c>. 4 is the pseudo-inverse's best of
    /// 2, 3, 4, 6 and 10 at N = 64 (and the gain the learned nets start from).</summary>
    public double Gain { get; init; } = 4;

    /// <summary><c>β</c> of the modern memory (YAML <c>boundary.modern_beta</c>).</summary>
    public double ModernBeta { get; init; } = 1;

    /// <summary>Dreaming time <c>t</c> of the <c>dreaming</c> rule (YAML <c>boundary.dream_time</c>, &gt;= 0): 0 is Hebbian, large t the pseudo-inverse.</summary>
    public double DreamTime { get; init; } = ClassicalRules.DefaultDreamTime;

    /// <summary>Threshold <c>θ</c> of the <c>dense</c> memory's hidden neurons (YAML <c>boundary.dense_threshold</c>, in [0, 1)): a
    /// cue is pulled in only from an overlap above it.</summary>
    public double DenseThreshold { get; init; } = DenseHopfield.DefaultThreshold;

    /// <summary>Gain of the <c>dense</c> memory's visible neurons (YAML <c>boundary.dense_gain</c>).</summary>
    public double DenseGain { get; init; } = DenseHopfield.DefaultGain;

    public void Validate()
    {
        OptionChecks.NotEmpty("boundary.neurons", Neurons);
        OptionChecks.Distinct("boundary.neurons", Neurons);
        foreach (int n in Neurons) OptionChecks.WholeInRange("boundary.neurons[]", n, 4, 4096);
        OptionChecks.NotEmpty("boundary.rules", Rules);
        OptionChecks.Distinct("boundary.rules", Rules);
        OptionChecks.NotEmpty("boundary.load_grid", LoadGrid);
        foreach (double load in LoadGrid) OptionChecks.InRange("boundary.load_grid[]", load, 1e-9, 4);
        for (int i = 1; i < LoadGrid.Count; i++)
            if (LoadGrid[i] <= LoadGrid[i - 1])
                throw new UserInputException("boundary.load_grid: expected increasing loads, e.g. [0.05, 0.1, 0.2].");
        OptionChecks.WholeInRange("boundary.refine_points", RefinePoints, 1, 64);
        OptionChecks.InRange("boundary.flip_fraction", FlipFraction, 0, 1);
        OptionChecks.WholeInRange("boundary.trials", Trials, 1, 1000);
        OptionChecks.WholeInRange("boundary.banks", Banks, 1, 64);
        OptionChecks.InRange("boundary.retention_threshold", RetentionThreshold, 0, 1);
        OptionChecks.InRange("boundary.recall_threshold", RecallThreshold, 0, 1);
        OptionChecks.InRange("boundary.recovered_fraction", RecoveredFraction, 0, 1);
        if (!(Correlation >= 0 && Correlation < 1))
            throw new UserInputException($"boundary.correlation: expected a number in [0, 1), got {OptionChecks.Format(Correlation)}.");
        OptionChecks.NotEmpty("boundary.updates", Updates);
        OptionChecks.Distinct("boundary.updates", Updates);
        OptionChecks.Positive("boundary.gain", Gain);
        if (!(DreamTime >= 0)) throw new UserInputException($"boundary.dream_time: expected a number >= 0, got {OptionChecks.Format(DreamTime)}.");
        OptionChecks.Positive("boundary.modern_beta", ModernBeta);
        if (!(DenseThreshold >= 0 && DenseThreshold < 1))
            throw new UserInputException($"boundary.dense_threshold: expected an overlap in [0, 1), got {OptionChecks.Format(DenseThreshold)}.");
        OptionChecks.Positive("boundary.dense_gain", DenseGain);
    }
}

/// <summary>Study 6, modern (dense) Hopfield memory (section <c>modern</c>).</summary>
public sealed record ModernOptions
{
    /// <summary>Neurons <c>N</c> (YAML <c>modern.neurons</c>).</summary>
    public int Neurons { get; init; } = 64;

    /// <summary>Memory counts <c>P</c> (YAML <c>modern.memories</c>).</summary>
    public IReadOnlyList<int> Memories { get; init; } = [16, 64, 256, 1024, 4096, 16384];

    /// <summary>Inverse temperatures <c>β</c> (YAML <c>modern.betas</c>).</summary>
    public IReadOnlyList<double> Betas { get; init; } = [0.01, 0.03, 0.1, 0.3, 1];

    /// <summary>Flipped fractions of the cues (YAML <c>modern.flip_fractions</c>).</summary>
    public IReadOnlyList<double> FlipFractions { get; init; } = [0.1, 0.2, 0.3];

    /// <summary>Memories queried per <c>P</c> (at most <c>P</c>; YAML <c>modern.queries</c>).</summary>
    public int Queries { get; init; } = 512;

    public void Validate()
    {
        OptionChecks.WholeInRange("modern.neurons", Neurons, 2, 65536);
        OptionChecks.NotEmpty("modern.memories", Memories);
        foreach (int p in Memories) OptionChecks.WholeInRange("modern.memories[]", p, 1, 1 << 20);
        OptionChecks.NotEmpty("modern.betas", Betas);
        foreach (double b in Betas) OptionChecks.Positive("modern.betas[]", b);
        OptionChecks.NotEmpty("modern.flip_fractions", FlipFractions);
        foreach (double f in FlipFractions) OptionChecks.InRange("modern.flip_fractions[]", f, 0, 1);
        OptionChecks.WholeInRange("modern.queries", Queries, 1, 1 << 16);
    }
}
