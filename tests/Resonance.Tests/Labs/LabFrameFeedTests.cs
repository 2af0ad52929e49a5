using Resonance.Labs;

namespace Resonance.Tests.Labs;

public class LabFrameFeedTests
{
    [Fact]
    public async Task A_reader_gets_the_newest_frame_and_skips_those_it_was_too_slow_for()
    {
        var feed = new LabFrameFeed();
        Assert.Equal(0, feed.Version);
        feed.Publish([1]);
        feed.Publish([2]);
        feed.Publish([3]);
        var (version, frame) = await feed.NextAsync(0, CancellationToken.None);
        Assert.Equal(3, version);
        Assert.Equal(new byte[] { 3 }, frame);
        Assert.Equal(3L, feed.Latest.Version);
        Assert.Equal(new byte[] { 3 }, feed.Latest.Frame);
    }

    [Fact]
    public async Task A_reader_that_has_the_latest_waits_for_the_next_publish()
    {
        var feed = new LabFrameFeed();
        feed.Publish([1]);
        var next = feed.NextAsync(1, CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        feed.Publish([2]);
        var (version, frame) = await next;
        Assert.Equal(2, version);
        Assert.Equal(new byte[] { 2 }, frame);
    }

    [Fact]
    public async Task Every_waiting_reader_is_woken_by_one_publish()
    {
        var feed = new LabFrameFeed();
        var readers = Enumerable.Range(0, 4).Select(_ => feed.NextAsync(0, CancellationToken.None).AsTask()).ToArray();
        feed.Publish([7]);
        var frames = await Task.WhenAll(readers);
        Assert.All(frames, f => Assert.Equal(1, f.Version));
    }

    [Fact]
    public async Task After_complete_a_reader_gets_the_frame_it_lacks_then_an_operation_canceled_exception()
    {
        var feed = new LabFrameFeed();
        feed.Publish([1]);
        var waiting = feed.NextAsync(1, CancellationToken.None).AsTask();
        feed.Complete();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(feed.IsCompleted);
        Assert.Equal(1, (await feed.NextAsync(0, CancellationToken.None)).Version);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => feed.NextAsync(1, CancellationToken.None).AsTask());
        feed.Publish([2]);
        Assert.Equal(1, feed.Version);
    }

    [Fact]
    public async Task A_cancelled_reader_stops_waiting_and_the_feed_is_not_completed()
    {
        var feed = new LabFrameFeed();
        using var cancel = new CancellationTokenSource();
        var waiting = feed.NextAsync(0, cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(feed.IsCompleted);
    }
}
