using System.Diagnostics;
using Resonance.Runtime;
using TorchSharp;
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
    public string Describe() => Status switch
    {
        NetStatus.Converged => "converged",
        NetStatus.NotConverged => "not converged",
        _ => $"diverged at epoch {Epoch} ({DivergenceReason})",
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

/// <summary>
/// Trains <c>K</c> attractor nets at once as one batched tensor program: weights <c>(K, N, N)</c>, memories padded to
/// <c>(K, Pmax, N)</c> with a mask, one Adam over the stacked weights. Losses are summed over nets and nothing is clipped
/// or averaged across them, so every net follows exactly the trajectory it would follow alone (Adam is element-wise).
/// </summary>
/// <remarks>
/// Per net and epoch <c>e</c> (1-based): the memories trained are memory <c>(e - 1) mod P</c> (cyclic) or all (batch,
/// noisy); the loss is that of <see cref="AttractorTrainingOptions"/>. Before the update, clean-cue reaction and retention
/// over all memories are measured and fed to <see cref="StrictConvergence"/>; a net that has converged (when
/// <see cref="AttractorTrainingOptions.StopAtConvergence"/>) or diverged is frozen: excluded from the loss, its gradients
/// zeroed and its weights restored after every step.
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
        int[] counts = plans.Select(p => (int)p.Memories.shape[0]).ToArray();
        int pMax = counts.Max();
        int present = network.PresentSteps, retain = network.RetainSteps;
        var clock = Stopwatch.StartNew();

        var model = new AttractorRnn(plans.Select(p => p.Spec).ToList(), n, network.InitScale, network.Connectivity, device, network.SelfCoupling);
        Tensor memories = stack(plans.Select(p => nn.functional.pad(p.Memories.to(float32).cpu(), [0, 0, 0, pMax - p.Memories.shape[0]])).ToArray()).to(device); // (K, Pmax, N)
        Tensor mask = stack(counts.Select(c => cat([ones(c), zeros(pMax - c)])).ToArray()).to(device);                                                       // (K, Pmax)
        if (network.Init == AttractorInit.PseudoInverse)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.Recurrent.copy_(ClassicalRules.PseudoInverse(memories, mask) * network.InitGain);
            model.Input.copy_(eye(n, device: device).expand(k, n, n) * network.InitGain);
        }
        using var gamma = tensor(plans.Select(p => (float)p.FixedPointWeight).ToArray(), device: device);                                                   // (K)
        using var l2 = tensor(plans.Select(p => (float)p.L2).ToArray(), device: device);                                                                    // (K)
        static bool Corrupts(Regimen regimen) => regimen is Regimen.Noisy or Regimen.Basin;
        bool anyNoisy = plans.Any(p => Corrupts(p.Regimen));
        bool anyBasin = plans.Any(p => p.Regimen == Regimen.Basin);
        int copies = training.NoiseCues;
        using var basinNets = tensor(plans.Select(p => p.Regimen == Regimen.Basin).ToArray(), device: device);                                      // (K)
        using var flipMin = tensor(plans.Select(p => Corrupts(p.Regimen) ? (float)training.NoiseFlipMin : 0f).ToArray()).reshape(k, 1); // (K, 1), CPU
        using var flipSpan = tensor(plans.Select(p => Corrupts(p.Regimen) ? (float)(training.NoiseFlipMax - training.NoiseFlipMin) : 0f).ToArray()).reshape(k, 1);
        var cueStreams = plans.Select(p => RandomStreams.Generator(RandomStreams.Derive(p.Spec.Seed, "training-cues"))).ToArray();
        Tensor[] ownMemories = [];                                                                                    // (P_i, N) each, CPU: what the cues flip
        if (anyNoisy)
            using (NewDisposeScope())
                ownMemories = plans.Select(p => p.Memories.to(float32).cpu().clone().DetachFromDisposeScope()).ToArray();

        var optimizer = optim.Adam([model.Recurrent, model.Input], training.Lr);
        using var frozenRecurrent = model.Recurrent.detach().clone();
        using var frozenInput = model.Input.detach().clone();
        var trackers = plans.Select(_ => new StrictConvergence(training.ConvergenceThreshold, training.ConvergenceEpochs)).ToArray();
        var status = new NetStatus?[k];
        var stopEpoch = new int[k];
        var stopSeconds = new double[k];
        var stopLoss = new double[k];
        var reasons = new string?[k];
        var histories = plans.Select(_ => new List<AttractorEpoch>()).ToArray();
        var lastLoss = new double[k];
        int epochsRun = 0;
        bool gradientFree = training.CueLoss == CueLoss.Contrastive && plans.All(p => p.Regimen == Regimen.Basin);
        if (training.CueLoss == CueLoss.Contrastive && anyBasin && !gradientFree)
            throw new ArgumentException("contrastive basin nets move their weights by hand and cannot share a batch with nets trained by gradient; train them apart");
        Tensor? contrastiveNorm = null;                                                                               // (K): W_self's norm at the start

        try
        {
            for (int epoch = 1; epoch <= training.Epochs && !cancellation.IsCancellationRequested; epoch++)
            {
                if (status.All(s => s is not null)) break;
                epochsRun = epoch;
                using var scope = NewDisposeScope();

                // Loss weights: cyclic nets train memory (e - 1) mod P, the others all their memories.
                var weightRows = new float[k * pMax];
                var noisyRows = new float[k * pMax];
                for (int i = 0; i < k; i++)
                {
                    if (plans[i].Regimen == Regimen.Cyclic) weightRows[i * pMax + (epoch - 1) % counts[i]] = 1;
                    else for (int b = 0; b < counts[i]; b++) weightRows[i * pMax + b] = 1f / counts[i];
                    if (plans[i].Regimen == Regimen.Noisy) for (int b = 0; b < counts[i]; b++) noisyRows[i * pMax + b] = 1f / (counts[i] * copies);
                }
                Tensor weights = tensor(weightRows, device: device).reshape(k, pMax);                                     // (K, Pmax), rows sum to 1

                // Cues: the clean memories, and for noisy and basin nets `copies` corrupted copies of each after them.
                Tensor cues = memories, targets = memories;
                if (anyNoisy)
                {
                    var noisy = new Tensor[k];
                    for (int i = 0; i < k; i++)
                    {
                        // Drawn for the net's own P only, then padded: a net's cues never depend on the other nets of the batch.
                        var copy = new Tensor[copies];
                        Tensor own = ownMemories[i];
                        for (int c = 0; c < copies; c++)
                        {
                            Tensor rates = flipMin[i] + rand([counts[i]], generator: cueStreams[i]) * flipSpan[i];                          // (P_i)
                            Tensor flipped = MemoryPatterns.FlipRandomly(own, rates, cueStreams[i]);
                            if (training.NoiseSigma > 0 && Corrupts(plans[i].Regimen)) flipped = MemoryPatterns.AddGaussian(flipped, training.NoiseSigma, cueStreams[i]);
                            copy[c] = nn.functional.pad(flipped, [0, 0, 0, pMax - counts[i]]);                                  // (Pmax, N)
                        }
                        noisy[i] = cat(copy, 0);                                                                               // (C Pmax, N)
                    }
                    cues = cat([memories, stack(noisy).to(device)], 1);                                                     // (K, (1 + C) Pmax, N)
                    targets = memories.repeat(1, 1 + copies, 1);
                }

                // Forward and per-net loss (no graph when no net needs a gradient: contrastive basin training moves weights by hand).
                using var forwardOnly = gradientFree ? no_grad() : null;
                Tensor states, freeFields;
                if (anyBasin) (states, freeFields) = model.RunWithFields(cues, present, retain);                          // (K, B, T, N), (K, B, R, N)
                else (states, freeFields) = (model.Run(cues, present, retain), null!);
                var measures = Overlaps.Measure(Overlaps.Of(states, targets), present);
                Tensor cleanReaction = measures.Reaction.narrow(1, 0, pMax), cleanRetention = measures.Retention.narrow(1, 0, pMax); // (K, Pmax)
                Tensor optionA = (1 - cleanRetention) + (1 - cleanReaction);                                               // (K, Pmax)
                Tensor fixedPoint = model.FixedPointResidual(memories).square().mean([-1]);                               // (K, Pmax)
                Tensor weightNorm = model.Recurrent.square().sum([1, 2]) + model.Input.square().sum([1, 2]);              // (K)
                Tensor loss = (weights * (optionA + gamma.unsqueeze(1) * fixedPoint)).sum([1]) + l2 * weightNorm;         // (K)
                if (anyNoisy)
                {
                    Tensor noisyWeights = tensor(noisyRows, device: device).reshape(k, 1, pMax);                          // (K, 1, Pmax)
                    Tensor noisyRetention = measures.Retention.narrow(1, pMax, copies * pMax), noisyReaction = measures.Reaction.narrow(1, pMax, copies * pMax);
                    Tensor noisyTerm = ((1 - noisyRetention) + (1 - noisyReaction)).reshape(k, copies, pMax);            // option A on the corrupted cues
                    loss = loss + (noisyWeights * noisyTerm).sum([1, 2]);
                }
                if (anyBasin)
                {
                    // Basin nets: the logistic loss of the read-out bits on every free-running step and every cue, instead of option A.
                    // Clean cues: the logistic loss on every free step (it keeps widening the margins retention needs).
                    // Corrupted cues: the soft bit-error rate (1 − tanh(m u))/2 on the second half of the free steps, the time they get
                    // to clean up; bounded, so a cue the net cannot rescue does not pull every gain down (the logistic loss would).
                    Tensor margins = freeFields * targets.unsqueeze(2);                                                   // (K, B, R, N): m_i u_{t,i}
                    int late = retain / 2;
                    Tensor perCue;                                                                                         // (K, B)
                    if (training.CueLoss == CueLoss.Trajectory)
                    {
                        // One step from each visited free-running state, the state held fixed: h_{t-1} for t = 1..R.
                        double cleanMargin = training.CleanMargin ?? 3.0, cueMargin = training.CueMargin ?? cleanMargin;
                        long b = states.shape[1];
                        Tensor visited = states.detach().narrow(2, present - 1, retain).reshape(k, b * retain, n);             // (K, B R, N)
                        Tensor next = bmm(visited, model.SelfWeights().transpose(1, 2)).reshape(k, b, retain, n);              // (K, B, R, N)
                        Tensor asked = cat([full([k, pMax, 1, 1], cleanMargin, device: device), full([k, copies * pMax, 1, 1], cueMargin, device: device)], 1);
                        perCue = (asked - next * targets.unsqueeze(2)).relu().square().mean([2, 3]);
                    }
                    else
                    {
                        Tensor cleanMargins = margins.narrow(1, 0, pMax);
                        Tensor cleanLoss = (training.CleanMargin is { } kappa
                            ? (kappa - cleanMargins).relu().square()
                            : nn.functional.softplus(-2 * cleanMargins)).mean([2, 3]);                                      // (K, Pmax)
                        Tensor lateMargins = margins.narrow(1, pMax, copies * pMax).narrow(2, late, retain - late);        // (K, C Pmax, R - late, N)
                        Tensor noisyLoss = training.CueLoss == CueLoss.CueError
                            ? (1 - (-nn.functional.softplus(-2 * lateMargins).sum([3])).exp()).mean([2])                   // (K, C Pmax)
                            : (1 - lateMargins.tanh()).mean([2, 3]) / 2;
                        perCue = cat([cleanLoss, noisyLoss], 1);
                    }
                    Tensor cueWeights = mask.repeat(1, 1 + copies) / (mask.sum([1], keepdim: true) * (training.CleanWeight + copies)); // (K, B), rows sum to 1
                    if (training.CleanWeight != 1) cueWeights = cueWeights * cat([full([1, pMax], training.CleanWeight, device: device), ones(1, copies * pMax, device: device)], 1);
                    Tensor basinLoss = (cueWeights * perCue).sum([1]) + (weights * gamma.unsqueeze(1) * fixedPoint).sum([1]) + l2 * weightNorm;
                    loss = where(basinNets, basinLoss, loss);
                }

                // Clean figures before the update.
                Tensor reaction = Overlaps.MaskedMean(cleanReaction.detach(), mask);
                Tensor retention = Overlaps.MaskedMean(cleanRetention.detach(), mask);
                Tensor largest = states.detach().abs().amax([1, 2, 3]);                                                   // (K)
                float[] figures = stack([loss.detach(), reaction, retention, largest], 1).cpu().data<float>().ToArray(); // (K, 4)

                // Decide, per net, on the CPU.
                var justStopped = new List<int>();
                for (int i = 0; i < k; i++)
                {
                    if (status[i] is not null) continue;
                    double l = figures[4 * i], rea = figures[4 * i + 1], ret = figures[4 * i + 2], big = figures[4 * i + 3];
                    lastLoss[i] = l;
                    bool log_ = epoch % training.LogEvery == 0 || epoch == 1 || epoch == training.Epochs;
                    if (!double.IsFinite(l) || !(big <= training.DivergenceLimit))
                    {
                        status[i] = NetStatus.Diverged;
                        reasons[i] = double.IsNaN(big) || double.IsNaN(l) ? "NaN" : double.IsInfinity(big) || double.IsInfinity(l) ? "infinite state" : $"state exceeded {OptionChecks.Format(training.DivergenceLimit)}";
                        justStopped.Add(i);
                        log_ = true;
                    }
                    else if (trackers[i].Observe(epoch, rea, ret) && training.StopAtConvergence && !Corrupts(plans[i].Regimen))
                    {
                        status[i] = NetStatus.Converged;
                        justStopped.Add(i);
                        log_ = true;
                    }
                    if (status[i] is not null)
                    {
                        stopEpoch[i] = epoch;
                        stopSeconds[i] = clock.Elapsed.TotalSeconds;
                        stopLoss[i] = l;
                    }
                    if (trackers[i].ConvergedAt == epoch) log_ = true;
                    if (log_)
                    {
                        histories[i].Add(new AttractorEpoch(epoch, l, rea, ret));
                        log?.Invoke(new Dictionary<string, object?>
                        {
                            ["kind"] = "epoch", ["step"] = epoch, ["net"] = plans[i].Label, ["memories"] = counts[i], ["epoch"] = epoch,
                            ["loss"] = l, ["reaction"] = rea, ["retention"] = ret,
                            ["status"] = status[i] is { } s ? Describe(s, epoch, reasons[i]) : trackers[i].Converged ? "converged, training on" : "training",
                        });
                    }
                }

                // Freeze what stopped: converged nets keep these weights, diverged ones are zeroed.
                bool[] active = status.Select(s => s is null).ToArray();
                if (justStopped.Count > 0)
                {
                    using var noGrad = no_grad();
                    foreach (int i in justStopped)
                    {
                        bool diverged = status[i] == NetStatus.Diverged;
                        frozenRecurrent[i].copy_(diverged ? zeros(n, n) : model.Recurrent[i]);
                        frozenInput[i].copy_(diverged ? zeros(n, n) : model.Input[i]);
                    }
                }
                if (active.All(a => !a))
                {
                    using var noGrad = no_grad();
                    model.Recurrent.copy_(frozenRecurrent);
                    model.Input.copy_(frozenInput);
                }
                else if (gradientFree)
                {
                    using var noGrad = no_grad();
                    Tensor ended = MemoryPatterns.Sign(states.select(2, -1));                                               // (K, B, N)
                    Tensor missed = (ended != targets).any(-1).to(float32) * mask.repeat(1, 1 + copies)
                        * tensor(active, device: device).to(float32).unsqueeze(1);                                         // (K, B); every net is a basin net
                    Tensor m = targets * missed.unsqueeze(-1), sMissed = ended * missed.unsqueeze(-1);
                    Tensor delta = (bmm(m.transpose(1, 2), m) - bmm(sMissed.transpose(1, 2), ended)) * (training.Lr / n);   // (K, N, N), symmetric
                    // Hold each net's gain: m mᵀ raises every memory's fields, and a higher gain makes the dynamics sign-like.
                    contrastiveNorm ??= model.SelfWeights().square().sum([1, 2]).sqrt().DetachFromDisposeScope();
                    model.Recurrent.add_(delta);
                    Tensor norm = model.SelfWeights().square().sum([1, 2]).sqrt();
                    model.Recurrent.mul_((contrastiveNorm / norm).reshape(k, 1, 1));
                }
                else
                {
                    Tensor activeNets = tensor(active, device: device);                                                     // (K)
                    Tensor total = where(activeNets, loss, zeros_like(loss)).sum();
                    optimizer.zero_grad();
                    total.backward();
                    if (training.ClipGradNorm > 0)
                    {
                        // Per net: scale net k's gradient to norm <= clip, so nets stay independent.
                        using var noGrad = no_grad();
                        using var gr = model.Recurrent.grad!;
                        using var gi = model.Input.grad!;
                        Tensor norms = (gr.square().sum([1, 2]) + gi.square().sum([1, 2])).sqrt();                       // (K)
                        Tensor scale = (training.ClipGradNorm / (norms + 1e-6)).clamp_max(1).reshape(k, 1, 1);
                        gr.mul_(scale);
                        gi.mul_(scale);
                    }
                    if (active.Any(a => !a))
                    {
                        Tensor inactive = (~activeNets).reshape(k, 1, 1);
                        using (var g = model.Recurrent.grad) g?.masked_fill_(inactive, 0);
                        using (var g = model.Input.grad) g?.masked_fill_(inactive, 0);
                        optimizer.step();
                        using var noGrad = no_grad();
                        model.Recurrent.copy_(where(inactive, frozenRecurrent, model.Recurrent));
                        model.Input.copy_(where(inactive, frozenInput, model.Input));
                    }
                    else optimizer.step();
                }
                progress?.Report(new AttractorTrainingProgress(epoch, training.Epochs, k,
                    status.Count(s => s == NetStatus.Converged), status.Count(s => s == NetStatus.Diverged)));
            }

            // Final clean evaluation of every net as it stands.
            float[] final;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var clean = Overlaps.Measure(Overlaps.Of(model.Run(memories, present, retain), memories), present);
                final = stack([Overlaps.MaskedMean(clean.Reaction, mask), Overlaps.MaskedMean(clean.Retention, mask)], 1).cpu().data<float>().ToArray();
            }
            var outcomes = new AttractorNetOutcome[k];
            for (int i = 0; i < k; i++)
            {
                var s = status[i] ?? (trackers[i].Converged ? NetStatus.Converged : NetStatus.NotConverged);
                bool diverged = s == NetStatus.Diverged;
                outcomes[i] = new AttractorNetOutcome(
                    plans[i].Label, counts[i], s,
                    status[i] is not null ? stopEpoch[i] : trackers[i].ConvergedAt ?? epochsRun,
                    diverged ? double.NaN : final[2 * i], diverged ? double.NaN : final[2 * i + 1],
                    status[i] is null ? lastLoss[i] : stopLoss[i], reasons[i],
                    status[i] is null ? clock.Elapsed.TotalSeconds : stopSeconds[i], histories[i]);
            }
            return new AttractorTrainingResult(model, memories, mask, outcomes, epochsRun, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            model.Dispose();
            memories.Dispose();
            mask.Dispose();
            throw;
        }
        finally
        {
            optimizer.Dispose();
            contrastiveNorm?.Dispose();
            foreach (var stream in cueStreams) stream.Dispose();
            foreach (var own in ownMemories) own.Dispose();
        }
    }

    static string Describe(NetStatus status, int epoch, string? reason) => status switch
    {
        NetStatus.Converged => "converged",
        NetStatus.Diverged => $"diverged at epoch {epoch} ({reason})",
        _ => "not converged",
    };
}
