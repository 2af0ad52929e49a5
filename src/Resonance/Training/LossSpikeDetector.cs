namespace Resonance.Training;

/// <summary>A loss spike: a batch loss above <c>factor ×</c> the running median of the previous <c>window</c> batch losses.</summary>
/// <param name="Step">The optimiser step (1-based) whose batch spiked.</param>
/// <param name="Loss">Its batch loss.</param>
/// <param name="RunningMedian">The median of the <c>window</c> batch losses before it.</param>
public sealed record LossSpike(long Step, double Loss, double RunningMedian)
{
    /// <summary><c>Loss / RunningMedian</c>, the spike's size.</summary>
    public double Ratio => Loss / RunningMedian;
}

/// <summary>The end of a spike: the first later batch whose loss is back at or below the median from before the spike.</summary>
/// <param name="SpikeStep">The step of the spike.</param>
/// <param name="Step">The step that recovered.</param>
/// <param name="PeakLoss">The highest batch loss from the spike to the recovery.</param>
public sealed record LossSpikeRecovery(long SpikeStep, long Step, double PeakLoss)
{
    /// <summary>Batches from the spike to the recovery.</summary>
    public long Batches => Step - SpikeStep;
}

/// <summary>The detector's memory, saved in checkpoints so a resumed run finds the same spikes.</summary>
/// <param name="Window">The last batch losses, oldest first (at most the window's length).</param>
/// <param name="Open">The spike not yet recovered from, or null.</param>
/// <param name="OpenPeak">The highest loss since <paramref name="Open"/>.</param>
public sealed record LossSpikeState(double[] Window, LossSpike? Open, double OpenPeak);

/// <summary>
/// Finds loss spikes in a stream of batch losses: a batch whose loss exceeds <c>factor ×</c> the median of the
/// previous <c>window</c> batch losses (and that median by at least <c>minRise</c>) opens a spike; it closes (recovers) at the first batch whose loss is at or
/// below that median again. No new spike opens while one is open. Detection starts once the window is full.
/// </summary>
/// <remarks>The median, not the mean, so that one spike does not raise the bar for the next; the pre-spike median as
/// the recovery level, so "recovered" means back to where training stood. Near the end of training the median is
/// small and ordinary batch-to-batch noise exceeds a fixed ratio; <c>minRise</c> (in loss units) ignores those.</remarks>
public sealed class LossSpikeDetector
{
    readonly double factor;
    readonly int window;
    readonly double minRise;
    readonly Queue<double> recent;
    LossSpike? open;
    double openPeak;

    /// <param name="factor">Spike threshold as a multiple of the running median, &gt; 1.</param>
    /// <param name="window">Batches in the running median, &gt;= 1.</param>
    /// <param name="state">Memory from a checkpoint, or null for a fresh start.</param>
    /// <param name="minRise">The least <c>loss − median</c> that counts, &gt;= 0 (0: the ratio alone decides).</param>
    public LossSpikeDetector(double factor, int window, LossSpikeState? state = null, double minRise = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minRise);
        this.factor = factor;
        this.window = window;
        this.minRise = minRise;
        recent = new Queue<double>((state?.Window ?? []).TakeLast(window));
        open = state?.Open;
        openPeak = state?.OpenPeak ?? 0;
    }

    /// <summary>The memory to save.</summary>
    public LossSpikeState State => new([.. recent], open, openPeak);

    /// <summary>Feeds one batch loss.</summary>
    /// <param name="step">Its optimiser step.</param>
    /// <param name="loss">The batch loss (finite).</param>
    /// <returns>A spike that opened at this batch, a recovery that closed at it, or neither.</returns>
    public (LossSpike? Spike, LossSpikeRecovery? Recovery) Observe(long step, double loss)
    {
        LossSpike? spike = null;
        LossSpikeRecovery? recovery = null;
        if (open is not null)
        {
            openPeak = Math.Max(openPeak, loss);
            if (loss <= open.RunningMedian)
            {
                recovery = new LossSpikeRecovery(open.Step, step, openPeak);
                open = null;
            }
        }
        else if (recent.Count == window)
        {
            double median = Median(recent);
            if (loss > factor * median && loss - median >= minRise)
            {
                spike = open = new LossSpike(step, loss, median);
                openPeak = loss;
            }
        }
        recent.Enqueue(loss);
        if (recent.Count > window) recent.Dequeue();
        return (spike, recovery);
    }

    static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
