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
    [InlineData(1.0, 10, 0.0)]
    [InlineData(3.0, 0, 0.0)]
    [InlineData(3.0, 10, -1.0)]
    [InlineData(3.0, 10, double.NaN)]
    [InlineData(3.0, 10, double.PositiveInfinity)]
    public void Impossible_settings_are_refused(double factor, int window, double madFactor)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new LossSpikeDetector(factor, window, madFactor: madFactor));
    }

    /// <summary>A detector whose window holds <paramref name="window"/> (in that order), then the verdict on <paramref name="loss"/>.</summary>
    static LossSpike? Probe(double[] window, double loss, double factor = 3, double madFactor = LossSpikeDetector.DefaultMadFactor)
    {
        var detector = new LossSpikeDetector(factor, window.Length, madFactor: madFactor);
        for (int i = 0; i < window.Length; i++) Assert.Null(detector.Observe(i + 1, window[i]).Spike);
        return detector.Observe(window.Length + 1, loss).Spike;
    }

    // median 3; absolute deviations 2, 1, 0, 1, 97, so MAD 1 and σ = 1.4826 (the outlier 100 does not move it;
    // the standard deviation of the window is about 39)
    static readonly double[] OneOutlier = [1, 100, 3, 4, 2];

    [Fact]
    public void A_spike_must_also_stand_mad_factor_robust_sigmas_above_the_median()
    {
        // factor 1.5: the ratio asks for more than 4.5; madFactor 2: the noise test for more than 3 + 2 × 1.4826 = 5.9652
        Assert.Null(Probe(OneOutlier, 5.96, factor: 1.5, madFactor: 2));
        var spike = Probe(OneOutlier, 5.97, factor: 1.5, madFactor: 2);
        Assert.NotNull(spike);
        Assert.Equal(3, spike.RunningMedian);
        Assert.Equal(1.4826, spike.RunningSigma, 12);
        Assert.Equal(5.97 / 3, spike.Ratio, 12);
    }

    [Fact]
    public void With_a_mad_factor_of_zero_the_ratio_alone_decides()
    {
        Assert.NotNull(Probe(OneOutlier, 4.51, factor: 1.5, madFactor: 0));
        Assert.Null(Probe(OneOutlier, 4.49, factor: 1.5, madFactor: 0));
    }

    [Fact]
    public void On_a_constant_window_the_noise_scale_is_zero_and_the_ratio_decides()
    {
        double[] flat = [.. Enumerable.Repeat(0.5, 10)];
        var spike = Probe(flat, 1.51);
        Assert.NotNull(spike);
        Assert.Equal(0, spike.RunningSigma);
        Assert.Null(Probe(flat, 1.49));
    }

    [Fact]
    public void Late_training_noise_a_few_times_a_small_median_is_not_a_spike_but_a_shock_is()
    {
        // 50 batch losses cycling 0.01 … 0.05: median 0.03, absolute deviations 10 × 0, 20 × 0.01, 20 × 0.02, so
        // MAD 0.01 and σ = 0.014826; the default noise test asks for more than 0.03 + 8σ = 0.1486 (4.95 times the median)
        double[] late = [.. Enumerable.Range(0, 50).Select(i => 0.01 * (1 + i % 5))];
        Assert.NotNull(Probe(late, 0.12, madFactor: 0)); // 4 times the median: a spike for the ratio alone
        Assert.Null(Probe(late, 0.12));                    // 6.1 σ: noise
        var shock = Probe(late, 0.39);                     // 13 times the median, 24 σ
        Assert.NotNull(shock);
        Assert.Equal(0.03, shock.RunningMedian, 12);
        Assert.Equal(0.014826, shock.RunningSigma, 12);
        Assert.Equal(13, shock.Ratio, 9);
    }

    [Fact]
    public void A_state_saved_before_the_noise_scale_existed_resumes_with_the_same_events()
    {
        var whole = Feed(new LossSpikeDetector(3, 20), 1, 400);
        var first = new LossSpikeDetector(3, 20);
        var before = Feed(first, 1, 302); // inside the spike at 300
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(first.State))!.AsObject();
        Assert.True(json["Open"]!.AsObject().Remove("RunningSigma")); // an older checkpoint's detector memory
        var restored = new LossSpikeDetector(3, 20, System.Text.Json.JsonSerializer.Deserialize<LossSpikeState>(json));
        var after = Feed(restored, 303, 400);
        Assert.Equal(whole.Skip(before.Count), after);
    }

    public class Options
    {
        [Fact]
        public void The_noise_test_defaults_to_the_detector_default_and_a_negative_value_is_refused_by_name()
        {
            Assert.Equal(LossSpikeDetector.DefaultMadFactor, new TrainingOptions().SpikeMadFactor);
            new TrainingOptions { SpikeMadFactor = 0 }.Validate();
            var error = Assert.Throws<UserInputException>(() => new TrainingOptions { SpikeMadFactor = -1 }.Validate());
            Assert.StartsWith("training.spike_mad_factor: expected a number >= 0", error.Message);
        }
    }
}
