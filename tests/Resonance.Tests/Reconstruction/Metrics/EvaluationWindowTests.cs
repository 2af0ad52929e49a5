using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Metrics;

[NoCollections]
public class EvaluationWindowTests
{
    [Theory]
    [InlineData(10, 12, 2)]
    [InlineData(7, 8, 1)]
    [InlineData(100_000, 125_000, 25_000)]
    public void It_generates_a_quarter_more_and_drops_that_quarter(int trueSteps, int generated, int dropped)
    {
        Assert.Equal(generated, EvaluationWindow.GeneratedSteps(trueSteps));
        Assert.Equal(dropped, EvaluationWindow.DroppedSteps(trueSteps));
    }

    [Fact]
    public void Run_keeps_the_last_t_rows_of_the_free_run()
    {
        using var scope = NewDisposeScope();
        int asked = 0;
        Tensor kept = EvaluationWindow.Run(10, steps => { asked = steps; return arange(steps, dtype: ScalarType.Float64).unsqueeze(1); });
        Assert.Equal(12, asked);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (double)i).ToArray(), kept.squeeze(1).data<double>().ToArray());
    }

    [Fact]
    public void Bad_metric_options_are_refused_naming_their_key()
    {
        Assert.StartsWith("metrics.stsp_bins:", Assert.Throws<UserInputException>(() => new MetricOptions { StspBins = 1 }.Validate()).Message);
        Assert.StartsWith("metrics.stsp_variance:", Assert.Throws<UserInputException>(() => new MetricOptions { StspVariance = 0 }.Validate()).Message);
        Assert.StartsWith("metrics.spectrum_smoothing:", Assert.Throws<UserInputException>(() => new MetricOptions { SpectrumSmoothing = -1 }.Validate()).Message);
        Assert.StartsWith("metrics.prediction_steps:", Assert.Throws<UserInputException>(() => new MetricOptions { PredictionSteps = 0 }.Validate()).Message);
        Assert.StartsWith("metrics.vpt_threshold:", Assert.Throws<UserInputException>(() => new MetricOptions { VptThreshold = double.NaN }.Validate()).Message);
        new MetricOptions().Validate();
    }
}
