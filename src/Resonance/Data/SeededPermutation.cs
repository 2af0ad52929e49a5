namespace Resonance.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny random stream whose numbers depend only on the seed, on every
/// platform and .NET version, so orders and permutations built from it are reproducible anywhere.
/// </summary>
/// <remarks>State update <c>s += 0x9E3779B97F4A7C15</c>; output = the mix of <c>s</c> (see <see cref="Mix"/>).</remarks>
public sealed class SplitMix64(long seed)
{
    ulong state = unchecked((ulong)seed);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    /// <summary>A uniform whole number in <c>0 .. bound-1</c> (Lemire's multiply-shift with rejection, so unbiased).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong limit = (ulong)bound;
        ulong threshold = (0UL - limit) % limit;
        while (true)
        {
            ulong value = Next();
            UInt128 product = (UInt128)value * limit;
            if ((ulong)product >= threshold)
                return (int)(product >> 64);
        }
    }

    /// <summary>SplitMix64's finaliser: a bijective scramble of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

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
