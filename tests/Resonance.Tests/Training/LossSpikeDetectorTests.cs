using Resonance.Training;

namespace Resonance.Tests.Training;

public class LossSpikeDetectorTests
{
    /// <summary>A synthetic loss curve: 1/√step with ±5% alternating wiggle, a 6x spike at step 120 that decays back
    /// over 4 batches, a 2.5x bump at 200 (below a 3x threshold), and a 10x spike at 300 that recovers after 7 batches.</summary>
    static double Loss(long step)
    {
        double baseline = 1 / Math.Sqrt(step) * (step % 2 == 0 ? 1.05 : 0.95);
        return step switch
        {
            >= 120 and < 124 => baseline * (6 - (step - 120)),       // 6, 5, 4, 3 x, then back
            200 => baseline * 2.5,
            >= 300 and < 307 => baseline * 10,
            _ => baseline,
        };
    }

    static List<(LossSpike? Spike, LossSpikeRecovery? Recovery)> Feed(LossSpikeDetector detector, long from, long to)
    {
        var events = new List<(LossSpike?, LossSpikeRecovery?)>();
        for (long step = from; step <= to; step++)
        {
            var e = detector.Observe(step, Loss(step));
            if (e.Spike is not null || e.Recovery is not null) events.Add(e);
        }
        return events;
    }

    [Fact]
    public void Finds_each_spike_above_factor_times_the_running_median_with_its_size_and_recovery()
    {
        var events = Feed(new LossSpikeDetector(factor: 3, window: 20), 1, 400);
        var spikes = events.Select(e => e.Spike).OfType<LossSpike>().ToList();
        var recoveries = events.Select(e => e.Recovery).OfType<LossSpikeRecovery>().ToList();

        Assert.Equal([120L, 300L], spikes.Select(s => s.Step));
        // the median of 20 decreasing losses sits between the 10th and 11th before the spike
        Assert.InRange(spikes[0].Ratio, 5.0, 6.5);
        Assert.InRange(spikes[1].Ratio, 9.0, 11.0);
        Assert.Equal(Loss(300), spikes[1].Loss);

        Assert.Equal([120L, 300L], recoveries.Select(r => r.SpikeStep));
        Assert.Equal(124L, recoveries[0].Step);  // the first batch back at the pre-spike median
        Assert.Equal(4L, recoveries[0].Batches);
        Assert.Equal(7L, recoveries[1].Batches);
        Assert.Equal(Loss(120), recoveries[0].PeakLoss);
    }

    [Fact]
    public void Nothing_is_reported_before_the_window_fills_or_on_a_smooth_curve()
    {
        var detector = new LossSpikeDetector(factor: 3, window: 50);
        Assert.Empty(Feed(detector, 1, 119));
        var early = new LossSpikeDetector(factor: 3, window: 200); // the window is still filling at step 120
        Assert.DoesNotContain(Feed(early, 1, 199), e => e.Spike is not null);
    }

    [Fact]
    public void A_detector_restored_from_its_state_continues_exactly()
    {
        var whole = Feed(new LossSpikeDetector(3, 20), 1, 400);
        var first = new LossSpikeDetector(3, 20);
        var before = Feed(first, 1, 302); // stop inside the second spike
        var restored = new LossSpikeDetector(3, 20, System.Text.Json.JsonSerializer.Deserialize<LossSpikeState>(
            System.Text.Json.JsonSerializer.Serialize(first.State)));
        var after = Feed(restored, 303, 400);
        Assert.Equal(whole, [.. before, .. after]);
    }

    [Fact]
    public void A_minimum_rise_ignores_ratio_spikes_that_are_small_in_loss_units()
    {
        // the 6x spike at step 120 rises about 0.48 above its median, the 10x one at 300 about 0.55
        var events = Feed(new LossSpikeDetector(3, 20, minRise: 0.52), 1, 400);
        Assert.Equal([300L], events.Select(e => e.Spike).OfType<LossSpike>().Select(s => s.Step));
    }

    [Theory]
    [InlineData(1.0, 10)]
    [InlineData(3.0, 0)]
    public void Impossible_settings_are_refused(double factor, int window)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new LossSpikeDetector(factor, window));
    }
}
