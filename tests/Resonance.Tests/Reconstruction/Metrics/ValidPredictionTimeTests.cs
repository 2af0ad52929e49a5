using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Metrics;

[NoCollections]
public class ValidPredictionTimeTests
{
    [Fact]
    public void A_forecast_that_departs_at_step_37_is_valid_for_37_steps()
    {
        using var scope = NewDisposeScope();
        Tensor truth = TestSeries.Lorenz(200);
        Tensor forecast = truth.clone();
        forecast[37..] += 100.0;

        Assert.Equal(37, ValidPredictionTime.Steps(truth, forecast));
        Assert.Equal(37 * 0.01 * TestSeries.LorenzLargestExponent, ValidPredictionTime.LyapunovTimes(truth, forecast, 0.01, TestSeries.LorenzLargestExponent), 12);
    }

    [Fact]
    public void A_perfect_forecast_is_valid_for_every_row()
    {
        using var scope = NewDisposeScope();
        Tensor truth = TestSeries.Lorenz(150);
        Assert.Equal(150, ValidPredictionTime.Steps(truth, truth.clone()));
    }

    /// <summary>Truth <c>(3, 4)</c> on every row: ⟨‖u‖²⟩^½ = 5. An error of norm 2 (e = 0.4) is still valid, one of norm 2.05 (e = 0.41) is not.</summary>
    [Fact]
    public void The_root_mean_square_threshold_is_inclusive_and_pathaks_0_4()
    {
        using var scope = NewDisposeScope();
        Tensor truth = tensor(new[] { 3.0, 4.0 }).expand(10, 2).contiguous();
        Tensor forecast = truth.clone();
        forecast[..6, 0] += 2.0;
        forecast[6.., 0] += 2.05;

        double[] errors = ValidPredictionTime.NormalisedErrors(truth, forecast);
        Assert.Equal(0.4, errors[0], 12);
        Assert.Equal(0.41, errors[9], 12);
        Assert.Equal(6, ValidPredictionTime.Steps(truth, forecast));
    }

    /// <summary>Truth alternating ±1 in one column and ±10 in another: σ = (1, 10). An error of 1 in the second column alone gives
    /// <c>e = √((0 + 0.01)/2) ≈ 0.0707</c>; an error of 1 in the first column gives <c>e = √(1/2) ≈ 0.707</c>.</summary>
    [Fact]
    public void Standard_deviation_normalisation_scales_each_dimension_by_its_spread()
    {
        using var scope = NewDisposeScope();
        Tensor signs = (arange(8, dtype: ScalarType.Float64) % 2) * 2 - 1;
        Tensor truth = stack([signs, 10 * signs], 1);
        Tensor forecast = truth.clone();
        forecast[..4, 1] += 1.0;
        forecast[4.., 0] += 1.0;

        double[] errors = ValidPredictionTime.NormalisedErrors(truth, forecast, ErrorNormalisation.StandardDeviation);
        Assert.Equal(Math.Sqrt(0.005), errors[0], 12);
        Assert.Equal(Math.Sqrt(0.5), errors[7], 12);
        Assert.Equal(4, ValidPredictionTime.Steps(truth, forecast, normalisation: ErrorNormalisation.StandardDeviation));
    }

    [Fact]
    public void A_diverged_forecast_ends_the_valid_time_at_its_first_nan()
    {
        using var scope = NewDisposeScope();
        Tensor truth = TestSeries.Lorenz(50);
        Tensor forecast = truth.clone();
        forecast[20, 1] = double.NaN;
        Assert.Equal(20, ValidPredictionTime.Steps(truth, forecast));
    }
}
