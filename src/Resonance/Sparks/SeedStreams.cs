namespace Resonance.Sparks;

/// <summary>
/// Splits one seed into independent seeds, one per random stream (initial weights, start positions, moves, layout),
/// so changing how one stream is used never shifts another.
/// </summary>
public static class SeedStreams
{
    /// <summary>The random streams of a spark simulation.</summary>
    public enum Stream : ulong { Weights = 1, Sparks = 2, Moves = 3, Layout = 4 }

    /// <summary>The seed of stream <paramref name="stream"/> of a simulation seeded with <paramref name="seed"/>
    /// (SplitMix64 of the pair, so nearby seeds give unrelated streams).</summary>
    public static ulong Derive(long seed, Stream stream, long salt = 0)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)salt * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
