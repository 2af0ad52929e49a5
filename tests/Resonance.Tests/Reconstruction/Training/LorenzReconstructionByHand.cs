using System.Diagnostics;
using Resonance.Analysis;
using Resonance.Reconstruction;
using Resonance.Runtime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

/// <summary>A by-hand experiment, not a unit test: the shPLRNN (M = 3, L = 50) trained on Lorenz-63 with adaptive GTF and with plain
/// BPTT at the same budget, judged by free-running error and the model's largest Lyapunov exponent (Lorenz: 0.906). Minutes of
/// training; the figures are in docs/reconstruction.md. Remove the Skip locally to run it.</summary>
[Trait("Category", "Manual")]
public class LorenzReconstructionByHand(ITestOutputHelper output)
{
    const double TimeStep = 0.01;

    [Fact(Skip = "Manual experiment (minutes of training): remove the Skip locally to run it; its figures are in docs/reconstruction.md")]
    public void Shallow_PLRNN_with_GTF_and_with_BPTT_on_Lorenz63()
    {
        Tensor series = PlrnnTestSeries.Lorenz(20_000, TimeStep).to(ScalarType.Float32);
        Tensor train = series.narrow(0, 0, 15_000), test = series.narrow(0, 15_000, 5_000);
        var options = new ReconstructionTrainingOptions
        {
            SequenceLength = 100, BatchSize = 16, BatchesPerEpoch = 50, Epochs = 30, Lr = 5e-3, EndLr = 1e-4,
            Alpha = 1, AlphaDecay = 0.95, AlphaUpdateInterval = 5,
        };
        foreach (var forcing in new[] { ForcingKind.Generalized, ForcingKind.None })
        {
            using var scope = NewDisposeScope();
            using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 50 }, seed: 1);
            using var observation = new IdentityObservation(3, 3, seed: 1);
            var clock = Stopwatch.StartNew();
            var result = ReconstructionTrainer.Train(model, observation, train, options with { Forcing = forcing }, seed: 2);
            double seconds = clock.Elapsed.TotalSeconds;
            double error20 = FreeRunError(model, observation, test, 20), error100 = FreeRunError(model, observation, test, 100);
            Tensor generated = FreeRun.Generate(model, observation, test[0], 5_000);                  // (5000, 3)
            Tensor onAttractor = FreeRun.Latent(model, observation.InitialState(test.narrow(0, 0, 8)), 1_000).select(1, -1); // (8, 3)
            var lyapunov = FreeRun.LyapunovExponents(model, onAttractor.to(ScalarType.Float64),
                new LyapunovOptions { Exponents = 3, WarmupSteps = 1_000, Steps = 5_000, TimeStep = TimeStep, Seed = 3 });
            string Row(Tensor t) => string.Join(", ", t.data<float>().ToArray().Select(v => v.ToString("F2")));
            output.WriteLine($"{forcing}: {seconds:F0} s, {result.Epochs.Count} epochs, diverged {result.Diverged}, loss {result.Epochs[0].Loss:F4} -> {result.Epochs[^1].Loss:F4}, "
                + $"alpha {result.Alpha:F3}; free-running MSE 20 steps {error20:F4}, 100 steps {error100:F4}; "
                + $"generated mean ({Row(generated.mean([0]))}), std ({Row(generated.std(0))}) (data: 0, 1); "
                + $"Lyapunov exponents ({string.Join(", ", lyapunov.Exponents.Select(e => e.ToString("F3")))}) per unit time (Lorenz: 0.906, 0, -14.572)");
        }
    }

    [Fact(Skip = "Manual experiment (minutes of training): remove the Skip locally to run it; its figures are in docs/reconstruction.md")]
    public void AL_RNN_with_sparse_teacher_forcing_on_Lorenz63()
    {
        Tensor series = PlrnnTestSeries.Lorenz(20_000, TimeStep).to(ScalarType.Float32);
        Tensor train = series.narrow(0, 0, 15_000), test = series.narrow(0, 15_000, 5_000);
        var options = new ReconstructionTrainingOptions
        {
            Forcing = ForcingKind.Sparse, ForcingInterval = 16, NoiseLevel = 0.05, LatentRegularization = 0,
            SequenceLength = 100, BatchSize = 16, BatchesPerEpoch = 50, Epochs = 30, Lr = 5e-3, EndLr = 1e-4,
        };
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 20, PiecewiseLinearUnits = 2 }, seed: 1);
        using var observation = new IdentityObservation(3, 20, seed: 1);
        var clock = Stopwatch.StartNew();
        var result = ReconstructionTrainer.Train(model, observation, train, options, seed: 2);
        double seconds = clock.Elapsed.TotalSeconds;
        double error20 = FreeRunError(model, observation, test, 20), error100 = FreeRunError(model, observation, test, 100);
        Tensor latent = FreeRun.Latent(model, observation.InitialState(test.narrow(0, 0, 1)), 5_000).squeeze(0);   // (5000, 20)
        Tensor generated = observation.Observe(latent);
        double[] visits = (bincount(model.RegionId(latent), minlength: 4).to(ScalarType.Float64) / 5_000).data<double>().ToArray();
        var lyapunov = FreeRun.LyapunovExponents(model, latent.narrow(0, 4_000, 8).to(ScalarType.Float64),
            new LyapunovOptions { Exponents = 3, WarmupSteps = 1_000, Steps = 5_000, TimeStep = TimeStep, Seed = 3 });
        string Row(Tensor t) => string.Join(", ", t.data<float>().ToArray().Select(v => v.ToString("F2")));
        output.WriteLine($"AL-RNN M=20 P=2, sparse TF tau=16: {seconds:F0} s, diverged {result.Diverged}, loss {result.Epochs[0].Loss:F4} -> {result.Epochs[^1].Loss:F4}; "
            + $"free-running MSE 20 steps {error20:F4}, 100 steps {error100:F4}; generated mean ({Row(generated.mean([0]))}), std ({Row(generated.std(0))}); "
            + $"region visit frequencies ({string.Join(", ", visits.Select(v => v.ToString("F3")))}); "
            + $"Lyapunov exponents ({string.Join(", ", lyapunov.Exponents.Select(e => e.ToString("F3")))}) per unit time");
    }

    static double FreeRunError(LatentModel model, ObservationModel observation, Tensor series, int steps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = RandomStreams.Generator(99);
        Tensor windows = ReconstructionTrainer.SampleWindows(series, steps, 256, generator);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, _ => 0);
        return TeacherForcing.Loss(observation, predictions, windows).item<float>();
    }
}
