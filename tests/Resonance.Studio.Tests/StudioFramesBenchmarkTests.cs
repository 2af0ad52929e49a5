namespace Resonance.Studio.Tests;

/// <summary>The <c>studio-frames</c> bench row on a tiny lab: every client of the shared lab receives frames over its socket,
/// with finite publish-to-receive latencies, and the frames are spark frames of that N.</summary>
public sealed class StudioFramesBenchmarkTests
{
    [Fact]
    public async Task Two_clients_of_one_lab_both_receive_frames_with_their_latency()
    {
        var result = await StudioFramesBenchmark.MeasureAsync(neurons: 64, sparks: 4, clients: 2, seconds: 1, warmupSeconds: 0.3);
        Assert.Equal(2, result.Clients);
        Assert.Equal(2, result.FramesPerSPerClient.Count);
        Assert.All(result.FramesPerSPerClient, rate => Assert.True(rate > 0, "a client received no frame"));
        Assert.True(double.IsFinite(result.MedianLatencyMs) && result.MedianLatencyMs >= 0);
        Assert.True(result.P95LatencyMs >= result.MedianLatencyMs);
        Assert.True(result.FrameBytes > 72 + 16 * 64, $"a frame of N = 64 has a 72-byte header and 16 N bytes of panels; got {result.FrameBytes}");
    }
}
