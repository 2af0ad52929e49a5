using Resonance.Analysis;

namespace Resonance.Tests.Analysis;

public class AnalysisOptionsTests
{
    public static TheoryData<FixedPointOptions, string> BadFixedPointOptions => new()
    {
        { new FixedPointOptions { InitialStates = 0 }, "analysis.fixed_points.initial_states" },
        { new FixedPointOptions { NoiseScale = -1 }, "analysis.fixed_points.noise_scale" },
        { new FixedPointOptions { MaxIterations = 0 }, "analysis.fixed_points.max_iterations" },
        { new FixedPointOptions { LearningRate = 0 }, "analysis.fixed_points.learning_rate" },
        { new FixedPointOptions { RateGrowth = 0.5 }, "analysis.fixed_points.rate_growth" },
        { new FixedPointOptions { RateDecay = 1.5 }, "analysis.fixed_points.rate_decay" },
        { new FixedPointOptions { MinLearningRate = 2 }, "analysis.fixed_points.min_learning_rate" },
        { new FixedPointOptions { AdamEpsilon = 0 }, "analysis.fixed_points.adam_epsilon" },
        { new FixedPointOptions { TolQ = double.NaN }, "analysis.fixed_points.tol_q" },
        { new FixedPointOptions { TolDq = -1 }, "analysis.fixed_points.tol_dq" },
        { new FixedPointOptions { DedupTolerance = -1 }, "analysis.fixed_points.dedup_tolerance" },
        { new FixedPointOptions { OutlierFactor = 1 }, "analysis.fixed_points.outlier_factor" },
    };

    [Theory]
    [MemberData(nameof(BadFixedPointOptions))]
    public void A_bad_fixed_point_option_is_refused_naming_its_key(FixedPointOptions options, string key)
    {
        var error = Assert.Throws<UserInputException>(() => options.Validate());
        Assert.StartsWith(key + ":", error.Message);
    }

    public static TheoryData<LyapunovOptions, string> BadLyapunovOptions => new()
    {
        { new LyapunovOptions { Exponents = 4 }, "analysis.lyapunov.exponents" },
        { new LyapunovOptions { Exponents = 0 }, "analysis.lyapunov.exponents" },
        { new LyapunovOptions { WarmupSteps = -1 }, "analysis.lyapunov.warmup_steps" },
        { new LyapunovOptions { Steps = 0 }, "analysis.lyapunov.steps" },
        { new LyapunovOptions { OrthonormalizeEvery = 0 }, "analysis.lyapunov.orthonormalize_every" },
        { new LyapunovOptions { TimeStep = 0 }, "analysis.lyapunov.time_step" },
    };

    [Theory]
    [MemberData(nameof(BadLyapunovOptions))]
    public void A_bad_lyapunov_option_is_refused_naming_its_key(LyapunovOptions options, string key)
    {
        var error = Assert.Throws<UserInputException>(() => options.Validate(stateSize: 3));
        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new FixedPointOptions().Validate();
        new LyapunovOptions().Validate(stateSize: 3);
    }
}
