using System.Diagnostics;
using Resonance.Analysis;
using Resonance.Runtime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>Lorenz-63 at σ = 10, ρ = 28, β = 8/3: its equilibria as zeros of the vector field, and the Lyapunov spectrum of its RK4 flow.</summary>
public class LorenzTests(ITestOutputHelper output)
{
    const double Sigma = 10, Rho = 28, Beta = 8.0 / 3, TimeStep = 0.01;

    /// <summary><c>f(x, y, z) = (σ(y − x), x(ρ − z) − y, xy − βz)</c> on <c>(B, 3)</c>.</summary>
    static Tensor Field(Tensor h)
    {
        Tensor x = h[.., 0], y = h[.., 1], z = h[.., 2];
        return stack([Sigma * (y - x), x * (Rho - z) - y, x * y - Beta * z], 1);
    }

    /// <summary>One classical Runge–Kutta step of <see cref="Field"/> with step <see cref="TimeStep"/>.</summary>
    static Tensor Rk4(Tensor h)
    {
        Tensor k1 = Field(h), k2 = Field(h + 0.5 * TimeStep * k1), k3 = Field(h + 0.5 * TimeStep * k2), k4 = Field(h + TimeStep * k3);
        return h + TimeStep / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }

    [Fact]
    public void The_three_equilibria_are_found_and_classified()
    {
        using var scope = NewDisposeScope();
        double c = Math.Sqrt(Beta * (Rho - 1));
        double[][] equilibria = [[0, 0, 0], [c, c, Rho - 1], [-c, -c, Rho - 1]];
        using var generator = RandomStreams.Generator(5);
        Tensor starts = tensor(equilibria.SelectMany(e => e).ToArray()).reshape(3, 3).repeat_interleave(4, 0)  // (12, 3)
            + randn([12, 3], dtype: ScalarType.Float64, generator: generator);

        var result = FixedPointFinder.Find(Field, starts, new FixedPointOptions { Continuous = true, Seed = 3 });

        Assert.Equal(3, result.FixedPoints.Count());
        int[] unstableDirections = [1, 2, 2];
        for (int e = 0; e < 3; e++)
        {
            var point = Assert.Single(result.FixedPoints, p => Enumerable.Range(0, 3).All(i => Math.Abs(p.State[i] - equilibria[e][i]) < 1e-4));
            Assert.Equal(FixedPointStability.Saddle, point.Stability);
            Assert.Equal(unstableDirections[e], point.UnstableDirections);
        }
    }

    [Fact]
    public void The_largest_exponent_is_0_906_and_the_spectrum_sums_to_minus_13_667()
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(9);
        Tensor starts = tensor(new[] { 1.0, 1.0, 20.0 }) + 5 * randn([Conditions, 3], dtype: ScalarType.Float64, generator: generator);
        var clock = Stopwatch.StartNew();
        var result = LyapunovSpectrum.Compute(Rk4, starts, new LyapunovOptions { Exponents = 3, WarmupSteps = Warmup, Steps = Steps, TimeStep = TimeStep, Seed = 1 });
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s: [{string.Join(", ", result.Exponents.Select(e => e.ToString("F4")))}], sum {result.Sum:F4}");

        Assert.InRange(result.Exponents[0], 0.906 * 0.97, 0.906 * 1.03);
        Assert.InRange(result.Sum, -(Sigma + 1 + Beta) * 1.01, -(Sigma + 1 + Beta) * 0.99);
        Assert.True(result.Exponents[0] > result.Exponents[1] && result.Exponents[1] > result.Exponents[2]);
        Assert.Equal(Steps, result.Running.GetLength(0));
        Assert.Equal(result.Exponents[0], result.Running[Steps - 1, 0], 1e-9);
    }

    const int Conditions = 32, Warmup = 500, Steps = 5000;
}
