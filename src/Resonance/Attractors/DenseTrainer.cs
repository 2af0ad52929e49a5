using System.Diagnostics;
using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>One dense memory to learn: its memories and the seed of its weights and training cues.</summary>
/// <param name="Label">Name in tables and metrics.</param>
/// <param name="Memories"><c>(P, N)</c> in {-1, +1}, any device.</param>
/// <param name="Seed">Seed of its initial weights and its training cues.</param>
public sealed record DenseNetPlan(string Label, Tensor Memories, long Seed);

/// <summary>How one learned dense memory's training ended.</summary>
/// <param name="Label">As planned.</param>
/// <param name="Memories">Its <c>P</c>.</param>
/// <param name="DivergedAt">The epoch its loss stopped being finite (its weights are then zero), or null.</param>
/// <param name="Loss">Its loss at the last epoch it trained.</param>
/// <param name="Epochs">Epochs it trained.</param>
public sealed record DenseNetOutcome(string Label, int Memories, int? DivergedAt, double Loss, int Epochs)
{
    /// <summary><c>trained</c> or <c>diverged at epoch k (loss not finite)</c>.</summary>
    public string Describe() => DivergedAt is int e ? $"diverged at epoch {e} (loss not finite)" : "trained";
}

/// <summary>A finished training: the learned weights (disposed with this result) and every net's outcome.</summary>
public sealed record DenseTrainingResult(DenseWeights Weights, IReadOnlyList<DenseNetOutcome> Outcomes, int EpochsRun, double Seconds) : IDisposable
{
    public void Dispose() => Weights.Dispose();
}

