using Resonance.Reconstruction;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

/// <summary>The hand-written unroll and its gradients against the autograd path (<see cref="TeacherForcing"/> and backward) on
/// the same models, data and forcing, in float64 so that the two agree to rounding.</summary>
[NoCollections]
public class FusedUnrollTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "shplrnn", "clipped", "alrnn", "alrnn-square" })
            foreach (var forcing in new[] { "generalized", "sparse", "none", "full", "generalized-all", "sparse-all" })
                data.Add(model, forcing);
        return data;
    }

    static LatentModel Model(string kind) => kind switch
    {
        "shplrnn" => new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 5, HiddenSize = 7 }, seed: 3),
        "clipped" => new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 5, HiddenSize = 7, Clipped = true }, seed: 3),
        "alrnn" => new AlRnn(new AlRnnOptions { LatentSize = 6, PiecewiseLinearUnits = 2 }, seed: 3),
        "alrnn-square" => new AlRnn(new AlRnnOptions { LatentSize = 3, PiecewiseLinearUnits = 1 }, seed: 3),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    static Func<int, double> Forcing(string kind) => kind switch
    {
        "generalized" => _ => 0.3,
        "sparse" => t => TeacherForcing.AlphaAt(ForcingKind.Sparse, t, 0, 4),
        "none" => _ => 0,
        "full" => _ => 1,
        "generalized-all" => Forcing("generalized"),
        "sparse-all" => Forcing("sparse"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The "-all" cases pull the unobserved units towards 0 as well (<c>partial_forcing: false</c>).</summary>
    static bool Partial(string kind) => !kind.EndsWith("-all", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradients_equal_the_autograd_unrolls(string modelKind, string forcingKind)
    {
        using var scope = NewDisposeScope();
        using var model = Model(modelKind);
        using var observation = new IdentityObservation(3, model.LatentSize, seed: 4);
        model.to(ScalarType.Float64);
        observation.to(ScalarType.Float64);
        using (no_grad())
        {
            // Larger weights than the initialisation so that ReLUs switch along the sequences and the gradients are not tiny.
            using var generator = new Generator(11);
            foreach (var p in model.parameters()) p.add_(0.4 * randn(p.shape, ScalarType.Float64, generator: generator));
        }
        Tensor windows = PlrnnTestSeries.Lorenz(4 * 13).reshape(4, 13, 3);                 // (B = 4, T + 1 = 13, N = 3)
        var kernel = FusedUnroll.TryCreate(model, observation);
        Assert.NotNull(kernel);
        Assert.Equal(model.parameters().Count() + (model.LatentSize > 3 ? 1 : 0), kernel.Parameters.Count);

        Tensor loss = TeacherForcing.Loss(observation, TeacherForcing.Unroll(model, observation, windows, Forcing(forcingKind), Partial(forcingKind)), windows);
        loss.backward();
        var (fusedLoss, gradients) = kernel.Run(windows, Forcing(forcingKind), Partial(forcingKind));
        Assert.Equal(loss.item<double>(), fusedLoss, 1e-12 * loss.item<double>());
        double largest = 0;
        for (int i = 0; i < kernel.Parameters.Count; i++)
        {
            double[] expected = kernel.Parameters[i].grad!.flatten().data<double>().ToArray();
            Assert.Equal(expected.Length, gradients[i].Length);
            for (int j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(expected[j] - gradients[i][j]) <= 1e-10 * (1 + Math.Abs(expected[j])),
                    $"parameter {i} ({string.Join("x", kernel.Parameters[i].shape)}), entry {j}: autograd {expected[j]}, fused {gradients[i][j]}");
                largest = Math.Max(largest, Math.Abs(expected[j]));
            }
        }
        Assert.True(largest > 1e-3, $"the gradients are too small to compare ({largest})");
    }

    [Fact]
    public void Accumulate_adds_the_gradients_to_those_of_the_penalty()
    {
        using var scope = NewDisposeScope();
        using var model = Model("shplrnn");
        using var observation = new IdentityObservation(3, model.LatentSize, seed: 4);
        var kernel = FusedUnroll.TryCreate(model, observation)!;
        (model.RegularizationPenalty() * 0.5).backward();
        var expected = kernel.Parameters.Take(5).Select(p => p.grad!.clone()).ToList();
        foreach (var p in kernel.Parameters) p.grad?.zero_();
        double[][] gradients = [.. kernel.Parameters.Select(p => Enumerable.Range(0, (int)p.numel()).Select(j => 0.01 * j).ToArray())];
        kernel.Accumulate(gradients, model.RegularizationPenalty() * 0.5);
        for (int i = 0; i < 5; i++)
        {
            Tensor added = tensor(gradients[i], ScalarType.Float32).reshape(kernel.Parameters[i].shape);
            Assert.True(allclose(expected[i] + added, kernel.Parameters[i].grad!, rtol: 1e-5, atol: 1e-6), $"parameter {i}");
        }
        Assert.True(allclose(tensor(gradients[5], ScalarType.Float32).reshape(kernel.Parameters[5].shape), kernel.Parameters[5].grad!));
    }

    [Theory]
    [InlineData("shplrnn", ForcingKind.Generalized)]
    [InlineData("alrnn", ForcingKind.Sparse)]
    public void Training_through_either_path_gives_the_same_losses(string modelKind, ForcingKind forcing)
    {
        using var scope = NewDisposeScope();
        Tensor series = PlrnnTestSeries.Lorenz(400).to(ScalarType.Float32);
        var options = new ReconstructionTrainingOptions
        {
            Forcing = forcing, SequenceLength = 20, BatchSize = 4, BatchesPerEpoch = 5, Epochs = 3, AlphaUpdateInterval = 2,
            Lr = 5e-3, EndLr = 1e-3, ForcingInterval = 4, NoiseLevel = 0.05, LatentRegularization = 1e-3, ObservationRegularization = 1e-3,
        };
        ReconstructionTrainingResult Train(bool fused)
        {
            using var model = Model(modelKind);
            using var observation = new IdentityObservation(3, model.LatentSize, seed: 4);
            return ReconstructionTrainer.Train(model, observation, series, options, seed: 2, null, default, fused);
        }
        var autograd = Train(fused: false);
        var fusedResult = Train(fused: true);
        Assert.Equal(3, fusedResult.Epochs.Count);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(autograd.Epochs[e].Loss, fusedResult.Epochs[e].Loss, 1e-4 * autograd.Epochs[e].Loss);
            Assert.Equal(autograd.Epochs[e].Alpha, fusedResult.Epochs[e].Alpha, 1e-4);
        }
    }

    [Theory]
    [InlineData("shplrnn")]
    [InlineData("clipped")]
    [InlineData("alrnn")]
    public void A_free_run_equals_the_autograd_models(string modelKind)
    {
        using var scope = NewDisposeScope();
        using var model = Model(modelKind);
        using var observation = new IdentityObservation(3, model.LatentSize, seed: 4);
        model.to(ScalarType.Float64);
        observation.to(ScalarType.Float64);
        Tensor first = PlrnnTestSeries.Lorenz(10)[0];
        Tensor expected = FreeRun.Generate(model, observation, first, 60);                      // (60, 3)
        Tensor actual = FusedUnroll.TryCreate(model, observation)!.Generate(first.data<double>().ToArray(), 60);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(allclose(expected, actual, rtol: 1e-10, atol: 1e-12), "the fused free run differs from the model's");
        Assert.True(expected[-1].sub(expected[0]).abs().max().item<double>() > 1e-3, "the run should move");
    }

    [Fact]
    public void Another_observation_takes_the_autograd_path()
    {
        using var model = Model("shplrnn");
        using var affine = new AffineObservation(3, model.LatentSize, seed: 1);
        Assert.Null(FusedUnroll.TryCreate(model, affine));
    }
}
