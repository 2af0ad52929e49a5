using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>
/// The cues of a batched training: the clean memories, and, when some net's loss <see cref="IAttractorLoss.Corrupts"/>,
/// <c>C</c> = <c>training.noise_cues</c> corrupted copies of each memory after them, drawn anew every epoch.
/// </summary>
/// <remarks>
/// A corrupting net's copy flips each bit of a memory with a probability drawn per memory and copy from
/// U(<c>noise_flip_min</c>, <c>noise_flip_max</c>), then adds Gaussian noise of <c>noise_sigma</c> when that is set; the other
/// nets' copies flip nothing. Every net draws from its own stream (<c>training-cues</c> of its seed), for its own <c>P</c>
/// only, so a net's cues never depend on the other nets of the batch.
/// </remarks>
internal sealed class CorruptedCues : IDisposable
{
    readonly bool[] corrupts;
    readonly int copies, mostMemories;
    readonly double sigma;
    readonly Generator[] streams;
    readonly Tensor[] memories = [];                                                                              // (P_i, N) each, CPU: what the cues flip
    readonly Tensor flipMin, flipSpan;                                                                            // (K, 1), CPU

    /// <param name="plans">The nets, in stack order.</param>
    /// <param name="corrupts">Per net, whether its loss shows corrupted cues.</param>
    /// <param name="training">The noise: <c>noise_cues</c>, <c>noise_flip_min</c>, <c>noise_flip_max</c>, <c>noise_sigma</c>.</param>
    public CorruptedCues(IReadOnlyList<AttractorNetPlan> plans, bool[] corrupts, AttractorTrainingOptions training)
    {
        this.corrupts = corrupts;
        copies = training.NoiseCues;
        sigma = training.NoiseSigma;
        mostMemories = plans.Max(p => (int)p.Memories.shape[0]);
        int k = plans.Count;
        flipMin = tensor(corrupts.Select(c => c ? (float)training.NoiseFlipMin : 0f).ToArray()).reshape(k, 1);
        flipSpan = tensor(corrupts.Select(c => c ? (float)(training.NoiseFlipMax - training.NoiseFlipMin) : 0f).ToArray()).reshape(k, 1);
        streams = plans.Select(p => RandomStreams.Generator(RandomStreams.Derive(p.Spec.Seed, "training-cues"))).ToArray();
        if (corrupts.Any(c => c))
            using (NewDisposeScope())
                memories = plans.Select(p => p.Memories.to(float32).cpu().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>This epoch's cues and the memory of each.</summary>
    /// <param name="clean">The padded memories, <c>(K, Pmax, N)</c>.</param>
    /// <returns>Cues and targets, <c>(K, B, N)</c> each: <c>B = Pmax</c> (<paramref name="clean"/> itself) when no net corrupts,
    /// else <c>(1 + C) Pmax</c>.</returns>
    public (Tensor Cues, Tensor Targets) Show(Tensor clean)
    {
        if (memories.Length == 0) return (clean, clean);
        var noisy = new Tensor[memories.Length];
        for (int i = 0; i < memories.Length; i++)
        {
            var copy = new Tensor[copies];
            int count = (int)memories[i].shape[0];
            for (int c = 0; c < copies; c++)
            {
                Tensor rates = flipMin[i] + rand([count], generator: streams[i]) * flipSpan[i];                      // (P_i)
                Tensor flipped = MemoryPatterns.FlipRandomly(memories[i], rates, streams[i]);
                if (sigma > 0 && corrupts[i]) flipped = MemoryPatterns.AddGaussian(flipped, sigma, streams[i]);
                copy[c] = nn.functional.pad(flipped, [0, 0, 0, mostMemories - count]);                                // (Pmax, N)
            }
            noisy[i] = cat(copy, 0);                                                                               // (C Pmax, N)
        }
        return (cat([clean, stack(noisy).to(clean.device)], 1), clean.repeat(1, 1 + copies, 1));                  // (K, (1 + C) Pmax, N) each
    }

    public void Dispose()
    {
        foreach (var stream in streams) stream.Dispose();
        foreach (var memory in memories) memory.Dispose();
        flipMin.Dispose();
        flipSpan.Dispose();
    }
}
