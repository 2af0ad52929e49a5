using Resonance.Runtime;

namespace Resonance.Attractors;

/// <summary>How memories are shown during training (YAML <c>training.regimen</c>).</summary>
public enum Regimen
{
    /// <summary>One memory per epoch, in turn: epoch <c>e</c> trains memory <c>e mod P</c> (the seed's regimen).</summary>
    Cyclic,
    /// <summary>All memories every epoch, their losses averaged.</summary>
    Batch,
    /// <summary>Noise-aware training: all memories every epoch as in <see cref="Batch"/>, and each memory also presented as a
    /// corrupted cue (a fraction of its bits flipped, drawn anew every epoch from U(<c>noise_flip_min</c>, <c>noise_flip_max</c>), plus optional
    /// Gaussian noise), whose reaction and retention, measured against the clean memory, join the loss. The net learns to
    /// clean cues up.</summary>
    Noisy,
    /// <summary>Basin training: all memories every epoch, each shown clean and as <c>noise_cues</c> corrupted cues (bits flipped as in
    /// <see cref="Noisy"/>); <see cref="AttractorTrainingOptions.CueLoss"/> says how they teach: by gradient (a logistic loss on
    /// the clean cues' free-running fields plus a bounded error on the corrupted ones, or the trajectory hinge) or, with
    /// <see cref="CueLoss.Contrastive"/>, by moving the weights away from the attractor each missed cue fell into.</summary>
    Basin,
}

/// <summary>What the basin regimen asks of a corrupted cue (YAML <c>training.cue_loss</c>).</summary>
public enum CueLoss
{
    /// <summary>The soft bit-error rate <c>mean_i (1 − tanh(m_i u_i))/2</c>: every wrong bit counts alone.</summary>
    BitError,
    /// <summary>The chance that some bit is wrong when bit <c>i</c> is right with probability <c>σ(2 m_i u_i)</c>:
    /// <c>1 − Π_i σ(2 m_i u_i) = 1 − exp(−Σ_i softplus(−2 m_i u_i))</c>. It is what the strict criterion counts (a cue is
    /// recovered only with every bit right), bounded per cue, and its gradient is largest on cues near the basin's edge.</summary>
    CueError,
    /// <summary>Trajectory training: every state the net visits on a free-running step, from every cue (clean or corrupted), is
    /// taken as a fixed input and the next local field is asked to point at the cue's memory with margin <c>κ</c>
    /// (<c>training.clean_margin</c>, default 3): <c>mean_{cue, t, i} relu(κ − m_i (W_self h_{t−1})_i)²</c> with <c>h_{t−1}</c> detached.
    /// No gradient runs back through time, so it does not vanish in saturated units; the states a wrong cue is caught in (another
    /// attractor) are exactly the inputs the loss then corrects. Replaces both the clean and the corrupted terms.</summary>
    Trajectory,
    /// <summary>No gradient: after each epoch's run, every cue whose read-out bits miss its memory moves the weights by
    /// <c>lr · (m mᵀ − s sᵀ) / N</c>, <c>s</c> the signs of the state it ended in: the memory's energy is lowered and that of
    /// the attractor the cue fell into is raised (Hopfield's unlearning, made contrastive). Recovered cues change nothing.</summary>
    Contrastive,
}

/// <summary>Where a learned net's weights start (YAML <c>network.init</c>).</summary>
public enum AttractorInit
{
    /// <summary><c>U(-s/√N, s/√N)</c> with <c>s</c> = <c>network.init_scale</c> (the seed's).</summary>
    Random,
    /// <summary>From the pseudo-inverse rule of the net's own memories: <c>L = g · W_pinv</c>, <c>W_input = g · I</c> with
    /// <c>g</c> = <c>network.init_gain</c>; training then reshapes the basins (every memory starts as a fixed point).</summary>
    PseudoInverse,
}

