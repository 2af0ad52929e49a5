using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Metrics;

[NoCollections]
public class PowerSpectrumDistanceTests
{
    const int Steps = 4000;

    /// <summary><c>sin(2π k t / T)</c>, <c>t = 0 … T − 1</c>: its power spectrum is one spike at bin <c>k</c>.</summary>
    static Tensor Sine(int cycles, double amplitude = 1, double offset = 0) =>
        (amplitude * sin(2 * Math.PI * cycles * arange(Steps, dtype: ScalarType.Float64) / Steps) + offset).unsqueeze(1);

    [Fact]
    public void Identical_series_give_zero()
    {
        using var scope = NewDisposeScope();
        Tensor lorenz = TestSeries.Lorenz(3000);
        Assert.Equal(0.0, PowerSpectrumDistance.Hellinger(lorenz, lorenz.clone()), 1e-6);
    }

    [Fact]
    public void A_shifted_and_scaled_series_gives_zero_because_each_dimension_is_z_scored()
    {
        using var scope = NewDisposeScope();
        Tensor lorenz = TestSeries.Lorenz(3000);
        Assert.Equal(0.0, PowerSpectrumDistance.Hellinger(lorenz, 3 * lorenz - 7), 1e-6);
    }

    [Fact]
    public void Two_sines_without_smoothing_have_disjoint_spectra_and_distance_one()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(1.0, PowerSpectrumDistance.Hellinger(Sine(400), Sine(440), smoothing: 0), 1e-9);
    }

    /// <summary>
    /// Smoothed with σ = 20, each spike becomes a Gaussian of standard deviation σ cut at radius 4σ. Two such Gaussians Δ = 40 bins apart
    /// overlap by <c>Σ √(p q) = exp(−Δ²/8σ²) · m</c>, where <c>m</c> is the mass of a unit Gaussian within the bins both cover (±(4σ − Δ/2)
    /// = ±3σ around the midpoint, endpoints counted whole: ±3.025σ) over its mass within ±4.025σ; <c>D_H = √(1 − overlap)</c> ≈ 0.6285.
    /// </summary>
    [Fact]
    public void Two_smoothed_sines_give_the_hellinger_distance_of_two_gaussians()
    {
        using var scope = NewDisposeScope();
        const double sigma = 20, delta = 40;
        double inner = Erf(60.5 / (sigma * Math.Sqrt(2))), outer = Erf(80.5 / (sigma * Math.Sqrt(2)));
        double expected = Math.Sqrt(1 - Math.Exp(-delta * delta / (8 * sigma * sigma)) * inner / outer);

        double distance = PowerSpectrumDistance.Hellinger(Sine(400, amplitude: 2), Sine(440, offset: 5), sigma);

        Assert.Equal(expected, distance, 5e-4);
    }

    [Fact]
    public void The_distance_is_the_mean_over_dimensions()
    {
        using var scope = NewDisposeScope();
        Tensor truth = cat([Sine(400), Sine(300)], 1), generated = cat([Sine(440), Sine(300)], 1);
        double[] each = PowerSpectrumDistance.PerDimension(truth, generated, 20);
        Assert.Equal(0.0, each[1], 1e-6);
        Assert.Equal(PowerSpectrumDistance.Hellinger(Sine(400), Sine(440), 20), each[0], 12);
        Assert.Equal(each.Average(), PowerSpectrumDistance.Hellinger(truth, generated, 20), 12);
    }

    [Fact]
    public void Every_smoothed_spectrum_sums_to_one()
    {
        using var scope = NewDisposeScope();
        double[,] spectrum = PowerSpectrumDistance.Spectrum(TestSeries.Lorenz(1001), 20);
        Assert.Equal(501, spectrum.GetLength(0));
        for (int d = 0; d < 3; d++)
            Assert.Equal(1.0, Enumerable.Range(0, 501).Sum(k => spectrum[k, d]), 1e-12);
    }

    [Fact]
    public void Series_of_different_lengths_are_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => PowerSpectrumDistance.Hellinger(Sine(10), Sine(10)[..100]));
        Assert.Contains("expected 4000 rows", error.Message);
    }

    /// <summary>Abramowitz–Stegun 7.1.26 is too coarse here; this is the series <c>erf x = (2/√π) Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))</c>, good to about 1e-12 for x &lt; 3.</summary>
    static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
