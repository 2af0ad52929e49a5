using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

/// <summary>Golden stream seeds recorded from SeedStreams' own mixing code before it became a wrapper over
/// RandomStreams: the spark figures in README depend on them.</summary>
public class SeedStreamsTests
{
    [Theory]
    [InlineData(0L, SeedStreams.Stream.Weights, 0L, 17509614380081456743UL)]
    [InlineData(42L, SeedStreams.Stream.Sparks, 0L, 10927371798042232083UL)]
    [InlineData(-5L, SeedStreams.Stream.Moves, 17L, 9033472623718692642UL)]
    [InlineData(123456789L, SeedStreams.Stream.Layout, -3L, 14809778960953664719UL)]
    public void Derive_gives_the_recorded_stream_seed(long seed, SeedStreams.Stream stream, long salt, ulong expected)
    {
        Assert.Equal(expected, SeedStreams.Derive(seed, stream, salt));
    }
}
