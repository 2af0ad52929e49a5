using Resonance.Sweeps;

namespace Resonance.Tests.Sweeps;

public class MeanIntervalTests
{
    [Fact]
    public void The_interval_is_students_t_times_the_standard_error()
    {
        // 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302653 (tables), half-width 4.302653 / sqrt 3 = 2.484138
        var interval = MeanInterval.Of([1, 2, 3]);
        Assert.Equal(2, interval.Mean, 12);
        Assert.Equal(2.484138, interval.HalfWidth, 5);
        Assert.Equal(3, interval.Count);
        // 10 values: t(0.975, 9) = 2.262157
        double[] ten = [.. Enumerable.Range(1, 10).Select(i => (double)i)];
        double s = Math.Sqrt(ten.Sum(v => (v - 5.5) * (v - 5.5)) / 9);
        Assert.Equal(2.262157 * s / Math.Sqrt(10), MeanInterval.Of(ten).HalfWidth, 5);
    }

    [Fact]
    public void One_value_has_no_interval_and_none_has_no_mean()
    {
        Assert.True(double.IsNaN(MeanInterval.Of([4]).HalfWidth));
        Assert.Equal(4, MeanInterval.Of([4]).Mean);
        Assert.True(double.IsNaN(MeanInterval.Of([]).Mean));
    }
}
