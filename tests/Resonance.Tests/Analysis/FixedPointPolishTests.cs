using Resonance.Analysis;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>The Newton polish after the descent, on maps where Adam alone stalls above <c>tol_q</c>.</summary>
public class FixedPointPolishTests
{
    /// <summary><c>h → A h + b</c> with <c>A = diag(0.999, 0.5, −0.3)</c> turned by a fixed orthogonal basis: along the slow
    /// direction <c>q</c>'s gradient is 1e-3 of the residual, so 200 Adam iterations leave q far above 1e-12.</summary>
    static (Func<Tensor, Tensor> Map, Tensor Expected, Tensor Starts) SlowLinearMap()
    {
        using var generator = RandomStreams.Generator(17);
        Tensor basis = linalg.qr(randn([3, 3], dtype: ScalarType.Float64, generator: generator)).Q;           // (3, 3) orthogonal
        Tensor a = basis.matmul(diag(tensor(new[] { 0.999, 0.5, -0.3 }))).matmul(basis.t());
        Tensor b = tensor(new[] { 0.01, -0.02, 0.03 });
        Tensor expected = linalg.solve(eye(3, dtype: ScalarType.Float64) - a, b);                              // (I − A)⁻¹ b
        Tensor starts = expected.unsqueeze(0) + randn([8, 3], dtype: ScalarType.Float64, generator: generator); // (8, 3)
        return (h => h.matmul(a.t()) + b, expected, starts);
    }

    [Fact]
    public void Adam_alone_stalls_on_a_slow_direction_and_the_polish_reaches_tol_q()
    {
        using var scope = NewDisposeScope();
        var (map, expected, starts) = SlowLinearMap();
        var descent = new FixedPointOptions { MaxIterations = 200, PolishSteps = 0, Seed = 1 };

        var alone = FixedPointFinder.Find(map, starts, descent);
        var polished = FixedPointFinder.Find(map, starts, descent with { PolishSteps = 20 });

        Assert.Empty(alone.FixedPoints);
        Assert.True(alone.Points.Min(p => p.Q) > 1e-8, $"Adam alone reached q = {alone.Points.Min(p => p.Q):G3}");
        var point = Assert.Single(polished.Points);
        Assert.False(point.IsSlow, $"q = {point.Q:G3}");
        Assert.True(point.Q < 1e-12);
        // q < 1e-12 bounds the error by √(2 tol_q) / σ_min(A − I) = 1.41e-6 / 1e-3; Adam alone is far outside it.
        double[] want = expected.data<double>().ToArray();
        double Error(FixedPoint p) => Math.Sqrt(Enumerable.Range(0, 3).Sum(i => Math.Pow(p.State[i] - want[i], 2)));
        Assert.True(Error(point) < 1.5e-3, $"distance to (I − A)⁻¹ b: {Error(point):G3}");
        Assert.True(alone.Points.Min(Error) > 1e-2, $"Adam alone came within {alone.Points.Min(Error):G3}");
        Assert.InRange(point.Eigenvalues[0].Magnitude, 0.999 - 1e-9, 0.999 + 1e-9);
        Assert.InRange(polished.PolishSteps, 1, 3);                 // a linear residual: one Newton step, a second to see q below tol_q
        Assert.Equal(7, polished.DuplicatesMerged);
    }

    [Fact]
    public void The_polish_finds_the_saddle_of_a_tanh_map_that_plain_iteration_would_leave()
    {
        // h → tanh(2 h): the origin is a fixed point with λ = 2 (unstable); ±0.9575 (tanh(2x) = x) are stable.
        using var scope = NewDisposeScope();
        Tensor starts = tensor(new[] { 0.05, -0.04, 0.7, -1.2 }).reshape(4, 1);
        var options = new FixedPointOptions { MaxIterations = 20, Seed = 1 };

        var result = FixedPointFinder.Find(h => (2 * h).tanh(), starts, options);

        Assert.Equal(3, result.FixedPoints.Count());
        Assert.Empty(result.SlowPoints);
        // q < 1e-12 bounds each error by √(2 tol_q) / |G'(x*)|: 1.7e-6 at the roots (G' = −0.834), 1.4e-6 at 0 (G' = 1).
        double root = 0.9575040240772688; // tanh(2x) = x
        double[] states = [.. result.Points.Select(p => p.State[0]).Order()];
        Assert.InRange(states[0], -root - 2e-6, -root + 2e-6);
        Assert.InRange(states[1], -2e-6, 2e-6);
        Assert.InRange(states[2], root - 2e-6, root + 2e-6);
        Assert.Equal(FixedPointStability.Unstable, result.Points.Single(p => Math.Abs(p.State[0]) < 0.5).Stability);
    }
}
