using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class MemoryPatternsTests
{
    [Fact]
    public void A_bank_is_plus_minus_one_repeatable_and_its_prefixes_are_smaller_banks()
    {
        using var bank = MemoryPatterns.Bank(3, 32, 10);
        using var again = MemoryPatterns.Bank(3, 32, 10);
        using var smaller = MemoryPatterns.Bank(3, 32, 4);
        Assert.Equal(new long[] { 10, 32 }, bank.shape);
        Assert.True((bank.abs() == 1).all().item<bool>());
        Assert.True(Same(bank, again));
        Assert.True(Same(bank.narrow(0, 0, 4), smaller));
    }

    [Fact]
    public void Correlated_patterns_have_the_asked_mean_overlap()
    {
        using var bank = MemoryPatterns.Bank(5, 512, 40, correlation: 0.25);
        using var overlaps = bank.matmul(bank.t()) / 512;                                  // (P, P)
        double offDiagonal = (overlaps.sum().item<float>() - 40) / (40 * 39);
        Assert.InRange(offDiagonal, 0.2, 0.3);
    }

    [Fact]
    public void Flipping_exactly_flips_the_asked_number_of_entries_per_cue()
    {
        using var bank = MemoryPatterns.Bank(1, 50, 6);
        using var stream = RandomStreams.Generator(9);
        using var cues = MemoryPatterns.FlipExactly(bank, 0.3, stream);
        using var flipped = (cues != bank).sum([1]);
        Assert.All(flipped.data<long>().ToArray(), count => Assert.Equal(15, count));
    }

    [Fact]
    public void Sign_maps_zero_to_plus_one()
    {
        using var x = tensor(new float[] { -2, 0, 3 });
        Assert.Equal(new float[] { -1, 1, 1 }, MemoryPatterns.Sign(x).data<float>().ToArray());
    }
}
