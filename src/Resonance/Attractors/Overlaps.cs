using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>Reaction, retention and the final overlap of trajectories, per cue (all <c>(K, B)</c>).</summary>
/// <param name="Reaction">Mean overlap while the cue was presented; NaN where nothing was presented.</param>
/// <param name="Retention">Mean overlap over the free-running steps.</param>
/// <param name="Final">Overlap at the last step.</param>
/// <param name="FinalBits">Overlap of the sign of the last state with the memory (the bits read out), when the trajectory was
/// at hand (<see cref="MemoryTests.Measure"/>); otherwise null.</param>
public sealed record RetrievalMeasures(Tensor Reaction, Tensor Retention, Tensor Final, Tensor? FinalBits = null);

/// <summary>Overlaps of network states with memories, and the seed's reaction and retention read from them.</summary>
/// <remarks>
/// <code>
/// overlap_t = m · h_t / N
/// reaction  = mean over t &lt; presentSteps of overlap_t        (the cue is on)
/// retention = mean over t &gt;= presentSteps of overlap_t       (the net runs free)
/// final     = overlap at the last step
/// </code>
/// Time index <c>t</c> counts the states after each update, from 0.
/// </remarks>
public static class Overlaps
{
    /// <summary>Overlap of every state with its memory.</summary>
    /// <param name="states">Trajectories <c>(K, B, T, N)</c>.</param>
    /// <param name="memories">The memory each trajectory is compared with, <c>(K, B, N)</c>.</param>
    /// <returns><c>(K, B, T)</c>.</returns>
    public static Tensor Of(Tensor states, Tensor memories)
    {
        long n = memories.shape[^1];
        return einsum("kbtn,kbn->kbt", states, memories) / n;
    }

    /// <summary>Reaction, retention and final overlap from overlaps over time.</summary>
    /// <param name="overlaps"><c>(K, B, T)</c>, from <see cref="Of"/>.</param>
    /// <param name="presentSteps">Leading steps during which the cue was on (0 for a cue given as the initial state).</param>
    public static RetrievalMeasures Measure(Tensor overlaps, int presentSteps)
    {
        long steps = overlaps.shape[^1];
        if (presentSteps < 0 || presentSteps >= steps)
            throw new ArgumentOutOfRangeException(nameof(presentSteps), $"needs 0 <= presentSteps < T = {steps}");
        Tensor reaction = presentSteps == 0
            ? full(overlaps.shape[..^1], double.NaN, dtype: overlaps.dtype, device: overlaps.device)
            : overlaps.narrow(-1, 0, presentSteps).mean([-1]);
        Tensor retention = overlaps.narrow(-1, presentSteps, steps - presentSteps).mean([-1]);
        Tensor final = overlaps.select(-1, steps - 1);
        return new RetrievalMeasures(reaction, retention, final);
    }

    /// <summary>Mean over the valid cues of each net: <c>sum_b mask[k, b] x[k, b] / sum_b mask[k, b]</c>.</summary>
    /// <param name="values"><c>(K, B)</c>.</param>
    /// <param name="mask">1 for a real cue, 0 for padding, <c>(K, B)</c>.</param>
    /// <returns><c>(K)</c>.</returns>
    public static Tensor MaskedMean(Tensor values, Tensor mask) =>
        (values * mask).sum([1]) / mask.sum([1]).clamp_min(1);
}
