using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Metrics;

[NoCollections]
public class StateSpaceDivergenceTests
{
    const double Alpha = StateSpaceDivergence.LaplaceSmoothing;

    [Fact]
    public void Identical_series_give_zero_binned()
    {
        using var scope = NewDisposeScope();
        Tensor lorenz = TestSeries.Lorenz(2000);
        Assert.Equal(0.0, StateSpaceDivergence.Binned(lorenz, lorenz.clone()));
    }

    /// <summary>
    /// The true series alternates between two points, (0, …, 0) and (1, …, 1); the generated one sits at (0.4, …, 0.4). With 30 bins over
    /// <c>[−0.1 s, 1 + 0.1 s]</c> per dimension these fall in bins 1, 28 and 12: the true histogram has n/2 in each of two bins, the generated
    /// m in one other, and the Laplace-smoothed KL divergence over all K = 30ᴰ bins is
    /// <c>2 p_A log(p_A / q_0) + p_0 log(p_0 / q_B) + (K − 3) p_0 log(p_0 / q_0)</c> with
    /// <c>p_A = (n/2 + α)/(n + αK)</c>, <c>p_0 = α/(n + αK)</c>, <c>q_B = (m + α)/(m + αK)</c>, <c>q_0 = α/(m + αK)</c>.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Disjoint_blocks_give_the_laplace_smoothed_divergence_derived_by_hand(int dimensions)
    {
        using var scope = NewDisposeScope();
        const int n = 100, m = 50;
        Tensor truth = (arange(n, dtype: ScalarType.Float64) % 2).unsqueeze(1).expand(n, dimensions).contiguous();
        Tensor generated = full(m, dimensions, 0.4, dtype: ScalarType.Float64);

        double k = Math.Pow(30, dimensions);
        double pA = (n / 2 + Alpha) / (n + Alpha * k), p0 = Alpha / (n + Alpha * k);
        double qB = (m + Alpha) / (m + Alpha * k), q0 = Alpha / (m + Alpha * k);
        double expected = 2 * pA * Math.Log(pA / q0) + p0 * Math.Log(p0 / qB) + (k - 3) * p0 * Math.Log(p0 / q0);

        Assert.Equal(expected, StateSpaceDivergence.Binned(truth, generated), 1e-9);
        Assert.True(expected > 5);  // disjoint occupation is far from 0
    }

    [Fact]
    public void Generated_points_outside_the_true_range_are_not_counted()
    {
        using var scope = NewDisposeScope();
        Tensor truth = (arange(100, dtype: ScalarType.Float64) % 2).unsqueeze(1);
        Tensor inside = full(50, 1, 0.4, dtype: ScalarType.Float64);
        Tensor withOutliers = cat([inside, full(30, 1, 7.0, dtype: ScalarType.Float64)], 0);

        Assert.Equal(StateSpaceDivergence.Binned(truth, inside), StateSpaceDivergence.Binned(truth, withOutliers), 12);
        Assert.True(double.IsNaN(StateSpaceDivergence.Binned(truth, full(10, 1, 7.0, dtype: ScalarType.Float64))));
    }

    [Fact]
    public void Identical_series_give_zero_with_the_mixture()
    {
        using var scope = NewDisposeScope();
        Tensor lorenz = TestSeries.Standardised(TestSeries.Lorenz(500));
        Assert.Equal(0.0, StateSpaceDivergence.GaussianMixture(lorenz, lorenz.clone(), seed: 3));
    }

    /// <summary>Two mixtures whose components all sit at one point each are two Gaussians N(c, σ²I) and N(c + δ, σ²I):
    /// <c>KL = |δ|² / 2σ²</c>. The Monte-Carlo estimate from S samples has standard error <c>|δ| / (σ √S)</c> = 0.0014 here.</summary>
    [Fact]
    public void Mixtures_of_two_shifted_points_give_the_gaussian_divergence()
    {
        using var scope = NewDisposeScope();
        const double variance = 0.5;
        Tensor center = tensor(new[] { 1.0, -2, 0.5, 3, 0, 1 });
        Tensor shift = tensor(new[] { 0.3, 0, -0.4, 0, 0, 0 });  // |δ|² = 0.25
        Tensor truth = center.expand(20, 6), generated = (center + shift).expand(20, 6);

        double estimate = StateSpaceDivergence.GaussianMixture(truth, generated, variance, samples: 200_000, seed: 1);

        Assert.Equal(0.25 / (2 * variance), estimate, 0.01);
    }

    [Fact]
    public void Compute_bins_below_six_dimensions_and_uses_the_mixture_from_six()
    {
        using var scope = NewDisposeScope();
        var options = new MetricOptions { Seed = 4 };
        Tensor lorenz = TestSeries.Lorenz(600);
        Tensor shifted = lorenz + 1.5;
        Assert.Equal(StateSpaceDivergence.Binned(lorenz, shifted), StateSpaceDivergence.Compute(lorenz, shifted, options));

        Tensor six = cat([lorenz, lorenz.flip(0)], 1) / 10;  // (600, 6)
        Tensor sixShifted = six + 0.2;
        Assert.Equal(StateSpaceDivergence.GaussianMixture(six, sixShifted, seed: 4), StateSpaceDivergence.Compute(six, sixShifted, options));
    }

    [Fact]
    public void The_mixture_estimate_is_the_same_for_the_same_seed()
    {
        using var scope = NewDisposeScope();
        Tensor lorenz = TestSeries.Standardised(TestSeries.Lorenz(300));
        Tensor other = lorenz.roll(7, 0) * 1.1;
        Assert.Equal(StateSpaceDivergence.GaussianMixture(lorenz, other, seed: 2), StateSpaceDivergence.GaussianMixture(lorenz, other, seed: 2));
    }

    [Fact]
    public void Series_of_different_widths_are_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => StateSpaceDivergence.Binned(zeros(10, 3), zeros(10, 2)));
        Assert.Contains("expected 3 columns", error.Message);
    }
}