/// <summary>The attractor network and its protocol (section <c>network</c>).</summary>
/// <remarks>
/// <code>
/// h_0 = 0
/// h_t = f(W_self h_{t-1} + W_input x_t)      x_t = cue for t = 1..presentSteps, 0 after
/// W_self = (L + Lᵀ) / 2 (symmetric) or L,    times a fixed symmetric connectivity mask when connectivity &lt; 1
/// overlap_t = m · h_t / N
/// reaction  = mean of overlap_t over t = 1..presentSteps
/// retention = mean of overlap_t over t = presentSteps+1..presentSteps+retainSteps
/// </code>
/// </remarks>
public sealed record AttractorNetworkOptions
{
    /// <summary>Neurons <c>N</c> (YAML <c>network.neurons</c>, &gt;= 2).</summary>
    public int Neurons { get; init; } = 64;

    /// <summary>The non-linearity <c>f</c> (YAML <c>network.activation</c>: tanh, relu, linear, sigmoid).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Whether <c>W_self = (L + Lᵀ)/2</c> (YAML <c>network.symmetric</c>); false trains <c>W_self = L</c> freely.</summary>
    public bool Symmetric { get; init; } = true;

    /// <summary>Steps the cue is presented for (YAML <c>network.present_steps</c>, &gt;= 1).</summary>
    public int PresentSteps { get; init; } = 5;

    /// <summary>Free-running steps after the cue is removed (YAML <c>network.retain_steps</c>, &gt;= 1).</summary>
    public int RetainSteps { get; init; } = 20;

    /// <summary>Initial weights are <c>U(-s/√N, s/√N)</c> with this <c>s</c> (YAML <c>network.init_scale</c>, &gt; 0).</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary>Where learned weights start (YAML <c>network.init</c>: random, pseudo-inverse).</summary>
    public AttractorInit Init { get; init; } = AttractorInit.Random;

    /// <summary>Gain <c>g</c> of the pseudo-inverse start (YAML <c>network.init_gain</c>, &gt; 0): tanh of <c>g</c> is how saturated
    /// a stored memory starts.</summary>
    public double InitGain { get; init; } = 4.0;

    /// <summary>Whether a neuron may drive itself (YAML <c>network.self_coupling</c>); false holds <c>W_self</c>'s diagonal at zero,
    /// as the classical rules do. A self-coupling <c>w_ii &gt; 0</c> adds <c>w_ii</c> to every margin of a clean memory for free, and
    /// just as much to the margin of every wrong bit of a corrupted cue, so a margin loss on clean cues grows it and shrinks basins.</summary>
    public bool SelfCoupling { get; init; } = true;

    /// <summary>Fraction of off-diagonal recurrent connections kept, by a fixed random symmetric mask (YAML
    /// <c>network.connectivity</c>, in (0, 1]; 1 is all-to-all). The diagonal is never masked.</summary>
    public double Connectivity { get; init; } = 1.0;

    /// <summary>Hidden neurons of a <c>learned-dense</c> memory (YAML <c>network.hidden_neurons</c>, &gt;= 0; 0, the default, is 2 N).
    /// Not used by the attractor RNN.</summary>
    public int HiddenNeurons { get; init; }

    /// <summary><see cref="HiddenNeurons"/> for <c>N</c> = <paramref name="neurons"/>: 2 N unless set.</summary>
    public int HiddenFor(int neurons) => HiddenNeurons > 0 ? HiddenNeurons : 2 * neurons;

    /// <summary>Refuses impossible values, naming the key.</summary>
    public void Validate()
    {
        OptionChecks.WholeAtLeast("network.neurons", Neurons, 2);
        OptionChecks.WholeAtLeast("network.hidden_neurons", HiddenNeurons, 0);
        OptionChecks.WholeAtLeast("network.present_steps", PresentSteps, 1);
        OptionChecks.WholeAtLeast("network.retain_steps", RetainSteps, 1);
        SizeCaps.AtMost("network.present_steps", PresentSteps, SizeCaps.Steps);
        SizeCaps.AtMost("network.retain_steps", RetainSteps, SizeCaps.Steps);
        OptionChecks.Positive("network.init_scale", InitScale);
        OptionChecks.Positive("network.init_gain", InitGain);
        if (!(Connectivity > 0 && Connectivity <= 1))
            throw new UserInputException($"network.connectivity: expected a number in (0, 1], got {OptionChecks.Format(Connectivity)}.");
    }
}

