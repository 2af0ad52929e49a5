using Resonance.Runtime;

namespace Resonance.Tests.Runtime;

/// <summary>Golden values recorded from the SplitMix64 that lived in Data/SeededPermutation.cs before the three copies
/// became one: the permutations and synthetic MNIST of every README figure depend on them.</summary>
public class SplitMix64Tests
{
    [Fact]
    public void Next_gives_the_recorded_stream_for_seed_42()
    {
        var random = new SplitMix64(42);
        Assert.Equal([13679457532755275413UL, 2949826092126892291UL, 5139283748462763858UL], [random.Next(), random.Next(), random.Next()]);
    }

    [Fact]
    public void NextInt_gives_the_recorded_draws_for_seed_minus_3()
    {
        var random = new SplitMix64(-3);
        Assert.Equal([9, 9, 9, 4, 1, 0, 4, 8], Enumerable.Range(0, 8).Select(_ => random.NextInt(10)));
    }

    [Fact]
    public void Mix_gives_the_recorded_scrambles()
    {
        Assert.Equal([0UL, 6238072747940578789UL, 17540659726606785873UL], new ulong[] { 0, 1, 12345 }.Select(SplitMix64.Mix));
    }

    [Fact]
    public void First_is_the_first_output_of_a_stream_with_that_seed()
    {
        Assert.Equal(new SplitMix64(42).Next(), SplitMix64.First(42));
        Assert.Equal(new SplitMix64(-1).Next(), SplitMix64.First(ulong.MaxValue));
    }

    [Fact]
    public void NextInt_refuses_a_bound_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SplitMix64(1).NextInt(0));
    }
}
