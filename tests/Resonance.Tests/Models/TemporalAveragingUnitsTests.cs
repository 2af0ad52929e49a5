using Resonance.Models;
using Resonance.Runtime;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

/// <summary>The parts of the temporal-averaging network on their own: the binary unit, the stochastic input and the
/// homeostatic rule.</summary>
public class TemporalAveragingUnitsTests
{
    static readonly double[] Drives = [-2.0, -0.7, -0.1, -1e-3, 0.0, 1e-3, 0.05, 0.4, 1.5];

    public static TheoryData<SurrogateKind> Surrogates() => [.. SurrogateGradient.All.Select(entry => entry.Kind)];

    [Theory, MemberData(nameof(Surrogates))]
    public void A_binary_unit_fires_exactly_0_or_1_and_its_gradient_is_the_surrogates(SurrogateKind kind)
    {
        using var scope = NewDisposeScope();
        const double slope = 3;
        var unit = new BinaryUnit(BinaryGradientKind.Surrogate, kind, slope);
        Tensor drive = tensor(Drives, dtype: ScalarType.Float64).requires_grad_();

        Tensor fired = unit.Fire(drive);
        fired.sum().backward();

        Assert.Equal(Drives.Select(u => u > 0 ? 1.0 : 0.0), fired.detach().data<double>().ToArray());
        var surrogate = SurrogateGradient.Of(kind);
        Close(tensor(Drives.Select(u => surrogate.Derivative(u, slope)).ToArray(), dtype: ScalarType.Float64), drive.grad!, 1e-12);
    }

    [Fact]
    public void A_straight_through_unit_fires_exactly_0_or_1_and_passes_the_gradient_unchanged()
    {
        using var scope = NewDisposeScope();
        var unit = new BinaryUnit(BinaryGradientKind.StraightThrough, SurrogateKind.FastSigmoid, 4);
        Tensor drive = tensor(Drives, dtype: ScalarType.Float64).requires_grad_();
        Tensor weights = tensor(Enumerable.Range(1, Drives.Length).Select(i => (double)i).ToArray(), dtype: ScalarType.Float64);

        Tensor fired = unit.Fire(drive);
        fired.mul(weights).sum().backward();

        Assert.Equal(Drives.Select(u => u > 0 ? 1.0 : 0.0), fired.detach().data<double>().ToArray());
        Assert.Equal(weights.data<double>().ToArray(), drive.grad!.data<double>().ToArray()); // d(Σ wᵢ aᵢ)/duᵢ = wᵢ exactly
    }

    static readonly float[] Intensities = [0f, 0.1f, 0.5f, 0.9f, 1f];

    [Fact]
    public void Bernoulli_pixels_average_to_their_intensity_over_many_draws()
    {
        using var scope = NewDisposeScope();
        const int draws = 4000;
        using var generator = StochasticInput.Generator(seed: 11, draw: 0);

        Tensor presented = StochasticInput.Present(tensor(Intensities).unsqueeze(0), draws, InputPresentation.Bernoulli, generator); // (T, 1, 5)

        Assert.True(presented.eq(0).logical_or(presented.eq(1)).all().item<bool>(), "a Bernoulli pixel is 0 or 1");
        float[] means = presented.mean([0L, 1L]).data<float>().ToArray();
        for (int i = 0; i < Intensities.Length; i++)
        {
            // The mean of n draws has standard deviation √(p(1 − p)/n) ≤ 0.5/√4000 = 0.0079; 4 of them is 0.032.
            double bound = 4 * Math.Sqrt(Intensities[i] * (1 - Intensities[i]) / draws);
            Assert.True(Math.Abs(means[i] - Intensities[i]) <= bound, $"pixel {i}: mean {means[i]} vs intensity {Intensities[i]} (bound {bound:G3})");
        }
        // The draws are not all alike: each iteration draws afresh.
        Assert.True(presented[.., 0, 2].std().item<float>() > 0.4, "intensity 0.5 gives a coin flip per iteration");
    }

    [Fact]
    public void The_same_stream_gives_the_same_draws_and_another_draw_number_others()
    {
        using var scope = NewDisposeScope();
        Tensor intensity = tensor(Intensities).unsqueeze(0).expand(8, 5);
        Tensor Draw(long seed, long draw)
        {
            using var generator = StochasticInput.Generator(seed, draw);
            return StochasticInput.Present(intensity, 6, InputPresentation.Bernoulli, generator);
        }

        Assert.True(Draw(5, 3).SameAs(Draw(5, 3)));
        Assert.False(Draw(5, 3).SameAs(Draw(5, 4)));
        Assert.False(Draw(5, 3).SameAs(Draw(6, 3)));
    }

    [Fact]
    public void Deterministic_presentations_repeat_the_intensity_or_its_threshold_at_every_iteration()
    {
        using var scope = NewDisposeScope();
        Tensor intensity = tensor(new float[] { -0.3f, 0.1f, 0.5f, 0.51f, 1.7f }).unsqueeze(0);   // clamped to [0, 1] first

        Tensor exact = StochasticInput.Present(intensity, 3, InputPresentation.Intensity, null);
        Tensor binary = StochasticInput.Present(intensity, 3, InputPresentation.Threshold, null);

        Shape(exact, 3, 1, 5);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal([0f, 0.1f, 0.5f, 0.51f, 1f], exact[t, 0].data<float>().ToArray());
            Assert.Equal([0f, 0f, 0f, 1f, 1f], binary[t, 0].data<float>().ToArray());
        }
    }

    [Fact]
    public void The_homeostatic_rule_raises_the_threshold_of_units_above_the_target_and_lowers_it_below()
    {
        using var scope = NewDisposeScope();
        Tensor threshold = tensor(new float[] { 0.5f, 0f, -0.2f });
        Tensor rate = tensor(new float[] { 0.3f, 0.1f, 0f });

        HomeostaticThreshold.Update(threshold, rate, learningRate: 0.5, targetRate: 0.1);

        Close(tensor(new float[] { 0.5f + 0.5f * 0.2f, 0f, -0.2f - 0.5f * 0.1f }), threshold, 1e-7); // θ + η (r − ρ*)
    }
}
