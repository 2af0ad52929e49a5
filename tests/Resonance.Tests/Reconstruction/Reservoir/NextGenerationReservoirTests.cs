using Resonance.Reconstruction;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Reservoir;

[NoCollections]
public class NextGenerationReservoirTests(ITestOutputHelper output)
{
    /// <summary>k = 2, s = 1, D = 1: history (…, 2, 3) gives <c>[1; 3, 2; 9, 6, 4]</c>.</summary>
    [Fact]
    public void The_features_are_a_constant_the_taps_newest_first_and_their_unique_products()
    {
        using var scope = NewDisposeScope();
        using var model = new NextGenerationReservoir(new NextGenerationOptions(), dimensions: 1);
        Tensor features = model.Features(tensor(new[] { 5.0, 2, 3 }).unsqueeze(1));
        Assert.Equal(new long[] { 2, 6 }, features.shape);
        Assert.Equal(new[] { 1.0, 3, 2, 9, 6, 4 }, features[1].data<double>().ToArray());
        Assert.Equal(new[] { 1.0, 2, 5, 4, 10, 25 }, features[0].data<double>().ToArray());
    }

    [Fact]
    public void Skip_spaces_the_taps()
    {
        using var scope = NewDisposeScope();
        using var model = new NextGenerationReservoir(new NextGenerationOptions { Delays = 3, Skip = 2, Quadratic = false }, dimensions: 2);
        Tensor series = arange(14, dtype: ScalarType.Float64).reshape(7, 2);  // row t = (2t, 2t + 1)
        Tensor features = model.Features(series);
        Assert.Equal(5, model.HistoryRows);
        Assert.Equal(new[] { 1.0, 12, 13, 8, 9, 4, 5 }, features[-1].data<double>().ToArray());  // rows 6, 4, 2
    }

    /// <summary>The logistic map <c>x' = r x (1 − x)</c> has increment <c>(r − 1) x − r x²</c>, in the span of the features with one tap
    /// (<c>1, x_t, x_t²</c>; with two, <c>x_{t−1}</c> is a polynomial of... no: <c>x_t</c> is a quadratic of <c>x_{t−1}</c>, so the columns would be
    /// dependent): the fit finds those coefficients and forecasts the orbit.</summary>
    [Fact]
    public void A_map_whose_increment_is_quadratic_is_recovered_exactly()
    {
        using var scope = NewDisposeScope();
        const double r = 3.7;
        var orbit = new double[300];
        orbit[0] = 0.3;
        for (int t = 1; t < orbit.Length; t++) orbit[t] = r * orbit[t - 1] * (1 - orbit[t - 1]);
        Tensor series = tensor(orbit).unsqueeze(1);
        using var model = new NextGenerationReservoir(new NextGenerationOptions { Delays = 1, Ridge = 0 }, 1);

        Tensor weights = model.Fit(series[..200]);

        double[] expected = [0, r - 1, -r];
        double[] fitted = weights[0].data<double>().ToArray();
        Assert.Equal(3, fitted.Length);
        for (int p = 0; p < 3; p++) Assert.Equal(expected[p], fitted[p], 1e-8);
        Tensor forecast = model.Forecast(series[..200], 10);
        Assert.True((forecast - series[200..210]).abs().max().item<double>() < 1e-6);
    }

    /// <summary>Gauthier et al.'s Lorenz-63 setting: Δt = 0.025, k = 2, s = 1, 10 time units (400 steps) of training after 5 of warm-up,
    /// except the ridge: with their α = 2.5e-6 on our RK4 data (accurate to about 1e-10; theirs came from RK23 at its default tolerance
    /// 1e-3, whose error acts as a regulariser) the fit keeps an unstable delay mode and the closed loop leaves the attractor within half a
    /// Lyapunov time; α between 0.03 and 1 removes it (see docs/reconstruction.md). One-step predictions on unseen data are close, and the
    /// closed-loop forecast stays valid for several Lyapunov times.</summary>
    [Fact]
    public void On_lorenz_the_one_step_error_is_small_and_the_forecast_is_valid_for_several_lyapunov_times()
    {
        using var scope = NewDisposeScope();
        const double dt = 0.025;
        Tensor series = TestSeries.Lorenz(2000, dt: dt, substeps: 5, transient: 200);
        Tensor train = series[..400], test = series[400..1000];
        using var model = new NextGenerationReservoir(new NextGenerationOptions { Ridge = 0.1 }, 3);
        model.Fit(train);

        Tensor oneStep = model.PredictNext(test)[..^1];                        // predicts test rows 2 …
        double oneStepRmse = (oneStep - test[2..]).square().mean().sqrt().item<double>();
        double persistence = (test[2..] - test[1..^1]).square().mean().sqrt().item<double>();
        Tensor truth = test;
        Tensor forecast = model.Forecast(train, 600);
        double lyapunovTimes = ValidPredictionTime.LyapunovTimes(truth, forecast, dt, TestSeries.LorenzLargestExponent);
        output.WriteLine($"one-step RMSE {oneStepRmse:E2} (persistence {persistence:E2}); valid prediction time {lyapunovTimes:F2} Lyapunov times");

        Assert.True(oneStepRmse < 0.05 * persistence, $"one-step RMSE {oneStepRmse:E2} against persistence {persistence:E2}");
        Assert.True(lyapunovTimes >= 2.5, $"valid for {lyapunovTimes:F2} Lyapunov times");
    }

    [Fact]
    public void Forecasting_before_fitting_is_refused()
    {
        using var scope = NewDisposeScope();
        using var model = new NextGenerationReservoir(new NextGenerationOptions(), 3);
        Assert.Throws<InvalidOperationException>(() => model.Forecast(zeros(5, 3, dtype: ScalarType.Float64), 3));
    }

    [Fact]
    public void Bad_options_are_refused_naming_their_key()
    {
        Assert.StartsWith("model.delays:", Assert.Throws<UserInputException>(() => new NextGenerationOptions { Delays = 0 }.Validate()).Message);
        Assert.StartsWith("model.skip:", Assert.Throws<UserInputException>(() => new NextGenerationOptions { Skip = 0 }.Validate()).Message);
        Assert.StartsWith("model.ridge:", Assert.Throws<UserInputException>(() => new NextGenerationOptions { Ridge = -1 }.Validate()).Message);
    }
}
