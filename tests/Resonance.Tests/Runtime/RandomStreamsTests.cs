using Resonance.Runtime;

namespace Resonance.Tests.Runtime;

/// <summary>Golden child seeds recorded before the three SplitMix64 copies became one: every model's weights and every
/// attractor study's memories and cues are drawn from streams derived this way.</summary>
public class RandomStreamsTests
{
    [Theory]
    [InlineData(0L, "", -4359066618775142608L)]
    [InlineData(42L, "readout", 6229084635735353537L)]
    [InlineData(-7L, "layers.0", 9088675204478064143L)]
    [InlineData(1234567890123L, "cues.p3.f0.1", 4540333361986137018L)]
    public void Derive_gives_the_recorded_child_seed(long seed, string name, long expected)
    {
        Assert.Equal(expected, RandomStreams.Derive(seed, name));
    }

    [Theory]
    [InlineData(0L, 1UL, 0L, 17509614380081456743UL)]
    [InlineData(42L, 2UL, 0L, 10927371798042232083UL)]
    [InlineData(-5L, 3UL, 17L, 9033472623718692642UL)]
    [InlineData(123456789L, 4UL, -3L, 14809778960953664719UL)]
    public void DeriveNumbered_gives_the_recorded_child_seed(long seed, ulong stream, long salt, ulong expected)
    {
        Assert.Equal(expected, RandomStreams.DeriveNumbered(seed, stream, salt));
    }

    [Fact]
    public void Neighbouring_names_and_seeds_give_unrelated_child_seeds()
    {
        long[] seeds = [RandomStreams.Derive(1, "layers.0"), RandomStreams.Derive(1, "layers.1"), RandomStreams.Derive(2, "layers.0"), RandomStreams.Derive(1, "layers.0.")];
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }
}
