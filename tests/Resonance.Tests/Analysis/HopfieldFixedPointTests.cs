using Resonance.Analysis;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>The finder on a Hebbian Hopfield net <c>h → tanh(β W h)</c>, <c>W = (1/N) Σ ξ ξᵀ</c> with a zero diagonal.</summary>
public class HopfieldFixedPointTests
{
    const int Neurons = 32, Patterns = 3, CopiesPerTarget = 8;
    const double Beta = 4, Overlap = 0.9;

    [Fact]
    public void Each_pattern_and_its_negative_is_a_stable_fixed_point_found_once()
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(11);
        Tensor patterns = (randint(0, 2, [Patterns, Neurons], dtype: ScalarType.Float64, generator: generator) * 2 - 1); // (P, N) of ±1
        Tensor weights = patterns.t().matmul(patterns) / Neurons * (1 - eye(Neurons, dtype: ScalarType.Float64)); // (1/N) Σ ξ ξᵀ, zero diagonal
        Tensor targets = cat([patterns, -patterns], 0);                                         // (2P, N)
        Tensor starts = targets.repeat_interleave(CopiesPerTarget, 0)                            // (2P · copies, N), noisy copies
            + 0.5 * randn([2 * Patterns * CopiesPerTarget, Neurons], dtype: ScalarType.Float64, generator: generator);

        var result = FixedPointFinder.Find(h => (Beta * h.matmul(weights)).tanh(), starts, new FixedPointOptions { Seed = 2 });

        double[,] targetValues = new double[2 * Patterns, Neurons];
        Buffer.BlockCopy(targets.data<double>().ToArray(), 0, targetValues, 0, 2 * Patterns * Neurons * sizeof(double));
        for (int target = 0; target < 2 * Patterns; target++)
        {
            var matches = result.FixedPoints.Where(point => Enumerable.Range(0, Neurons).Sum(i => point.State[i] * targetValues[target, i]) / Neurons > Overlap).ToList();
            var point = Assert.Single(matches);
            Assert.Equal(FixedPointStability.Stable, point.Stability);
            Assert.True(point.Eigenvalues.All(lambda => lambda.Magnitude < 1));
        }
        var points = result.Points;
        for (int i = 0; i < points.Count; i++)
            for (int j = i + 1; j < points.Count; j++)
                Assert.True(Enumerable.Range(0, Neurons).Max(n => Math.Abs(points[i].State[n] - points[j].State[n])) >= 1e-3, $"points {i} and {j} are duplicates");
    }
}
