using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>Memories (random ±1 patterns) and the corrupted cues that test them.</summary>
public static class MemoryPatterns
{
    /// <summary>
    /// <paramref name="count"/> patterns of <paramref name="neurons"/> entries in {-1, +1}, shaped <c>(count, N)</c>, float32 on the CPU.
    /// </summary>
    /// <remarks>
    /// Uncorrelated when <paramref name="correlation"/> is 0 (each entry ±1 with probability 1/2). Otherwise every pattern
    /// copies a hidden parent pattern <c>ζ</c> entry by entry with probability <c>(1 + a)/2</c> and takes <c>-ζ_i</c> otherwise,
    /// <c>a = √correlation</c>, so two patterns have expected overlap <c>m^μ · m^ν / N = a² = correlation</c>.
    /// Patterns are drawn one after another from one stream, so the first <c>P</c> of a larger bank are the bank of size <c>P</c>.
    /// </remarks>
    /// <param name="seed">Seed of the bank's stream.</param>
    /// <param name="neurons">Entries per pattern <c>N</c>.</param>
    /// <param name="count">Patterns <c>P</c>.</param>
    /// <param name="correlation">Mean overlap between two patterns, in [0, 1).</param>
    public static Tensor Bank(long seed, int neurons, int count, double correlation = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(neurons, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        if (!(correlation >= 0 && correlation < 1)) throw new ArgumentOutOfRangeException(nameof(correlation));
        using var scope = NewDisposeScope();
        using var patterns = RandomStreams.Generator(RandomStreams.Derive(seed, "patterns"));
        using var parentStream = RandomStreams.Generator(RandomStreams.Derive(seed, "parent"));
        Tensor parent = Sign(rand([neurons], generator: parentStream).sub_(HeldScalars.Of(0.5)));               // (N)
        double keep = (1 + Math.Sqrt(correlation)) / 2;
        Tensor uniform = rand([count, neurons], generator: patterns);                    // (P, N)
        Tensor bank = correlation == 0
            ? Sign(uniform.sub(HeldScalars.Of(0.5)))
            : where(uniform.lt(HeldScalars.Of(keep)), parent.unsqueeze(0), parent.unsqueeze(0).neg());
        return bank.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Cues with exactly <c>round(fraction · N)</c> entries of each memory flipped, at positions drawn anew per cue.</summary>
    /// <param name="memories">Patterns in {-1, +1}, <c>(..., N)</c>.</param>
    /// <param name="fraction">Fraction of entries to flip, in [0, 1].</param>
    /// <param name="generator">The cue stream (CPU).</param>
    /// <returns>Same shape and device as <paramref name="memories"/>; the overlap of a cue with its memory is <c>1 - 2k/N</c>.</returns>
    public static Tensor FlipExactly(Tensor memories, double fraction, Generator generator)
    {
        long n = memories.shape[^1];
        long flips = (long)Math.Round(fraction * n);
        using var scope = NewDisposeScope();
        Tensor ranks = rand(memories.shape, generator: generator).argsort(-1).argsort(-1).to(memories.device); // (..., N) a random permutation of 0..N-1
        Tensor sign = ranks.lt(HeldScalars.Of(flips)).to(memories.dtype).mul_(HeldScalars.Of(-2.0)).add_(HeldScalars.One, HeldScalars.One);   // 1 − 2 [rank < flips]
        return (memories * sign).MoveToOuterDisposeScope();
    }

    /// <summary>Cues with every entry flipped independently with its cue's probability.</summary>
    /// <param name="memories">Patterns in {-1, +1}, <c>(..., B, N)</c>.</param>
    /// <param name="probability">Flip probability per cue, <c>(..., B)</c>, in [0, 1].</param>
    /// <param name="generator">The cue stream (CPU).</param>
    public static Tensor FlipRandomly(Tensor memories, Tensor probability, Generator generator)
    {
        using var scope = NewDisposeScope();
        Tensor draw = rand(memories.shape, generator: generator).to(memories.device);
        Tensor sign = 1 - 2 * (draw < probability.unsqueeze(-1)).to(memories.dtype);
        return (memories * sign).MoveToOuterDisposeScope();
    }

    /// <summary>The seed's noisy cues: <c>m + sigma · eta</c>, <c>eta ~ N(0, 1)</c> per entry.</summary>
    /// <param name="memories">Patterns, any shape.</param>
    /// <param name="sigma">Noise standard deviation, &gt;= 0.</param>
    /// <param name="generator">The cue stream (CPU).</param>
    public static Tensor AddGaussian(Tensor memories, double sigma, Generator generator)
    {
        using var scope = NewDisposeScope();
        Tensor noise = randn(memories.shape, generator: generator).to(memories.device);
        return noise.mul_(HeldScalars.Of(sigma)).add_(memories, HeldScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary><c>+1</c> where <paramref name="x"/> &gt;= 0, else <c>-1</c> (so a zero field keeps the state defined).</summary>
    public static Tensor Sign(Tensor x) => x.ge(HeldScalars.Of(0.0)).to(x.dtype).mul_(HeldScalars.Of(2.0)).sub_(HeldScalars.One);
}
