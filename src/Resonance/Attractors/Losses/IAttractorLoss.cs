using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>
/// One way to train attractor nets: a regimen (<c>training.regimen</c>) and, for the basin regimen, its cue loss
/// (<c>training.cue_loss</c>). It declares the cues it shows and what it reads of their run, and gives each net's loss.
/// </summary>
/// <remarks>
/// A loss sees the whole batch (<see cref="AttractorEpochRun"/>) and returns a loss for every net in it, <c>(K)</c>; the
/// trainer keeps the rows of the nets that train with it, so nets of different regimens share one batched program.
/// </remarks>
internal interface IAttractorLoss
{
    /// <summary>Whether each memory is also shown as <c>training.noise_cues</c> corrupted cues after the clean ones. Such nets
    /// train on after converging: clean convergence comes long before wide basins.</summary>
    bool Corrupts { get; }

    /// <summary>Whether it reads the local fields of the free-running steps (<see cref="AttractorEpochRun.FreeFields"/>).</summary>
    bool ReadsFields { get; }

    /// <summary>Whether Adam follows its gradient; false: its loss is only a figure and <see cref="MoveWeights"/> moves the weights.</summary>
    bool ByGradient { get; }

    /// <summary>Weight of memory <paramref name="memory"/> (of <paramref name="count"/>) in epoch <paramref name="epoch"/>'s
    /// clean loss; a net's weights sum to 1.</summary>
    float MemoryWeight(int epoch, int memory, int count);

    /// <summary>Every net's loss of this epoch.</summary>
    /// <returns><c>(K)</c>.</returns>
    Tensor Loss(AttractorEpochRun run);

    /// <summary>Moves the weights of the nets still training by hand (a loss that is not <see cref="ByGradient"/>).</summary>
    /// <param name="run">The epoch, run without a graph.</param>
    /// <param name="active">Per net, whether it still trains.</param>
    void MoveWeights(AttractorEpochRun run, bool[] active) =>
        throw new InvalidOperationException("a loss trained by gradient leaves its weights to Adam");
}

/// <summary>One entry of <see cref="AttractorLosses.Catalogue"/>.</summary>
/// <param name="Name">The regimen's YAML name, and for the basin regimen the cue loss's after a slash (<c>basin/trajectory</c>).</param>
/// <param name="Regimen">The regimen it is bound to.</param>
/// <param name="CueLoss">The cue loss it is bound to, or null: any (a regimen without corrupted-cue losses).</param>
/// <param name="Description">One line: what it asks of the net.</param>
/// <param name="Create">Makes it for one training, from that training's options.</param>
internal sealed record AttractorLossEntry(string Name, Regimen Regimen, CueLoss? CueLoss, string Description, Func<AttractorTrainingOptions, IAttractorLoss> Create);

/// <summary>The losses an attractor net can train with, one row each, bound by the config's regimen and cue loss.</summary>
internal static class AttractorLosses
{
    /// <summary>Every loss, one row each.</summary>
    public static readonly IReadOnlyList<AttractorLossEntry> Catalogue =
    [
        new("cyclic", Regimen.Cyclic, null, "Option A plus the fixed-point loss, one memory per epoch in turn (the seed's).",
            _ => new OptionALoss(oneMemoryPerEpoch: true)),
        new("batch", Regimen.Batch, null, "Option A plus the fixed-point loss, all memories every epoch, averaged.",
            _ => new OptionALoss(oneMemoryPerEpoch: false)),
        new("noisy", Regimen.Noisy, null, "As batch, plus option A of corrupted cues measured against the clean memory.",
            training => new NoisyCueLoss(training.NoiseCues)),
        new("basin/bit-error", Regimen.Basin, CueLoss.BitError, "Clean cues: the logistic loss (or the hinge at clean_margin) of every free step; corrupted cues: the soft bit-error rate of the late free steps.",
            training => new BasinMarginLoss(training, wholeCue: false)),
        new("basin/cue-error", Regimen.Basin, CueLoss.CueError, "As bit-error, but a corrupted cue's loss is the chance that some bit of a late free step is wrong.",
            training => new BasinMarginLoss(training, wholeCue: true)),
        new("basin/trajectory", Regimen.Basin, CueLoss.Trajectory, "The squared hinge on the next field from every state a cue visits running free (margins clean_margin, cue_margin); no gradient through time.",
            training => new TrajectoryLoss(training)),
        new("basin/contrastive", Regimen.Basin, CueLoss.Contrastive, "No gradient: each missed cue moves W_self by lr (m mᵀ − s sᵀ) / N, its norm held.",
            training => new ContrastiveBasin(training)),
    ];

    /// <summary>The entry a net of <paramref name="regimen"/> trains with when the basin regimen's cue loss is <paramref name="cueLoss"/>.</summary>
    public static AttractorLossEntry Of(Regimen regimen, CueLoss cueLoss) =>
        Catalogue.Single(entry => entry.Regimen == regimen && (entry.CueLoss is null || entry.CueLoss == cueLoss));
}
