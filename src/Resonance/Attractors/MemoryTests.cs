using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>A kind of corrupted cue.</summary>
public enum CueKind
{
    /// <summary>The memory itself.</summary>
    Clean,
    /// <summary>The seed's: <c>m + level · η</c>, <c>η ~ N(0, 1)</c> per entry.</summary>
    Gaussian,
    /// <summary>Exactly <c>round(level · N)</c> entries flipped; the cue's overlap with its memory is <c>1 - 2 level</c>.</summary>
    Flip,
}

/// <summary>Per memory, averaged over cue trials (all <c>(K, P)</c>, padding entries 0).</summary>
/// <param name="Retention">Mean overlap over the free-running steps.</param>
/// <param name="Final">Overlap at the last step.</param>
/// <param name="CueOverlap">Overlap of the cue itself with its memory.</param>
public sealed record RecallFigures(Tensor Retention, Tensor Final, Tensor CueOverlap) : IDisposable
{
    public void Dispose()
    {
        Retention.Dispose();
        Final.Dispose();
        CueOverlap.Dispose();
    }
}

/// <summary>The tests every memory meets: cue each memory (clean, noisy, bit-flipped), run, compare with the clean memory.</summary>
public static class MemoryTests
{
    /// <summary>Cues every memory <paramref name="trials"/> times and averages the figures over trials.</summary>
    /// <param name="memory">The nets under test.</param>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    /// <param name="kind">Cue kind.</param>
    /// <param name="level">Noise <c>σ</c> (Gaussian) or flipped fraction (flip); ignored for clean cues.</param>
    /// <param name="trials">Cues per memory (1 is enough for clean cues).</param>
    /// <param name="cueStream">The cue stream (CPU).</param>
    /// <param name="sharedMemories">When given, <c>(1, Pmax, N)</c>: the cues are drawn once from these and every net gets the
    /// same ones (nets whose memories are this bank or a prefix of it, so rules and sizes are compared on identical cues).</param>
    public static RecallFigures Run(IAssociativeMemory memory, Tensor memories, Tensor mask, CueKind kind, double level, int trials, Generator? cueStream,
        Tensor? sharedMemories = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        using var scope = NewDisposeScope();
        Tensor retention = zeros_like(mask), final = zeros_like(mask), cueOverlap = zeros_like(mask);
        for (int trial = 0; trial < trials; trial++)
        {
            using var step = NewDisposeScope();
            Tensor source = sharedMemories ?? memories;
            Tensor cues = kind switch
            {
                CueKind.Clean => source,
                CueKind.Gaussian => MemoryPatterns.AddGaussian(source, level, cueStream ?? throw new ArgumentNullException(nameof(cueStream))),
                CueKind.Flip => MemoryPatterns.FlipExactly(source, level, cueStream ?? throw new ArgumentNullException(nameof(cueStream))),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            if (sharedMemories is not null) cues = cues.expand(memories.shape).contiguous();
            var measures = Measure(memory, cues, memories);
            retention.add_(measures.Retention * mask / trials);
            final.add_(measures.Final * mask / trials);
            cueOverlap.add_((cues * memories).sum([-1]) / memories.shape[^1] * mask / trials);
        }
        return new RecallFigures(retention.MoveToOuterDisposeScope(), final.MoveToOuterDisposeScope(), cueOverlap.MoveToOuterDisposeScope());
    }

    /// <summary>Runs given cues and measures the trajectories against the clean memories.</summary>
    /// <param name="memory">The nets under test.</param>
    /// <param name="cues"><c>(K, B, N)</c>.</param>
    /// <param name="memories">The memory each cue stands for, <c>(K, B, N)</c>.</param>
    /// <returns>Reaction, retention, final overlap and the overlap of the final state's signs, <c>(K, B)</c> each.</returns>
    public static RetrievalMeasures Measure(IAssociativeMemory memory, Tensor cues, Tensor memories)
    {
        using var scope = NewDisposeScope();
        Tensor trajectory = memory.Recall(cues);                                                         // (K, B, T, N)
        var measures = Overlaps.Measure(Overlaps.Of(trajectory, memories), memory.PresentSteps);
        Tensor bits = (MemoryPatterns.Sign(trajectory.select(2, trajectory.shape[2] - 1)) * memories).sum([-1]) / memories.shape[^1];
        return new RetrievalMeasures(measures.Reaction.MoveToOuterDisposeScope(), measures.Retention.MoveToOuterDisposeScope(),
            measures.Final.MoveToOuterDisposeScope(), bits.MoveToOuterDisposeScope());
    }
}
