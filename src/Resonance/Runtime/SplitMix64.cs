namespace Resonance.Runtime;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny random stream whose numbers depend only on the seed, on every
/// platform and .NET version, so seeds, orders and permutations built from it are reproducible anywhere. The one
/// implementation of the generator in Resonance: <see cref="RandomStreams"/> derives its child seeds with it.
/// </summary>
/// <remarks>
/// <code>
/// s_{k+1} = s_k + γ                 (mod 2⁶⁴),  γ = 0x9E3779B97F4A7C15 = ⌊2⁶⁴/φ⌋ rounded to odd
/// x_k     = Mix(s_{k+1})
/// Mix(z)  = z₂ ⊕ (z₂ ≫ 31),  z₂ = (z₁ ⊕ (z₁ ≫ 27)) · M₂,  z₁ = (z ⊕ (z ≫ 30)) · M₁
/// </code>
/// with <c>M₁ = 0xBF58476D1CE4E5B9</c>, <c>M₂ = 0x94D049BB133111EB</c> (Stafford's variant 13 finaliser).
/// </remarks>
/// <param name="seed">The initial state <c>s₀</c>.</param>
public sealed class SplitMix64(long seed)
{
    /// <summary>The state increment <c>γ</c>, the golden gamma (2⁶⁴ divided by the golden ratio, odd).</summary>
    public const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    /// <summary>The finaliser's first multiplier, <c>M₁</c>.</summary>
    public const ulong FirstMultiplier = 0xBF58476D1CE4E5B9UL;

    /// <summary>The finaliser's second multiplier, <c>M₂</c>.</summary>
    public const ulong SecondMultiplier = 0x94D049BB133111EBUL;

    ulong state = unchecked((ulong)seed);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        state = unchecked(state + GoldenGamma);
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

    /// <summary>The first output of a stream seeded with <paramref name="seed"/>: <c>Mix(seed + γ)</c>.</summary>
    public static ulong First(ulong seed) => Mix(unchecked(seed + GoldenGamma));

    /// <summary>SplitMix64's finaliser: a bijective scramble of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * FirstMultiplier);
        z = unchecked((z ^ (z >> 27)) * SecondMultiplier);
        return z ^ (z >> 31);
    }
}
