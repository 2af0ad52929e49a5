using Resonance.Runtime;

namespace Resonance.Data;

/// <summary>Permutations of <c>0..n-1</c> fixed by a seed (Fisher–Yates over <see cref="SplitMix64"/>).</summary>
public static class SeededPermutation
{
    /// <summary>A permutation of <c>0..count-1</c>; the same seed gives the same permutation everywhere.</summary>
    public static long[] Create(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new long[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new SplitMix64(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The order of examples in epoch <paramref name="epoch"/> of a run shuffled with <paramref name="seed"/>: a permutation
    /// from a stream seeded by <c>Mix(seed) ^ Mix(epoch + 1)</c>, so every epoch has its own order and a resumed run that
    /// starts at epoch <c>e</c> sees the same orders as an uninterrupted one.
    /// </summary>
    public static long[] ForEpoch(int count, long seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        long streamSeed = unchecked((long)(SplitMix64.Mix((ulong)seed) ^ SplitMix64.Mix((ulong)epoch + 1)));
        return Create(count, streamSeed);
    }
}
