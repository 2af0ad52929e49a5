namespace Resonance.Training;

/// <summary>A loss spike: a batch loss far above the running median of the previous <c>window</c> batch losses, both as a
/// ratio and in units of the window's noise (see <see cref="LossSpikeDetector"/>).</summary>
/// <param name="Step">The optimiser step (1-based) whose batch spiked.</param>
/// <param name="Loss">Its batch loss.</param>
/// <param name="RunningMedian">The median of the <c>window</c> batch losses before it.</param>
/// <param name="RunningSigma">The robust noise scale of those losses, <c>1.4826 × MAD</c> (0 in states saved before it existed).</param>
public sealed record LossSpike(long Step, double Loss, double RunningMedian, double RunningSigma = 0)
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
/// Finds loss spikes in a stream of batch losses: a batch whose loss is far above the median of the previous
/// <c>window</c> batch losses, both as a ratio (<c>factor</c>) and in robust standard deviations of those losses
/// (<c>madFactor</c>), opens a spike; it closes (recovers) at the first batch whose loss is at or below that median
/// again. No new spike opens while one is open. Detection starts once the window is full.
/// </summary>
/// <remarks>
/// With <c>ℓ_t</c> the batch loss at step <c>t</c> and <c>w</c> the window:
/// <code>
/// m_t = median(ℓ_{t−w}, …, ℓ_{t−1})                        running median
/// σ_t = 1.4826 · median_i |ℓ_{t−i} − m_t|,  i = 1 … w       running noise scale (MAD, scaled to a Gaussian σ)
/// spike at t    ⇔  ℓ_t &gt; factor · m_t  ∧  ℓ_t − m_t ≥ minRise  ∧  ℓ_t &gt; m_t + madFactor · σ_t
/// recovery at s ⇔  s is the first step after the spike with ℓ_s ≤ m_t
/// </code>
/// The median, not the mean, so that one spike does not raise the bar for the next; the pre-spike median as the
/// recovery level, so "recovered" means back to where training stood. The ratio alone is not enough: late in training
/// the median is small and batch losses are dominated by the few examples a batch gets wrong, so ordinary noise reaches
/// 3-5 times the median (the quickstart run had 25 such "spikes" with the ratio alone). The median absolute deviation
/// (MAD) measures that noise without being moved by the spikes themselves; <c>1.4826 · MAD</c> is the standard
/// deviation of Gaussian noise. A real shock, such as the curriculum's change from 4 to 8 reasoning steps (about 13
/// times the median), stands dozens of σ above the median. <c>minRise</c> (loss units) is an absolute floor on top.
/// Everything is computed from the window, so the saved <see cref="LossSpikeState"/> is the same for every rule.
/// </remarks>
public sealed class LossSpikeDetector
{
    /// <summary>The default <c>madFactor</c>. On the batch losses recorded from real runs (tests/Resonance.Tests/Training/Fixtures)
    /// the noisiest quickstart batch above 3 times its median stands 6.9 σ above it, the curriculum's first batch with 8
    /// reasoning steps 42 σ.</summary>
    public const double DefaultMadFactor = 8;

    /// <summary>Scales a median absolute deviation to the standard deviation of Gaussian noise, <c>1 / Φ⁻¹(3/4)</c>.</summary>
    public const double MadToSigma = 1.4826;

    readonly double factor;
    readonly int window;
    readonly double minRise;
    readonly double madFactor;
    readonly Queue<double> recent;
    LossSpike? open;
    double openPeak;

    /// <param name="factor">Spike threshold as a multiple of the running median, &gt; 1.</param>
    /// <param name="window">Batches in the running median and noise scale, &gt;= 1.</param>
    /// <param name="state">Memory from a checkpoint, or null for a fresh start.</param>
    /// <param name="minRise">The least <c>loss − median</c> that counts, &gt;= 0 (0: no floor).</param>
    /// <param name="madFactor">The least <c>(loss − median) / σ</c> that counts, with <c>σ = 1.4826 × MAD</c> of the window,
    /// &gt;= 0 (0: the ratio alone decides).</param>
    public LossSpikeDetector(double factor, int window, LossSpikeState? state = null, double minRise = 0, double madFactor = DefaultMadFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minRise);
        ArgumentOutOfRangeException.ThrowIfNegative(madFactor);
        if (double.IsNaN(minRise)) throw new ArgumentOutOfRangeException(nameof(minRise), minRise, "must be a number");
        if (!double.IsFinite(madFactor)) throw new ArgumentOutOfRangeException(nameof(madFactor), madFactor, "must be finite");
        this.factor = factor;
        this.window = window;
        this.minRise = minRise;
        this.madFactor = madFactor;
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
            double[] values = [.. recent];
            double median = Median(values);
            double sigma = MadToSigma * Median(values.Select(v => Math.Abs(v - median)));
            if (loss > factor * median && loss - median >= minRise && loss > median + madFactor * sigma)
            {
                spike = open = new LossSpike(step, loss, median, sigma);
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
