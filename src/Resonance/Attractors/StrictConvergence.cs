namespace Resonance.Attractors;

/// <summary>
/// The seed's strict convergence rule for one net: reaction and retention (averaged over all memories) both at or
/// above a threshold for a number of consecutive epochs. Fed one epoch at a time.
/// </summary>
/// <param name="threshold">Both figures must be &gt;= this (0.99 in the seed).</param>
/// <param name="consecutiveEpochs">... for this many epochs in a row (20 in the seed).</param>
public sealed class StrictConvergence(double threshold = 0.99, int consecutiveEpochs = 20)
{
    /// <summary>Epochs in a row, up to the last one seen, that met the threshold.</summary>
    public int Streak { get; private set; }

    /// <summary>The epoch at which the streak first reached its length, or null.</summary>
    public int? ConvergedAt { get; private set; }

    /// <summary>Whether the rule has been met.</summary>
    public bool Converged => ConvergedAt is not null;

    /// <summary>Records one epoch; returns <see cref="Converged"/>. A NaN figure breaks the streak.</summary>
    /// <param name="epoch">The epoch number (1-based, increasing).</param>
    /// <param name="reaction">Mean reaction over all memories.</param>
    /// <param name="retention">Mean retention over all memories.</param>
    public bool Observe(int epoch, double reaction, double retention)
    {
        Streak = reaction >= threshold && retention >= threshold ? Streak + 1 : 0;
        if (ConvergedAt is null && Streak >= consecutiveEpochs) ConvergedAt = epoch;
        return Converged;
    }
}
