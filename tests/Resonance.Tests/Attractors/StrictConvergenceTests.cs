using Resonance.Attractors;

namespace Resonance.Tests.Attractors;

public class StrictConvergenceTests
{
    [Fact]
    public void Converges_on_the_twentieth_consecutive_epoch_at_or_above_the_threshold()
    {
        var rule = new StrictConvergence(0.99, 20);
        for (int epoch = 1; epoch <= 5; epoch++) Assert.False(rule.Observe(epoch, 0.5, 0.5));
        for (int epoch = 6; epoch <= 24; epoch++) Assert.False(rule.Observe(epoch, 0.99, 0.995));
        Assert.Equal(19, rule.Streak);
        Assert.True(rule.Observe(25, 1.0, 0.99));
        Assert.Equal(25, rule.ConvergedAt);
    }

    [Fact]
    public void One_epoch_below_either_threshold_restarts_the_count()
    {
        var rule = new StrictConvergence(0.99, 20);
        for (int epoch = 1; epoch <= 19; epoch++) rule.Observe(epoch, 1, 1);
        rule.Observe(20, 1, 0.989);                       // retention dips
        Assert.Equal(0, rule.Streak);
        for (int epoch = 21; epoch <= 39; epoch++) rule.Observe(epoch, 1, 1);
        rule.Observe(40, 0.98, 1);                        // reaction dips
        Assert.False(rule.Converged);
        for (int epoch = 41; epoch <= 60; epoch++) rule.Observe(epoch, 1, 1);
        Assert.Equal(60, rule.ConvergedAt);
    }

    [Fact]
    public void NaN_breaks_the_streak_and_convergence_is_kept_once_reached()
    {
        var rule = new StrictConvergence(0.9, 3);
        rule.Observe(1, 1, 1);
        rule.Observe(2, double.NaN, 1);
        Assert.Equal(0, rule.Streak);
        for (int epoch = 3; epoch <= 5; epoch++) rule.Observe(epoch, 1, 1);
        Assert.Equal(5, rule.ConvergedAt);
        Assert.True(rule.Observe(6, 0, 0));
        Assert.Equal(5, rule.ConvergedAt);
    }
}