/// <summary>Training of attractor networks (section <c>training</c>).</summary>
/// <remarks>
/// Loss of one net, averaged over the memories trained this epoch (loss option A plus the fixed-point loss):
/// <code>
/// loss = (1 - retention) + (1 - reaction) + gamma · mean_i (f(W_self m)_i - m_i)² + l2 · (‖L‖² + ‖W_input‖²)
/// </code>
/// The noisy regimen adds <c>(1 - retention~) + (1 - reaction~)</c> of each memory's corrupted cues, both measured against the clean memory.
/// The basin regimen replaces option A by the logistic loss on the free-running local fields of the clean and corrupted cues,
/// <c>mean_{cue, t, i} softplus(−2 m_i u_{t,i})</c> (see <see cref="Regimen.Basin"/>).
/// Adam over the stacked weights of all nets; losses are summed over nets, so nets never interact.
/// Strict convergence: clean-cue reaction and retention, averaged over all memories, both &gt;= threshold for
/// <c>convergence_epochs</c> consecutive epochs. A net whose state exceeds <c>divergence_limit</c> in magnitude or
/// turns NaN is reported as diverged at that epoch and frozen; it is a result, not an error.
/// </remarks>
public sealed record AttractorTrainingOptions
{
    /// <summary>Maximum epochs (YAML <c>training.epochs</c>, &gt;= 1).</summary>
    public int Epochs { get; init; } = 2000;

    /// <summary>Adam learning rate (YAML <c>training.lr</c>, &gt; 0).</summary>
    public double Lr { get; init; } = 0.01;

    /// <summary>How memories are shown (YAML <c>training.regimen</c>: cyclic, batch, noisy).</summary>
    public Regimen Regimen { get; init; } = Regimen.Cyclic;

    /// <summary><c>gamma</c>, weight of the fixed-point loss (YAML <c>training.fixed_point_weight</c>, &gt;= 0; 0 turns it off).</summary>
    public double FixedPointWeight { get; init; } = 1.0;

    /// <summary>L2 penalty on all weights (YAML <c>training.l2</c>, &gt;= 0).</summary>
    public double L2 { get; init; } = 1e-6;

    /// <summary>Reaction and retention must both reach this (YAML <c>training.convergence_threshold</c>, in (0, 1]).</summary>
    public double ConvergenceThreshold { get; init; } = 0.99;

    /// <summary>... for this many consecutive epochs (YAML <c>training.convergence_epochs</c>, &gt;= 1).</summary>
    public int ConvergenceEpochs { get; init; } = 20;

    /// <summary>Freeze a net once it has converged (YAML <c>training.stop_at_convergence</c>); false trains every net for all
    /// epochs. Nets of the noisy regimen always train for all epochs: clean convergence comes long before wide basins.</summary>
    public bool StopAtConvergence { get; init; } = true;

    /// <summary>A state entry beyond this magnitude marks the net diverged (YAML <c>training.divergence_limit</c>, &gt; 0).</summary>
    public double DivergenceLimit { get; init; } = 1e4;

    /// <summary>Noisy and basin regimens: each cue flips a fraction of its bits drawn uniformly from [<c>noise_flip_min</c>, this]
    /// (YAML <c>training.noise_flip_max</c>, in [0, 0.5]).</summary>
    public double NoiseFlipMax { get; init; } = 0.2;

    /// <summary>Noisy and basin regimens: the least fraction of bits a corrupted cue flips (YAML <c>training.noise_flip_min</c>,
    /// in [0, <c>noise_flip_max</c>]); a floor near the tested flip fraction spends the cues where the basin's edge is.</summary>
    public double NoiseFlipMin { get; init; }

    /// <summary>Scale each net's gradient (over both weight matrices) to at most this norm before the step (YAML
    /// <c>training.clip_grad_norm</c>, &gt;= 0; 0 = no clipping). Per net, so nets stay independent.</summary>
    public double ClipGradNorm { get; init; }

