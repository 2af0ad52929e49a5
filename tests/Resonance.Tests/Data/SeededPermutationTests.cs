using Resonance.Data;

namespace Resonance.Tests.Data;

/// <summary>Golden permutations recorded before SplitMix64 moved to Runtime: the permuted-pixel order and every
/// epoch's shuffle depend on them.</summary>
public class SeededPermutationTests
{
    [Fact]
    public void Create_gives_the_recorded_permutation()
    {
        Assert.Equal([9L, 5, 8, 6, 1, 2, 4, 7, 0, 3], SeededPermutation.Create(10, seed: 7));
    }

    [Fact]
    public void ForEpoch_gives_the_recorded_order()
    {
        Assert.Equal([0L, 6, 5, 3, 8, 4, 9, 7, 1, 2], SeededPermutation.ForEpoch(10, seed: 7, epoch: 3));
    }
}
