using Resonance.Analysis;
using Resonance.Dynamics;
using Resonance.Runtime;
using Xunit.Abstractions;

namespace Resonance.Tests.Dynamics;

/// <summary>Lyapunov spectra of catalogue systems against published values: Lorenz-63 to 1%, a handful of others to 5%
/// (every system with a published value: <c>resonance data lyapunov</c>, docs/dynamics.md).</summary>
public class SystemLyapunovTests(ITestOutputHelper output)
{
    [Fact]
    public void Lorenz63_spectrum_is_within_1_percent_of_Sprotts_and_sums_to_minus_13_667()
    {
        LyapunovResult result = null!;
        NoCollections.Run(() => result = SystemLyapunov.Compute(SystemCatalog.Get("lorenz63"), new SystemLyapunovOptions { Conditions = 32, Steps = 10_000, WarmupSteps = 1000, Seed = 3 }));
        output.WriteLine($"[{string.Join(", ", result.Exponents.Select(e => e.ToString("F4")))}], sum {result.Sum:F4}");

        Assert.InRange(result.Exponents[0], 0.9056 * 0.99, 0.9056 * 1.01);
        Assert.InRange(result.Exponents[1], -0.01, 0.01);
        Assert.InRange(result.Exponents[2], -14.5723 * 1.01, -14.5723 * 0.99);
        Assert.InRange(result.Sum, -13.6667 * 1.01, -13.6667 * 0.99);                  // −(σ + 1 + β), exact
    }

    [Theory]
    [InlineData("henon")]
    [InlineData("lozi")]
    [InlineData("ikeda")]
    [InlineData("tinkerbell")]
    [InlineData("logistic")]
    [InlineData("tent")]
    [InlineData("arnold-cat")]
    [InlineData("chebyshev")]
    [InlineData("sprott-b")]
    [InlineData("sprott-s")]
    public void The_largest_exponent_is_within_5_percent_of_the_published_value(string name)
    {
        var system = SystemCatalog.Get(name);

        LyapunovResult result = null!;
        NoCollections.Run(() => result = SystemLyapunov.Compute(system, new SystemLyapunovOptions { Conditions = 4, Exponents = 1, Seed = 1 }));
        output.WriteLine($"{name}: {result.Exponents[0]:F4}, published {system.PublishedLargestExponent:F4}");

        double published = system.PublishedLargestExponent!.Value;
        Assert.InRange(result.Exponents[0], published * 0.95, published * 1.05);
    }

    [Fact]
    public void The_sum_of_the_Henon_spectrum_is_ln_b()
    {
        var result = SystemLyapunov.Compute(SystemCatalog.Get("henon"), new SystemLyapunovOptions { Conditions = 2, Steps = 2000, Seed = 1 });

        Assert.Equal(Math.Log(0.3), result.Sum, 6);
    }

    [Fact]
    public void The_tangent_estimate_agrees_with_the_QR_estimate_on_Lorenz63()
    {
        var lorenz = SystemCatalog.Get("lorenz63");
        var step = SystemSimulation.Step(lorenz, lorenz.DefaultParameters, lorenz.TimeStep);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var start = TorchSharp.torch.tensor(lorenz.InitialCondition, dtype: TorchSharp.torch.ScalarType.Float64).unsqueeze(0).repeat(8, 1)
            + 0.01 * TorchSharp.torch.arange(8, dtype: TorchSharp.torch.ScalarType.Float64).unsqueeze(1);   // (8, 3)

        var estimate = TangentLyapunov.Largest(step, start, 500, 5000, lorenz.TimeStep, seed: 2, "lorenz63");
        output.WriteLine($"tangent: {estimate.Exponent:F4}");

        Assert.InRange(estimate.Exponent, 0.9056 * 0.97, 0.9056 * 1.03);
    }
}
