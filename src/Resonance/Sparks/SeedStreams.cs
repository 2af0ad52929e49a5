using Resonance.Runtime;

namespace Resonance.Sparks;

/// <summary>
/// The named random streams of a spark simulation (initial weights, start positions, moves, layout), each a numbered
/// stream of <see cref="RandomStreams"/>, so changing how one stream is used never shifts another.
/// </summary>
public static class SeedStreams
{
    /// <summary>The random streams of a spark simulation; the numbers are the streams' identities, fixed forever.</summary>
    public enum Stream : ulong { Weights = 1, Sparks = 2, Moves = 3, Layout = 4 }

    /// <summary>The seed of stream <paramref name="stream"/> of a simulation seeded with <paramref name="seed"/>
    /// (<see cref="RandomStreams.DeriveNumbered"/>, so nearby seeds give unrelated streams).</summary>
    public static ulong Derive(long seed, Stream stream, long salt = 0) => RandomStreams.DeriveNumbered(seed, (ulong)stream, salt);
}
