using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>The basin regimen's loss: every memory shown clean and as <c>C</c> corrupted cues, each cue's loss weighted, plus
/// the fixed-point loss and L2; what a cue's loss is, its subclass says.</summary>
/// <remarks>
/// <code>
/// loss = Σ_cues v_b · cueLoss_b + gamma · mean_μ fixedPoint_μ + l2 · (‖L‖² + ‖W_input‖²)
/// v_b  = c / (P (c + C)) for a clean cue and 1 / (P (c + C)) for a corrupted one,   c = training.clean_weight
/// </code>
/// </remarks>
/// <param name="training">The cue weights' <c>clean_weight</c> and <c>noise_cues</c>.</param>
internal abstract class BasinLoss(AttractorTrainingOptions training) : IAttractorLoss
{
    /// <summary><c>C</c>, corrupted cues per memory.</summary>
    protected int Copies { get; } = training.NoiseCues;

    public bool Corrupts => true;

    public abstract bool ReadsFields { get; }

    public bool ByGradient => true;

    public float MemoryWeight(int epoch, int memory, int count) => 1f / count;

    public Tensor Loss(AttractorEpochRun run)
    {
        Tensor perCue = PerCue(run);                                                                              // (K, B)
        Tensor mask = run.Nets.Mask;
        Tensor cueWeights = mask.repeat(1, 1 + Copies) / (mask.sum([1], keepdim: true) * (training.CleanWeight + Copies)); // (K, B), rows sum to 1
        if (training.CleanWeight != 1)
            cueWeights = cueWeights * cat([full([1, run.Nets.MostMemories], training.CleanWeight, device: mask.device), ones(1, Copies * run.Nets.MostMemories, device: mask.device)], 1);
        return (cueWeights * perCue).sum([1]) + (run.MemoryWeights * run.Gamma.unsqueeze(1) * run.FixedPoint).sum([1]) + run.L2 * run.WeightNorm;
    }

    /// <summary>The loss of every cue: the clean ones first, then the corrupted copies.</summary>
    /// <returns><c>(K, (1 + C) Pmax)</c>.</returns>
    protected abstract Tensor PerCue(AttractorEpochRun run);
}

/// <summary>The basin loss on the read-out bits' margins <c>m_i u_{t,i}</c> of the free-running steps: a clean cue's on every
/// free step, a corrupted cue's on the second half, the time it gets to clean up.</summary>
/// <remarks>
/// <code>
/// clean cue:     mean_{t, i} softplus(−2 m_i u_{t,i})              (or relu(κ − m_i u_{t,i})², κ = training.clean_margin)
/// corrupted cue: mean_{late t, i} (1 − tanh(m_i u_{t,i})) / 2        (bit-error)
///                mean_{late t} (1 − exp(−Σ_i softplus(−2 m_i u_{t,i})))  (cue-error)
/// </code>
/// The clean loss keeps widening the margins retention needs; the corrupted one is bounded, so a cue the net cannot rescue
/// does not pull every gain down (the logistic loss would).
/// </remarks>
/// <param name="training">Its <c>clean_margin</c> and cue weights.</param>
/// <param name="wholeCue">Cue-error: a corrupted cue counts as wrong when any bit is; otherwise every wrong bit counts alone.</param>
internal sealed class BasinMarginLoss(AttractorTrainingOptions training, bool wholeCue) : BasinLoss(training)
{
    readonly double? cleanMargin = training.CleanMargin;

    public override bool ReadsFields => true;

    protected override Tensor PerCue(AttractorEpochRun run)
    {
        int pMax = run.Nets.MostMemories, retain = run.Nets.RetainSteps, late = retain / 2;
        Tensor margins = run.Fields * run.Targets.unsqueeze(2);                                                       // (K, B, R, N): m_i u_{t,i}
        Tensor cleanMargins = margins.narrow(1, 0, pMax);
        Tensor cleanLoss = (cleanMargin is { } kappa
            ? (kappa - cleanMargins).relu().square()
            : nn.functional.softplus(-2 * cleanMargins)).mean([2, 3]);                                                 // (K, Pmax)
        Tensor lateMargins = margins.narrow(1, pMax, Copies * pMax).narrow(2, late, retain - late);                   // (K, C Pmax, R - late, N)
        Tensor noisyLoss = wholeCue
            ? (1 - (-nn.functional.softplus(-2 * lateMargins).sum([3])).exp()).mean([2])                               // (K, C Pmax)
            : (1 - lateMargins.tanh()).mean([2, 3]) / 2;
        return cat([cleanLoss, noisyLoss], 1);
    }
}
