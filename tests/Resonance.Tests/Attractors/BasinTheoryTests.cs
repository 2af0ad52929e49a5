using Resonance.Attractors;
using static TorchSharp.torch;

namespace Resonance.Tests.Attractors;

public class BasinTheoryTests
{
    [Fact]
    public void Zero_stability_gives_Gardners_two_N_and_the_optimal_stability_falls_with_load()
    {
        Assert.Equal(2.0, 1 / BasinTheory.InverseLoad(0), 9);
        Assert.Equal(0.0, BasinTheory.OptimalStability(2.0), 6);
        Assert.True(BasinTheory.OptimalStability(0.2) > BasinTheory.OptimalStability(0.5));
        double kappa = BasinTheory.OptimalStability(0.5);
        Assert.Equal(0.5, 1 / BasinTheory.InverseLoad(kappa), 6);
    }

    [Theory]
    [InlineData(0.4, 1.2)]
    [InlineData(0.7, 0.5)]
    [InlineData(0.2, 2.0)]
    public void The_diluted_map_matches_a_monte_carlo_of_fields(double overlap, double kappa)
    {
        // Field of a bit: m Δ + √(1 − m²) z with Δ = max(t, κ); the next overlap is 2 P(field > 0) − 1.
        using var scope = NewDisposeScope();
        using var stream = new Generator(17);
        long samples = 400_000;
        Tensor delta = randn(samples, dtype: float64, generator: stream).clamp_min(kappa);
        Tensor field = overlap * delta + Math.Sqrt(1 - overlap * overlap) * randn(samples, dtype: float64, generator: stream);
        double simulated = 2 * (field > 0).to(float64).mean().item<double>() - 1;
        double computed = BasinTheory.NextOverlap(overlap, kappa);
        Assert.True(Math.Abs(simulated - computed) < 0.005, $"map {computed:F4}, Monte Carlo {simulated:F4}");   // 3 standard errors of the simulation
    }

    [Fact]
    public void The_diluted_capacity_shrinks_as_cues_get_noisier()
    {
        double tenPercent = BasinTheory.DiluteCapacity(0.1), thirtyPercent = BasinTheory.DiluteCapacity(0.3);
        Assert.True(tenPercent > thirtyPercent, $"{tenPercent} vs {thirtyPercent}");
        Assert.InRange(thirtyPercent, 0.3, 0.5);
        Assert.True(BasinTheory.Recovers(thirtyPercent - 0.01, 0.4));
        Assert.False(BasinTheory.Recovers(thirtyPercent + 0.01, 0.4));
    }
}
