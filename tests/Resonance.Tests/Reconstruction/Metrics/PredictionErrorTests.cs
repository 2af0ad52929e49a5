using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Metrics;

[NoCollections]
public class PredictionErrorTests
{
    /// <summary>The series <c>x_t = 0.9ᵗ (1, 2)</c>, <c>t = 0 … 29</c>.</summary>
    static Tensor Decay() => pow(0.9, arange(30, dtype: ScalarType.Float64)).unsqueeze(1) * tensor(new[] { 1.0, 2.0 });

    [Fact]
    public void The_true_map_has_no_error()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0.0, PredictionError.NStep(Decay(), 20, x => 0.9 * x), 1e-24);
    }

    /// <summary>A model <c>x ↦ 0.8 x</c> forecasts <c>0.8ⁿ x_t</c> for <c>0.9ⁿ x_t</c>: <c>PE(n) = mean_t,d ((0.8ⁿ − 0.9ⁿ) x_t,d)²</c>.</summary>
    [Fact]
    public void A_wrong_decay_gives_the_error_derived_by_hand()
    {
        using var scope = NewDisposeScope();
        const int n = 5;
        double gap = Math.Pow(0.8, n) - Math.Pow(0.9, n), sum = 0;
        for (int t = 0; t < 30 - n; t++) sum += gap * gap * Math.Pow(0.81, t) * (1 + 4) / 2;
        Assert.Equal(sum / (30 - n), PredictionError.NStep(Decay(), n, x => 0.8 * x), 1e-14);
    }

    [Fact]
    public void Forecasts_of_the_wrong_length_are_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => PredictionError.NStep(Decay(), Decay(), 5));
        Assert.Contains("expected 25 rows", error.Message);
    }
}
