using Resonance.Reconstruction;
using static Resonance.Tests.Reconstruction.LinearModels;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class GtfAlphaTests
{
    [Theory]
    [InlineData(2.0, 0.5)]
    [InlineData(4.0, 0.75)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.5, 0.0)]
    public void The_optimal_alpha_is_one_minus_the_inverse_bound_and_never_negative(double bound, double alpha) =>
        Assert.Equal(alpha, GtfAlpha.Optimal(bound), 12);

    [Fact]
    public void The_bound_is_the_largest_geometric_mean_of_the_spectral_norms_along_a_sequence()
    {
        using var scope = NewDisposeScope();
        // sequence 0: (1 · 4)^(1/2) = 2; sequence 1: (2 · 8)^(1/2) = 4
        Tensor norms = tensor(new double[] { 1, 4, 2, 8 }).reshape(2, 2);
        Assert.Equal(4, GtfAlpha.ProductUpperBound(norms), 12);
    }

    [Fact]
    public void Alpha_is_raised_at_once_and_lowered_by_an_exponential_average()
    {
        Assert.Equal(0.75, GtfAlpha.Anneal(0.2, 0.75, 0.999), 12);
        Assert.Equal(0.9 * 0.5 + 0.1 * 0.1, GtfAlpha.Anneal(0.5, 0.1, 0.9), 12);
        Assert.Equal(0.3, GtfAlpha.Anneal(0.3, 0.3, 0.9), 12);
    }

    [Fact]
    public void Spectral_norms_of_a_known_Jacobian_give_the_known_alpha()
    {
        using var scope = NewDisposeScope();
        // J = diag(A) + W = [[1.5, 0], [0, 0.5]] + [[0, 0.5], [0, 0]] → largest singular value of [[1.5, 0.5], [0, 0.5]]
        using var model = Linear([1.5f, 0.5f], [0, 0.5f, 0, 0]);
        double expected = linalg.svdvals(tensor(new double[] { 1.5, 0.5, 0, 0.5 }).reshape(2, 2))[0].item<double>();
        Tensor norms = GtfAlpha.SpectralNorms(model, ones(3, 7, 2));
        Assert.Equal(new long[] { 3, 7 }, norms.shape);
        Assert.Equal(expected, norms.max().item<float>(), 5);
        Assert.Equal(expected, norms.min().item<float>(), 5);
        using var observation = new IdentityObservation(2, 2, seed: 0);
        var (bound, alpha) = GtfAlpha.Estimate(model, observation, ones(3, 8, 2));
        Assert.Equal(expected, bound, 5);
        Assert.Equal(1 - 1 / expected, alpha, 5);
    }

    [Fact]
    public void An_AL_RNN_s_norms_computed_once_per_subregion_equal_one_decomposition_per_state()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 6, PiecewiseLinearUnits = 3 }, seed: 2);
        using (no_grad()) model.W.narrow(1, 3, 3).fill_(1.0);                      // strong ReLU columns: norms differ by region
        using var generator = new TorchSharp.torch.Generator(5);
        Tensor latents = randn([4, 9, 6], generator: generator);                    // all 8 subregions occur among 36 states
        Tensor expected = linalg.svdvals(model.Jacobian(latents.reshape(36, 6))).select(-1, 0).reshape(4, 9);
        Tensor norms = GtfAlpha.SpectralNorms(model, latents);
        Assert.Equal(8, model.RegionId(latents.reshape(36, 6)).unique().Item1.shape[0]);
        Assert.True(allclose(expected, norms, rtol: 1e-6), "per-subregion norms differ from per-state norms");
        Assert.True(expected.max().item<float>() > 1.5f * expected.min().item<float>(), "the norms should differ between subregions");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Small_matrices_norms_in_closed_form_equal_the_largest_singular_values(int size)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(8);
        Tensor matrices = randn([500, size, size], ScalarType.Float64, generator: generator);
        matrices[0] = eye(size, dtype: ScalarType.Float64) * 2;                       // a multiple of the identity
        matrices[1] = zeros(size, size, ScalarType.Float64);
        if (size == 3) matrices[2] = tensor(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1e-9 }).reshape(3, 3);   // two equal, one tiny
        Tensor expected = linalg.svdvals(matrices).select(-1, 0);
        Tensor actual = GtfAlpha.SmallNorms(matrices);
        long worst = (expected - actual).abs().argmax().item<long>();
        // where the two largest eigenvalues of JᵀJ coincide the trigonometric formula keeps about √ε (1e-8) of relative precision
        Assert.True(allclose(expected, actual, rtol: 1e-8, atol: 1e-12), $"closed-form norms differ from svdvals: matrix {worst}, {expected[worst].item<double>()} against {actual[worst].item<double>()}");
    }

    [Fact]
    public void The_trainer_raises_alpha_at_the_first_update_and_then_lowers_it_by_the_decay()
    {
        using var scope = NewDisposeScope();
        Tensor series = PlrnnTestSeries.Lorenz(300).narrow(1, 0, 2);
        // J = diag(2, 0.5) everywhere: σ = 2 whatever the data, α* = 0.5; a vanishing learning rate keeps J fixed.
        var options = new ReconstructionTrainingOptions
        {
            SequenceLength = 10, BatchSize = 2, BatchesPerEpoch = 4, Epochs = 2, AlphaUpdateInterval = 2, Lr = 1e-30, EndLr = 1e-30,
            LatentRegularization = 0, Alpha = 0.1, AlphaDecay = 0.9,
        };
        using (var model = Linear([2f, 0.5f]))
        using (var observation = new IdentityObservation(2, 2, seed: 0))
        {
            var result = ReconstructionTrainer.Train(model, observation, series, options, seed: 1);
            Assert.Equal(0.5, result.Epochs[0].Alpha, 5);                                            // raised at once at batch 2, kept at batch 4
            Assert.Equal(2, result.Epochs[0].Bound, 5);
        }
        using (var model = Linear([2f, 0.5f]))
        using (var observation = new IdentityObservation(2, 2, seed: 0))
        {
            var result = ReconstructionTrainer.Train(model, observation, series, options with { Alpha = 0.9, Epochs = 1 }, seed: 1);
            double once = 0.9 * 0.9 + 0.1 * 0.5, twice = 0.9 * once + 0.1 * 0.5;                      // two updates in the epoch
            Assert.Equal(twice, result.Epochs[0].Alpha, 5);
        }
    }
}