/// <summary>
/// Learns <c>K</c> dense associative memories with <c>H</c> hidden neurons each (<see cref="DenseHopfield"/>) from random
/// weights, as one batched program: one Adam over the stacked weights, losses summed over nets (Adam is element-wise, so each
/// net follows the trajectory it would follow alone).
/// </summary>
/// <remarks>
/// The weights are tied as in the constructed memory: <c>Listen = A</c>, <c>Drive = gain · Aᵀ</c>, <c>Bias = b</c>, with
/// <c>A ~ N(0, 1)</c> and <c>b = 0</c> at the start. Every epoch each memory is shown clean and as <c>training.noise_cues</c>
/// corrupted cues (each with its own flip fraction from U(<c>noise_flip_min</c>, <c>noise_flip_max</c>)), and the loss asks the
/// visible field of one update from the cue to point at the memory:
/// <code>
/// loss = mean_{clean cues, i} softplus(−2 m_i u_i) + mean_{corrupted cues, i} softplus(−2 m_i u_i),   u = Drive relu(A x / N + b)
/// </code>
/// One step, no backpropagation through time: a denoising map whose fixed points are the memories. Training through the
/// whole free run instead (the loss on the last steps' fields) was slow and unstable in our trials: the rectified hidden
/// neurons and saturated visible ones give the unrolled gradient little to follow.
/// </remarks>
public static class DenseTrainer
{
    /// <summary>Trains the planned nets together.</summary>
    /// <param name="plans">The nets, all of <paramref name="neurons"/> visible neurons.</param>
    /// <param name="neurons"><c>N</c>.</param>
    /// <param name="hidden"><c>H</c>, hidden neurons per net.</param>
    /// <param name="gain">The tie's gain: <c>Drive = gain · Aᵀ</c>.</param>
    /// <param name="training">Epochs, lr, the corrupted cues (<c>noise_cues</c>, <c>noise_flip_min</c>, <c>noise_flip_max</c>), <c>log_every</c>.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="log">Told one metrics line per net at logged epochs (kind, step, net, memories, epoch, loss, status).</param>
    /// <param name="progress">Told after each epoch.</param>
    /// <param name="cancellation">Stops after the current epoch.</param>
    public static DenseTrainingResult Train(IReadOnlyList<DenseNetPlan> plans, int neurons, int hidden, double gain, AttractorTrainingOptions training, Device device,
        Action<IReadOnlyDictionary<string, object?>>? log = null, IProgress<AttractorTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(plans.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        training.Validate();
        int k = plans.Count, n = neurons;
        foreach (var plan in plans)
            if (plan.Memories.dim() != 2 || plan.Memories.shape[1] != n || plan.Memories.shape[0] < 1)
                throw new ArgumentException($"net {plan.Label}: memories must be (P >= 1, N = {n}), got ({string.Join(", ", plan.Memories.shape)})");
        int[] counts = plans.Select(p => (int)p.Memories.shape[0]).ToArray();
        int pMax = counts.Max(), copies = training.NoiseCues;
        var clock = Stopwatch.StartNew();

        Tensor initial;
        using (NewDisposeScope())
        {
            initial = stack(plans.Select(p =>
            {
                using var stream = RandomStreams.Generator(RandomStreams.Derive(p.Seed, "listen"));
                return randn([hidden, n], generator: stream);
            }).ToArray()).to(device).DetachFromDisposeScope();                                                    // (K, H, N)
        }
        var listen = new Parameter(initial);
        var bias = new Parameter(zeros([k, hidden], device: device));
        var optimizer = optim.Adam([listen, bias], training.Lr);
        var cueStreams = plans.Select(p => RandomStreams.Generator(RandomStreams.Derive(p.Seed, "training-cues"))).ToArray();
        Tensor[] own = [];
        Tensor memories, cleanWeights, noisyWeights;
        using (NewDisposeScope())
        {
            own = plans.Select(p => p.Memories.to(float32).cpu().clone().DetachFromDisposeScope()).ToArray();
            memories = stack(own.Select(m => nn.functional.pad(m, [0, 0, 0, pMax - m.shape[0]])).ToArray()).to(device).DetachFromDisposeScope();      // (K, Pmax, N)
            Tensor mask = stack(counts.Select(c => cat([ones(c), zeros(pMax - c)])).ToArray()).to(device);                                          // (K, Pmax)
            cleanWeights = (mask / (mask.sum([1], keepdim: true) * n)).DetachFromDisposeScope();                                                  // per bit: rows sum to 1
            noisyWeights = (mask.repeat(1, copies) / (mask.sum([1], keepdim: true) * copies * n)).DetachFromDisposeScope();                      // (K, C Pmax)
        }
        var divergedAt = new int?[k];
        var lastLoss = new double[k];
        int epochsRun = 0;
        try
        {
            for (int epoch = 1; epoch <= training.Epochs && !cancellation.IsCancellationRequested; epoch++)
            {
                if (divergedAt.All(d => d is not null)) break;
                epochsRun = epoch;
                using var scope = NewDisposeScope();
                var noisy = new Tensor[k];
                for (int i = 0; i < k; i++)
                {
                    // Drawn for the net's own P, then padded: a net's cues never depend on the other nets of the batch.
                    var copy = new Tensor[copies];
                    for (int c = 0; c < copies; c++)
                    {
                        Tensor rates = training.NoiseFlipMin + rand([counts[i]], generator: cueStreams[i]) * (training.NoiseFlipMax - training.NoiseFlipMin);
                        copy[c] = nn.functional.pad(MemoryPatterns.FlipRandomly(own[i], rates, cueStreams[i]), [0, 0, 0, pMax - counts[i]]);
                    }
                    noisy[i] = cat(copy, 0);                                                                           // (C Pmax, N)
                }
                Tensor cues = cat([memories, stack(noisy).to(device)], 1);                                             // (K, (1 + C) Pmax, N)
                Tensor targets = memories.repeat(1, 1 + copies, 1);
                var weights = new DenseWeights(listen, bias, gain * listen.transpose(1, 2));
                Tensor margins = DenseHopfield.Field(weights, cues) * targets;                                         // (K, B, N)
                Tensor perBit = nn.functional.softplus(-2 * margins).sum([2]);                                         // (K, B)
                Tensor loss = (cat([cleanWeights, noisyWeights], 1) * perBit).sum([1]);                                // (K)
                float[] losses = loss.detach().cpu().data<float>().ToArray();

                var active = new bool[k];
                for (int i = 0; i < k; i++)
                {
                    if (divergedAt[i] is not null) continue;
                    bool logNow = epoch % training.LogEvery == 0 || epoch == 1 || epoch == training.Epochs;
                    if (!float.IsFinite(losses[i])) { divergedAt[i] = epoch; logNow = true; }
                    else { lastLoss[i] = losses[i]; active[i] = true; }
                    if (logNow)
                        log?.Invoke(new Dictionary<string, object?>
                        {
                            ["kind"] = "epoch", ["step"] = epoch, ["net"] = plans[i].Label, ["memories"] = counts[i], ["epoch"] = epoch,
                            ["loss"] = (double)losses[i], ["status"] = divergedAt[i] is int d ? $"diverged at epoch {d} (loss not finite)" : "training",
                        });
                }
                Tensor activeNets = tensor(active, device: device);
                if (active.Any(a => a))
                {
                    optimizer.zero_grad();
                    where(activeNets, loss, zeros_like(loss)).sum().backward();
                    optimizer.step();
                }
                if (active.Any(a => !a))
                {
                    // A net that diverged (or did before) is held at zero: a memory that recalls nothing.
                    using var noGrad = no_grad();
                    listen.masked_fill_((~activeNets).reshape(k, 1, 1), 0);
                    bias.masked_fill_((~activeNets).reshape(k, 1), 0);
                }
                double meanLoss = active.Any(a => a) ? Enumerable.Range(0, k).Where(i => active[i]).Average(i => (double)losses[i]) : double.NaN;
                progress?.Report(new AttractorTrainingProgress(epoch, training.Epochs, k, 0, divergedAt.Count(d => d is not null), meanLoss));
            }

            DenseWeights learned;
            using (no_grad())
            using (NewDisposeScope())
            {
                Tensor a = listen.detach().clone();
                learned = new DenseWeights(a.MoveToOuterDisposeScope(), bias.detach().clone().MoveToOuterDisposeScope(),
                    (gain * a.transpose(1, 2)).contiguous().MoveToOuterDisposeScope());
            }
            var outcomes = plans.Select((p, i) => new DenseNetOutcome(p.Label, counts[i], divergedAt[i], lastLoss[i], divergedAt[i] ?? epochsRun)).ToList();
            return new DenseTrainingResult(learned, outcomes, epochsRun, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            optimizer.Dispose();
            listen.Dispose();
            bias.Dispose();
            memories.Dispose();
            cleanWeights.Dispose();
            noisyWeights.Dispose();
            foreach (var stream in cueStreams) stream.Dispose();
            foreach (var m in own) m.Dispose();
        }
    }
}
