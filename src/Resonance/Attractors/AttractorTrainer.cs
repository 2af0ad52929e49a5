using System.Diagnostics;
using Resonance.Attractors.Losses;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>
/// Trains <c>K</c> attractor nets at once as one batched tensor program: weights <c>(K, N, N)</c>, memories padded to
/// <c>(K, Pmax, N)</c> with a mask, one Adam over the stacked weights. Losses are summed over nets and nothing is clipped
/// or averaged across them, so every net follows exactly the trajectory it would follow alone (Adam is element-wise).
/// </summary>
/// <remarks>
/// Each net trains with the loss its regimen (and the basin regimen's cue loss) names in <see cref="AttractorLosses"/>: it
/// says which cues are shown, how the epoch's memories are weighted (cyclic: memory <c>(e - 1) mod P</c> in epoch <c>e</c>;
/// the others: all) and what is asked of them. Before the update, clean-cue reaction and retention over all memories are
/// measured and fed to <see cref="StrictConvergence"/>; a net that has converged (when
/// <see cref="AttractorTrainingOptions.StopAtConvergence"/> and its loss shows no corrupted cues) or diverged is frozen:
/// excluded from the loss, its gradients zeroed and its weights restored after every step.
/// </remarks>
public static class AttractorTrainer
{
    /// <summary>Trains the planned nets together.</summary>
    /// <param name="plans">The nets; all share <paramref name="network"/>'s size and protocol.</param>
    /// <param name="network">Neurons, steps, initial scale and connectivity (its activation and symmetry are taken from each plan).</param>
    /// <param name="training">Epochs, learning rate, convergence and divergence rules, noise of the noisy regimen.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="log">Told one metrics line per net at logged epochs (keys: kind, step, net, memories, epoch, loss, reaction, retention, status).</param>
    /// <param name="progress">Told after each epoch.</param>
    /// <param name="cancellation">Stops after the current epoch; the outcomes describe the nets as they stand.</param>
    public static AttractorTrainingResult Train(
        IReadOnlyList<AttractorNetPlan> plans, AttractorNetworkOptions network, AttractorTrainingOptions training, Device device,
        Action<IReadOnlyDictionary<string, object?>>? log = null, IProgress<AttractorTrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(plans.Count, 1);
        network.Validate();
        training.Validate();
        int k = plans.Count, n = network.Neurons;
        foreach (var plan in plans)
            if (plan.Memories.dim() != 2 || plan.Memories.shape[1] != n || plan.Memories.shape[0] < 1)
                throw new ArgumentException($"net {plan.Label}: memories must be (P >= 1, N = {n}), got ({string.Join(", ", plan.Memories.shape)})");
        var clock = Stopwatch.StartNew();
        using var losses = new AttractorLossSet(plans, training, device);
        var nets = AttractorNets.Stack(plans, network, device);
        try
        {
            using var cues = new CorruptedCues(plans, losses.Corrupting, training);
            using var adam = new StackedAdam(nets.Model, training);
            var ledgers = plans.Select((plan, i) => new AttractorNetLedger(plan.Label, nets.Counts[i], training, stopsAtConvergence: !losses[i].Corrupts)).ToArray();
            int epochsRun = 0;
            for (int epoch = 1; epoch <= training.Epochs && !cancellation.IsCancellationRequested; epoch++)
            {
                if (ledgers.All(net => net.Stopped is not null)) break;
                epochsRun = epoch;
                using var scope = NewDisposeScope();
                using var forwardOnly = losses.ByGradient ? null : no_grad();                                 // weights moved by hand: no graph
                var (shown, targets) = cues.Show(nets.Memories);
                var run = new AttractorEpochRun(nets, losses.MemoryWeights(epoch, nets), losses.Gamma, losses.L2, shown, targets, losses.ReadsFields);
                Tensor loss = losses.Loss(run);                                                                   // (K)
                float[] figures = run.Figures(loss);                                                              // (K, 4): loss, reaction, retention, largest

                for (int i = 0; i < k; i++)
                    if (ledgers[i].Stopped is null
                        && ledgers[i].Observe(epoch, figures[4 * i], figures[4 * i + 1], figures[4 * i + 2], figures[4 * i + 3], clock, log))
                        adam.Freeze(i, atZero: ledgers[i].Stopped == NetStatus.Diverged);                         // converged nets keep these weights
                bool[] active = ledgers.Select(net => net.Stopped is null).ToArray();
                if (active.All(a => !a)) adam.Restore();
                else if (!losses.ByGradient) losses.MoveWeights(run, active);
                else adam.Step(loss, active);
                progress?.Report(new AttractorTrainingProgress(epoch, training.Epochs, k,
                    ledgers.Count(net => net.Stopped == NetStatus.Converged), ledgers.Count(net => net.Stopped == NetStatus.Diverged)));
            }

            float[] final = nets.CleanFigures();                                                                  // (K, 2)
            var outcomes = ledgers.Select((net, i) => net.Outcome(final[2 * i], final[2 * i + 1], epochsRun, clock)).ToArray();
            return new AttractorTrainingResult(nets.Model, nets.Memories, nets.Mask, outcomes, epochsRun, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            nets.Dispose();
            throw;
        }
    }
}
