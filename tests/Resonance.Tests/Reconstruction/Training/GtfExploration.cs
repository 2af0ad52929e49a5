using System.Diagnostics;
using Resonance.Reconstruction;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

public class GtfExploration(ITestOutputHelper output)
{
    static double FreeRunError(LatentModel model, ObservationModel observation, Tensor series, int steps, int starts)
    {
        using var scope = NewDisposeScope();
        using var generator = Resonance.Runtime.RandomStreams.Generator(99);
        Tensor windows = ReconstructionTrainer.SampleWindows(series, steps, starts, generator);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, _ => 0);
        using var noGrad = no_grad();
        return TeacherForcing.Loss(observation, predictions, windows).item<float>();
    }

    [Theory]
    [InlineData(0.01, 100)]
    [InlineData(0.05, 50)]
    public void Explore(double dt, int length)
    {
        Tensor series = PlrnnTestSeries.Lorenz(4000, dt).to(ScalarType.Float32);
        Tensor train = series.narrow(0, 0, 3000), test = series.narrow(0, 3000, 1000);
        var configs = new (ForcingKind Forcing, AlphaMethod Method, double Alpha)[] { (ForcingKind.Generalized, AlphaMethod.Constant, 0.1), (ForcingKind.Generalized, AlphaMethod.Constant, 0.3),
            (ForcingKind.Generalized, AlphaMethod.ProductUpperBound, 0.3), (ForcingKind.None, AlphaMethod.Constant, 0) };
        foreach (var (forcing, method, alpha) in configs)
        {
            using var scope = NewDisposeScope();
            using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 50 }, seed: 1);
            using var observation = new IdentityObservation(3, 3, seed: 1);
            var options = new ReconstructionTrainingOptions { Forcing = forcing, AlphaMethod = method, Alpha = alpha, AlphaDecay = 0.9, SequenceLength = length, BatchSize = 16, BatchesPerEpoch = 10, Epochs = 30, Lr = 5e-3, EndLr = 1e-3, ForcingInterval = 10 };
            double before = FreeRunError(model, observation, test, 20, 64);
            var clock = Stopwatch.StartNew();
            var result = ReconstructionTrainer.Train(model, observation, train, options, seed: 2);
            double after = FreeRunError(model, observation, test, 20, 64);
            double after100 = FreeRunError(model, observation, test, 100, 64);
            output.WriteLine($"dt {dt} T {length} {forcing} {method} {alpha}: {clock.Elapsed.TotalSeconds:F1} s, loss {result.Epochs[0].Loss:F4} -> {result.Epochs[^1].Loss:F4}, alpha {result.Alpha:F3}, 20-step free error {before:F4} -> {after:F4}, 100-step {after100:F4}, diverged {result.Diverged}");
        }
    }
}