    /// <summary>Noisy and basin regimens: corrupted cues per memory and epoch, each with its own flip fraction (YAML
    /// <c>training.noise_cues</c>, &gt;= 1).</summary>
    public int NoiseCues { get; init; } = 1;

    /// <summary>Basin regimen: the loss of a corrupted cue on the late free steps (YAML <c>training.cue_loss</c>: bit-error, cue-error).</summary>
    public CueLoss CueLoss { get; init; } = CueLoss.BitError;

    /// <summary>Basin regimen: when set, the loss of a clean cue's free-running fields is the squared hinge
    /// <c>relu(κ − m_i u_i)²</c> with this <c>κ</c> (YAML <c>training.clean_margin</c>, &gt; 0) instead of the logistic loss. The logistic
    /// loss keeps falling as the weights grow, so it raises the net's gain without end (and a high gain makes the dynamics
    /// sign-like, which shrinks basins); the hinge stops asking once every field of a memory is <c>κ</c> deep (tanh(2.65) = 0.99).</summary>
    public double? CleanMargin { get; init; }

    /// <summary>Trajectory cue loss: the margin asked of the fields from states a corrupted cue visits (YAML
    /// <c>training.cue_margin</c>, &gt; 0; unset: the clean margin). Clean memories need deep fields to be retained at 0.99; a
    /// corrupted cue's states only need the right signs, and deep fields there mean a high gain, which shrinks basins.</summary>
    public double? CueMargin { get; init; }

    /// <summary>Basin regimen: weight of a clean cue's loss against one corrupted cue's (YAML <c>training.clean_weight</c>, &gt; 0;
    /// default 1: every cue counts alike, so the clean memories weigh 1 / (1 + noise_cues) of the loss).</summary>
    public double CleanWeight { get; init; } = 1;

    /// <summary>Noisy regimen: standard deviation of Gaussian noise added to every cue entry (YAML <c>training.noise_sigma</c>, &gt;= 0).</summary>
    public double NoiseSigma { get; init; }

    /// <summary>Write a metrics line per net every this many epochs (YAML <c>training.log_every</c>, &gt;= 1); the
    /// epochs where a net converges or diverges, and the last, are always written.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Refuses impossible values, naming the key.</summary>
    public void Validate()
    {
        OptionChecks.WholeAtLeast("training.epochs", Epochs, 1);
        SizeCaps.AtMost("training.epochs", Epochs, SizeCaps.Epochs);
        OptionChecks.Positive("training.lr", Lr);
        OptionChecks.NonNegative("training.fixed_point_weight", FixedPointWeight);
        OptionChecks.NonNegative("training.l2", L2);
        if (!(ConvergenceThreshold > 0 && ConvergenceThreshold <= 1))
            throw new UserInputException($"training.convergence_threshold: expected a number in (0, 1], got {OptionChecks.Format(ConvergenceThreshold)}.");
        OptionChecks.WholeAtLeast("training.convergence_epochs", ConvergenceEpochs, 1);
        OptionChecks.Positive("training.divergence_limit", DivergenceLimit);
        OptionChecks.InRange("training.noise_flip_max", NoiseFlipMax, 0, 0.5);
        if (!(NoiseFlipMin >= 0 && NoiseFlipMin <= NoiseFlipMax))
            throw new UserInputException($"training.noise_flip_min: expected a number in [0, training.noise_flip_max = {OptionChecks.Format(NoiseFlipMax)}], got {OptionChecks.Format(NoiseFlipMin)}.");
        OptionChecks.NonNegative("training.noise_sigma", NoiseSigma);
        if (CleanMargin is { } margin) OptionChecks.Positive("training.clean_margin", margin);
        OptionChecks.Positive("training.clean_weight", CleanWeight);
        if (CueMargin is { } cueMargin) OptionChecks.Positive("training.cue_margin", cueMargin);
        OptionChecks.WholeAtLeast("training.noise_cues", NoiseCues, 1);
        OptionChecks.NonNegative("training.clip_grad_norm", ClipGradNorm);
        OptionChecks.WholeAtLeast("training.log_every", LogEvery, 1);
    }
}
