using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>One net to train: its memories, its spec and the parts of the loss that may differ between nets of a sweep.</summary>
/// <param name="Label">Name in tables and metrics (e.g. <c>p15</c>).</param>
/// <param name="Memories">Its memories, <c>(P, N)</c> in {-1, +1}, any device.</param>
/// <param name="Spec">Seed, activation and symmetry.</param>
/// <param name="Regimen">How its memories are shown.</param>
/// <param name="FixedPointWeight"><c>gamma</c> of its fixed-point loss.</param>
/// <param name="L2">Its L2 penalty.</param>
public sealed record AttractorNetPlan(string Label, Tensor Memories, AttractorNetSpec Spec, Regimen Regimen, double FixedPointWeight, double L2)
{
    /// <summary>A net trained as <paramref name="network"/> and <paramref name="training"/> say.</summary>
    public static AttractorNetPlan Of(string label, Tensor memories, long seed, AttractorNetworkOptions network, AttractorTrainingOptions training) =>
        new(label, memories, new AttractorNetSpec(seed, network.Activation, network.Symmetric), training.Regimen, training.FixedPointWeight, training.L2);
}

/// <summary>How a net's training ended.</summary>
public enum NetStatus
{
    /// <summary>Met the strict convergence rule.</summary>
    Converged,
    /// <summary>Ran all epochs without meeting it.</summary>
    NotConverged,
    /// <summary>Its state exploded or turned NaN; frozen from then on (its weights are zeroed).</summary>
    Diverged,
}

/// <summary>Figures of one net at one epoch (clean cues, all memories, before that epoch's update).</summary>
public sealed record AttractorEpoch(int Epoch, double Loss, double Reaction, double Retention);

/// <summary>How one net's training ended.</summary>
/// <param name="Label">As planned.</param>
/// <param name="Memories">Its <c>P</c>.</param>
/// <param name="Status">Converged, not converged or diverged.</param>
/// <param name="Epoch">The epoch it converged or diverged at, or the number of epochs run.</param>
/// <param name="Reaction">Mean reaction over its memories with its final weights (NaN when diverged); for a net that trained on
/// after converging (noisy regimen, or <see cref="AttractorTrainingOptions.StopAtConvergence"/> false) these are its last weights.</param>
/// <param name="Retention">Mean retention likewise.</param>
/// <param name="Loss">Its training loss at <paramref name="Epoch"/>.</param>
/// <param name="DivergenceReason">What diverged (<c>state exceeded 10000</c>, <c>NaN</c>), or null.</param>
/// <param name="Seconds">Wall seconds from the start of training until it stopped (all nets train together).</param>
/// <param name="History">Its figures at the logged epochs.</param>
public sealed record AttractorNetOutcome(
    string Label, int Memories, NetStatus Status, int Epoch, double Reaction, double Retention, double Loss,
    string? DivergenceReason, double Seconds, IReadOnlyList<AttractorEpoch> History)
{
    /// <summary>The seed's wording: <c>converged</c>, <c>not converged</c> or <c>diverged at epoch k (reason)</c>.</summary>
    public string Describe() => Describe(Status, Epoch, DivergenceReason);

    /// <summary>The wording of <see cref="Describe()"/> for a net that ended as <paramref name="status"/> at <paramref name="epoch"/>.</summary>
    internal static string Describe(NetStatus status, int epoch, string? reason) => status switch
    {
        NetStatus.Converged => "converged",
        NetStatus.NotConverged => "not converged",
        _ => $"diverged at epoch {epoch} ({reason})",
    };
}

/// <summary>Where a batched training stands, after each epoch.</summary>
/// <param name="Epoch">The epoch just finished (1-based).</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Nets">Nets in the batch.</param>
/// <param name="Converged">Nets that met the convergence rule.</param>
/// <param name="Diverged">Nets that diverged.</param>
/// <param name="MeanLoss">For a training without a convergence rule (<see cref="DenseTrainer"/>), the mean loss of the nets still
/// training; null otherwise.</param>
public sealed record AttractorTrainingProgress(int Epoch, int Epochs, int Nets, int Converged, int Diverged, double? MeanLoss = null);

/// <summary>A finished batched training: the trained stack, the padded memories and every net's outcome.</summary>
/// <param name="Model">The stack, holding each net's final (or frozen) weights. Disposed with this result.</param>
/// <param name="Memories">Memories padded to the largest <c>P</c>, <c>(K, Pmax, N)</c>.</param>
/// <param name="Mask">1 for a real memory, 0 for padding, <c>(K, Pmax)</c>.</param>
/// <param name="Outcomes">One per net, in plan order.</param>
/// <param name="EpochsRun">Epochs run (fewer than planned when every net stopped early).</param>
/// <param name="Seconds">Wall seconds of the training.</param>
public sealed record AttractorTrainingResult(AttractorRnn Model, Tensor Memories, Tensor Mask, IReadOnlyList<AttractorNetOutcome> Outcomes, int EpochsRun, double Seconds)
    : IDisposable
{
    public void Dispose()
    {
        Model.Dispose();
        Memories.Dispose();
        Mask.Dispose();
    }
}
