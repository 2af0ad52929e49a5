using System.Diagnostics;

namespace Resonance.Attractors;

/// <summary>
/// One net's account of a batched training, kept on the CPU: its divergence and strict convergence checks, the epoch and
/// time it stopped, its logged history and metrics lines, and its outcome.
/// </summary>
/// <param name="label">As planned.</param>
/// <param name="memories">Its <c>P</c>.</param>
/// <param name="training">Its convergence and divergence rules and <c>log_every</c>.</param>
/// <param name="stopsAtConvergence">Whether meeting the convergence rule stops it (<c>stop_at_convergence</c>, and a loss without
/// corrupted cues).</param>
internal sealed class AttractorNetLedger(string label, int memories, AttractorTrainingOptions training, bool stopsAtConvergence)
{
    readonly StrictConvergence tracker = new(training.ConvergenceThreshold, training.ConvergenceEpochs);
    readonly List<AttractorEpoch> history = [];
    int stopEpoch;
    double stopSeconds, lastLoss;
    string? reason;

    /// <summary>Converged or diverged once it has stopped; null while it trains.</summary>
    public NetStatus? Stopped { get; private set; }

    /// <summary>Records one epoch's figures (before its update) and writes its metrics line when due; only while it trains.</summary>
    /// <param name="epoch">The epoch (1-based).</param>
    /// <param name="loss">Its loss.</param>
    /// <param name="reaction">Mean clean reaction over its memories.</param>
    /// <param name="retention">Mean clean retention over its memories.</param>
    /// <param name="largest">The largest magnitude of its state.</param>
    /// <param name="clock">The training's clock.</param>
    /// <param name="log">Told its metrics line at logged epochs.</param>
    /// <returns>Whether it stopped at this epoch.</returns>
    public bool Observe(int epoch, double loss, double reaction, double retention, double largest, Stopwatch clock,
        Action<IReadOnlyDictionary<string, object?>>? log)
    {
        lastLoss = loss;
        bool logNow = epoch % training.LogEvery == 0 || epoch == 1 || epoch == training.Epochs;
        if (!double.IsFinite(loss) || !(largest <= training.DivergenceLimit))
        {
            Stopped = NetStatus.Diverged;
            reason = double.IsNaN(largest) || double.IsNaN(loss) ? "NaN"
                : double.IsInfinity(largest) || double.IsInfinity(loss) ? "infinite state"
                : $"state exceeded {OptionChecks.Format(training.DivergenceLimit)}";
        }
        else if (tracker.Observe(epoch, reaction, retention) && training.StopAtConvergence && stopsAtConvergence)
            Stopped = NetStatus.Converged;
        if (Stopped is not null)
        {
            stopEpoch = epoch;
            stopSeconds = clock.Elapsed.TotalSeconds;
        }
        if (logNow || Stopped is not null || tracker.ConvergedAt == epoch)
        {
            history.Add(new AttractorEpoch(epoch, loss, reaction, retention));
            log?.Invoke(new Dictionary<string, object?>
            {
                ["kind"] = "epoch", ["step"] = epoch, ["net"] = label, ["memories"] = memories, ["epoch"] = epoch,
                ["loss"] = loss, ["reaction"] = reaction, ["retention"] = retention,
                ["status"] = Stopped is { } status ? AttractorNetOutcome.Describe(status, epoch, reason) : tracker.Converged ? "converged, training on" : "training",
            });
        }
        return Stopped is not null;
    }

    /// <summary>How its training ended.</summary>
    /// <param name="reaction">Its final clean reaction (ignored when it diverged).</param>
    /// <param name="retention">Its final clean retention likewise.</param>
    /// <param name="epochsRun">Epochs the batch ran.</param>
    /// <param name="clock">The training's clock.</param>
    public AttractorNetOutcome Outcome(double reaction, double retention, int epochsRun, Stopwatch clock)
    {
        var status = Stopped ?? (tracker.Converged ? NetStatus.Converged : NetStatus.NotConverged);
        bool diverged = status == NetStatus.Diverged;
        return new AttractorNetOutcome(label, memories, status, Stopped is not null ? stopEpoch : tracker.ConvergedAt ?? epochsRun,
            diverged ? double.NaN : reaction, diverged ? double.NaN : retention, lastLoss, reason,
            Stopped is not null ? stopSeconds : clock.Elapsed.TotalSeconds, history);
    }
}
