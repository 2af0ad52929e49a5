using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Runtime;

/// <summary>
/// Named random streams derived from one seed: every weight, simulation or data view draws from its own
/// <see cref="torch.Generator"/>, so adding a weight never shifts the numbers of another, and no number comes
/// from torch's global generator.
/// </summary>
/// <remarks>
/// A child seed is the first output of <see cref="SplitMix64"/> seeded with <c>seed XOR FNV-1a-64(name)</c>: stable
/// across runs, processes and platforms (no <see cref="string.GetHashCode()"/>). Streams nest:
/// <c>Derive(Derive(seed, "layers.0"), "weight_hh")</c>. Streams known by number (a spark simulation's weights, moves,
/// ...) use <see cref="DeriveNumbered"/>. Nothing in Resonance seeds torch's global generator or keeps a number drawn from
/// it: the library constructors that draw from it (<c>nn.Linear</c>, <c>nn.LSTM</c>, <c>nn.GRU</c>) have every parameter
/// redrawn from a stream.
/// </remarks>
public static class RandomStreams
{
    /// <summary>The seed of the stream <paramref name="name"/> under <paramref name="seed"/>.</summary>
    public static long Derive(long seed, string name)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a 64 offset basis
        foreach (char c in name)
        {
            hash ^= c;
            hash *= 1099511628211UL; // FNV-1a 64 prime
        }
        return unchecked((long)SplitMix64.First((ulong)seed ^ hash));
    }

    /// <summary>
    /// The seed of the numbered stream <paramref name="stream"/> under <paramref name="seed"/>, salted with
    /// <paramref name="salt"/> (a step, a trial): <c>Mix(seed·γ + stream·M₁ + salt·M₂)</c> in <see cref="SplitMix64"/>'s
    /// constants, so nearby seeds, streams and salts give unrelated seeds.
    /// </summary>
    public static ulong DeriveNumbered(long seed, ulong stream, long salt = 0) =>
        SplitMix64.Mix(unchecked((ulong)seed * SplitMix64.GoldenGamma + stream * SplitMix64.FirstMultiplier + (ulong)salt * SplitMix64.SecondMultiplier));

    /// <summary>A CPU generator seeded with <paramref name="seed"/>; the caller disposes it.</summary>
    public static Generator Generator(long seed) => new((ulong)seed);

    /// <summary>
    /// Fills <paramref name="tensor"/> in place with <c>U(-bound, bound)</c> drawn from its own stream
    /// (<paramref name="seed"/>), without recording the fill in autograd.
    /// </summary>
    /// <remarks>
    /// Uses <see cref="Tensor.uniform_(double, double, Generator?)"/>: TorchSharp 0.107's
    /// <c>nn.init.uniform_</c> accepts a generator but ignores it (it draws from the global generator).
    /// The tensor must be on the CPU (models are built on the CPU and moved afterwards).
    /// </remarks>
    /// <param name="tensor">Any shape, floating point, on the CPU.</param>
    /// <param name="bound">Half-width of the interval, positive.</param>
    /// <param name="seed">The stream's seed, usually from <see cref="Derive"/>.</param>
    public static void Uniform(Tensor tensor, double bound, long seed)
    {
        using var generator = Generator(seed);
        using var noGrad = no_grad();
        tensor.uniform_(-bound, bound, generator);
    }
}
