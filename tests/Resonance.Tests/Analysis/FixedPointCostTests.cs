using System.Numerics;
using Resonance.Analysis;
using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>What keeps the fixed-point search cheap: deflated eigendecompositions, the cap on unique points, the spikes'
/// exact derivative.</summary>
[NoCollections]
public class FixedPointCostTests
{
    [Fact]
    public void Deflating_zero_columns_and_rows_keeps_every_eigenvalue()
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(5);
        Tensor jacobian = randn([4, 7, 7], dtype: ScalarType.Float64, generator: generator);
        jacobian.index_fill_(2, tensor(new long[] { 1, 4 }), 0.0);                     // two columns zero at every point
        jacobian.index_fill_(1, tensor(new long[] { 6 }), 0.0);                        // one row zero at every point

        Complex[][] deflated = Split(FixedPointFinder.Eigenvalues(jacobian));
        Complex[][] full = Split(linalg.eigvals(jacobian).to(ScalarType.ComplexFloat64));

        for (int m = 0; m < 4; m++)
        {
            Assert.Equal(3, deflated[m].Count(lambda => lambda.Magnitude == 0));      // the three deflated coordinates
            var expected = full[m].OrderBy(l => l.Real).ThenBy(l => l.Imaginary).ToArray();
            var actual = deflated[m].OrderBy(l => l.Real).ThenBy(l => l.Imaginary).ToArray();
            for (int i = 0; i < 7; i++) Assert.True((expected[i] - actual[i]).Magnitude < 1e-9, $"point {m}: {expected[i]} against {actual[i]}");
        }
    }

    [Fact]
    public void Without_passive_coordinates_the_decomposition_is_the_plain_one()
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(6);
        Tensor jacobian = randn([2, 5, 5], dtype: ScalarType.Float64, generator: generator);
        Assert.True(FixedPointFinder.Eigenvalues(jacobian).eq(linalg.eigvals(jacobian).to(ScalarType.ComplexFloat64)).all().item<bool>());
    }

    [Fact]
    public void A_batch_split_over_threads_gives_each_matrix_its_own_eigenvalues_in_order()
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(7);
        Tensor matrices = randn([7, 6, 6], dtype: ScalarType.Float64, generator: generator);   // 7 over 3 threads: parts of 2, 2, 3
        int threads = get_num_threads();
        set_num_threads(3);
        try
        {
            Tensor split = FixedPointFinder.EigvalsOnAllThreads(matrices);
            Assert.Equal([7L, 6L], split.shape);
            for (int m = 0; m < 7; m++)
                Assert.True(split[m].eq(linalg.eigvals(matrices[m])).all().item<bool>(), $"matrix {m}");
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void Max_unique_keeps_the_lowest_q_points_and_counts_the_rest()
    {
        using var scope = NewDisposeScope();
        // h → diag(a) h + b has one fixed point per map; as a batch of independent 1-D maps h_i → 0.5 h_i + c_i the points
        // are c_i / 0.5: eight distinct 1-D points, all stable.
        Tensor offsets = tensor(new[] { 0.0, 1, 2, 3, 4, 5, 6, 7 }, ScalarType.Float64).reshape(-1, 1);   // (8, 1)
        Tensor starts = offsets * 2 + 0.25;                                                              // (8, 1), near each point
        var options = new FixedPointOptions { MaxIterations = 3, PolishSteps = 0, MaxUnique = 3, OutlierFactor = double.PositiveInfinity, TolQ = 1e-30 };
        // The map moves each state halfway to a point of its own lattice cell: F(h) = 0.5 h + 0.5 · round(h / 2) · 2.
        var result = FixedPointFinder.Find(h => 0.5 * h + (h / 2).round(), starts, options);

        Assert.Equal(3, result.Points.Count);
        Assert.Equal(5, result.UniqueDropped);
        Assert.True(result.Points.Zip(result.Points.Skip(1)).All(pair => pair.First.Q <= pair.Second.Q));
    }

    [Fact]
    public void Spikes_pass_no_gradient_inside_an_exact_derivative_scope()
    {
        using var scope = NewDisposeScope();
        var surrogate = SurrogateGradient.Of(SurrogateKind.FastSigmoid);
        Tensor x = tensor(new[] { -0.2, 0.1, 0.3 }, ScalarType.Float64).requires_grad_();

        Tensor smooth = autograd.grad([surrogate.Spike(x, 4).sum()], [x])[0];
        using (SurrogateGradient.ExactDerivative())
        {
            Tensor spikes = surrogate.Spike(x, 4);
            Assert.Equal(new[] { 0.0, 1, 1 }, spikes.data<double>().ToArray());
            Assert.False(spikes.requires_grad);                                        // H(x): nothing flows back
        }

        Assert.Equal(1 / Math.Pow(1 + 4 * 0.2, 2), smooth[0].ToDouble(), 12);
        Assert.Equal(1 / Math.Pow(1 + 4 * 0.1, 2), autograd.grad([surrogate.Spike(x, 4).sum()], [x])[0][1].ToDouble(), 12); // the scope is closed
    }

    static Complex[][] Split(Tensor eigenvalues)
    {
        long count = eigenvalues.shape[0], size = eigenvalues.shape[1];
        double[] parts = view_as_real(eigenvalues).contiguous().data<double>().ToArray();
        return [.. Enumerable.Range(0, (int)count).Select(m => Enumerable.Range(0, (int)size)
            .Select(j => new Complex(parts[(m * size + j) * 2], parts[(m * size + j) * 2 + 1])).ToArray())];
    }
}
