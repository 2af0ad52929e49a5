using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Runtime;

/// <summary>
/// Named random streams derived from one seed: every weight, simulation or data view draws from its own
/// <see cref="torch.Generator"/>, so adding a weight never shifts the numbers of another, and torch's global
/// generator is never read.
/// </summary>
/// <remarks>
/// A child seed is <c>SplitMix64(seed XOR FNV-1a-64(name))</c>: stable across runs, processes and platforms
/// (no <see cref="string.GetHashCode()"/>). Streams nest: <c>Derive(Derive(seed, "layers.0"), "weight_hh")</c>.
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
        return (long)SplitMix64((ulong)seed ^ hash);
    }

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

    static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
