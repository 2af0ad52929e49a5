using System.Diagnostics;
using Resonance.Reconstruction;
using Resonance.Runtime;
using Xunit.Abstractions;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class ReconstructionTrainerTests(ITestOutputHelper output)
{
    /// <summary>The mean squared error of free-running predictions over <paramref name="steps"/> steps from 64 held-out starts
    /// (the initial state inferred from each window's first observation).</summary>
    static double FreeRunError(LatentModel model, ObservationModel observation, Tensor series, int steps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = RandomStreams.Generator(99);
        Tensor windows = ReconstructionTrainer.SampleWindows(series, steps, 64, generator);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, _ => 0);
        return TeacherForcing.Loss(observation, predictions, windows).item<float>();
    }

    static ReconstructionTrainingOptions Short => new()
    {
        SequenceLength = 50, BatchSize = 16, BatchesPerEpoch = 10, Epochs = 30, Lr = 5e-3, EndLr = 1e-3,
        AlphaMethod = AlphaMethod.Constant, Alpha = 0.1,
    };

    [Fact]
    public void A_short_GTF_training_on_Lorenz_learns_to_run_freely_where_BPTT_at_the_same_budget_does_not()
    {
        Tensor series = PlrnnTestSeries.Lorenz(4000).to(ScalarType.Float32);                        // dt = 0.01, z-scored
        Tensor train = series.narrow(0, 0, 3000), test = series.narrow(0, 3000, 1000);
        var errors = new Dictionary<ForcingKind, (double Before, double After, double FirstLoss, double LastLoss)>();
        foreach (var forcing in new[] { ForcingKind.Generalized, ForcingKind.None })
        {
            using var scope = NewDisposeScope();
            using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 50 }, seed: 1);
            using var observation = new IdentityObservation(3, 3, seed: 1);
            double before = FreeRunError(model, observation, test, 20);
            var clock = Stopwatch.StartNew();
            var result = ReconstructionTrainer.Train(model, observation, train, Short with { Forcing = forcing }, seed: 2);
            double after = FreeRunError(model, observation, test, 20);
            Assert.False(result.Diverged);
            errors[forcing] = (before, after, result.Epochs[0].Loss, result.Epochs[^1].Loss);
            output.WriteLine($"{forcing}: {clock.Elapsed.TotalSeconds:F1} s for 300 steps; training loss {result.Epochs[0].Loss:F4} -> {result.Epochs[^1].Loss:F4}; "
                + $"20-step free-running error on held-out data {before:F4} -> {after:F4}");
        }
        var gtf = errors[ForcingKind.Generalized];
        Assert.True(gtf.LastLoss < gtf.FirstLoss / 5, "the forced loss falls");
        Assert.True(gtf.After < gtf.Before / 5, "free running improves on held-out data");
        Assert.True(gtf.After < errors[ForcingKind.None].After / 3, "GTF beats plain BPTT at the same budget");
    }

    [Fact]
    public void The_same_seed_gives_the_same_losses_and_parameters()
    {
        Tensor series = PlrnnTestSeries.Lorenz(500).to(ScalarType.Float32);
        var options = Short with { SequenceLength = 20, BatchSize = 4, BatchesPerEpoch = 3, Epochs = 2, NoiseLevel = 0.05, AlphaMethod = AlphaMethod.ProductUpperBound, AlphaUpdateInterval = 1 };
        (ReconstructionTrainingResult, Tensor) Run(long seed)
        {
            using var model = new AlRnn(new AlRnnOptions { LatentSize = 6, PiecewiseLinearUnits = 2 }, seed: 3);
            using var observation = new IdentityObservation(3, 6, seed: 3);
            var result = ReconstructionTrainer.Train(model, observation, series, options, seed);
            return (result, cat([.. model.parameters().Concat(observation.parameters()).Select(p => p.detach().flatten())]).clone().DetachFromDisposeScope());
        }
        var (first, firstParameters) = Run(5);
        var (second, secondParameters) = Run(5);
        var (other, _) = Run(6);
        Assert.Equal(first.Epochs.Select(e => (e.Loss, e.Alpha)), second.Epochs.Select(e => (e.Loss, e.Alpha)));
        Close(firstParameters, secondParameters, 0);
        Assert.NotEqual(first.Epochs[0].Loss, other.Epochs[0].Loss);
    }

    [Fact]
    public void Epochs_report_the_exponential_learning_rate_decay_through_the_callback()
    {
        Tensor series = PlrnnTestSeries.Lorenz(200).to(ScalarType.Float32);
        var reports = new List<ReconstructionEpoch>();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 5 }, seed: 1);
        using var observation = new AffineObservation(3, 3, seed: 1);
        var options = Short with { SequenceLength = 10, BatchSize = 2, BatchesPerEpoch = 1, Epochs = 4, Lr = 1e-2, EndLr = 1e-4, Forcing = ForcingKind.Sparse, ForcingInterval = 3 };
        ReconstructionTrainer.Train(model, observation, series, options, seed: 1, new SynchronousProgress<ReconstructionEpoch>(reports.Add));
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        double[] expected = [1e-2, 1e-2 * Math.Pow(1e-2, 0.25), 1e-2 * Math.Pow(1e-2, 0.5), 1e-2 * Math.Pow(1e-2, 0.75)];
        for (int e = 0; e < 4; e++) Assert.Equal(expected[e], reports[e].Lr, 12);
        Assert.All(reports, r => Assert.Equal(0, r.Alpha));
    }

    [Fact]
    public void The_forcing_interval_grows_geometrically_over_the_epochs_when_an_end_is_set()
    {
        var constant = new ReconstructionTrainingOptions { Forcing = ForcingKind.Sparse, ForcingInterval = 4, Epochs = 5 };
        Assert.Equal([4, 4, 4, 4, 4], Enumerable.Range(0, 5).Select(constant.ForcingIntervalAt));
        var schedule = constant with { ForcingIntervalEnd = 64 };
        Assert.Equal([4, 8, 16, 32, 64], Enumerable.Range(0, 5).Select(schedule.ForcingIntervalAt));   // 4 · 16^(e / 4)
        var shrinking = constant with { ForcingInterval = 32, ForcingIntervalEnd = 8, Epochs = 3 };
        Assert.Equal([32, 16, 8], Enumerable.Range(0, 3).Select(shrinking.ForcingIntervalAt));
        var error = Assert.Throws<UserInputException>(() => (constant with { Forcing = ForcingKind.Generalized, ForcingIntervalEnd = 8 }).Validate());
        Assert.Contains("training.forcing_interval_end", error.Message);
        Assert.Contains("forcing: sparse", error.Message);
    }

    [Fact]
    public void The_trainer_forces_at_the_scheduled_interval_of_each_epoch()
    {
        // Epoch 1 of a schedule from τ = 3 trains exactly like τ = 3 throughout; in epoch 2 (τ_end = 1,000, beyond the window:
        // never forced) the twelve steps run free, so its loss is higher than that of the fixed interval.
        Tensor series = PlrnnTestSeries.Lorenz(300).to(ScalarType.Float32);
        var options = Short with { SequenceLength = 12, BatchSize = 4, BatchesPerEpoch = 2, Epochs = 2, Forcing = ForcingKind.Sparse, ForcingInterval = 3 };
        IReadOnlyList<ReconstructionEpoch> Run(ReconstructionTrainingOptions o)
        {
            using var model = new AlRnn(new AlRnnOptions { LatentSize = 5, PiecewiseLinearUnits = 2 }, seed: 3);
            using var observation = new IdentityObservation(3, 5, seed: 3);
            return ReconstructionTrainer.Train(model, observation, series, o, seed: 4).Epochs;
        }
        var fixedInterval = Run(options);
        var scheduled = Run(options with { ForcingIntervalEnd = 1000 });
        Assert.Equal(fixedInterval[0].Loss, scheduled[0].Loss);
        Assert.NotEqual(fixedInterval[1].Loss, scheduled[1].Loss);
        Assert.True(scheduled[1].Loss > fixedInterval[1].Loss, "twelve free steps predict worse than forcing every third");
    }

    [Fact]
    public void Selection_keeps_the_model_of_the_epoch_with_the_lowest_free_run_divergence()
    {
        using var scope = NewDisposeScope();
        Tensor series = PlrnnTestSeries.Lorenz(3000).to(ScalarType.Float32);
        var options = Short with { Epochs = 6, BatchesPerEpoch = 4, SelectEvery = 2, SelectSteps = 400 };
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 20 }, seed: 1);
        using var observation = new IdentityObservation(3, 3, seed: 1);
        var result = ReconstructionTrainer.Train(model, observation, series, options, seed: 4);
        var scored = result.Epochs.Where(e => !double.IsNaN(e.SelectionDstsp)).ToList();
        Assert.Equal([2, 4, 6], scored.Select(e => e.Epoch));                                      // every 2 epochs, and the last
        var best = scored.OrderBy(e => e.SelectionDstsp).First();
        Assert.Equal(best.Epoch, result.SelectedEpoch);
        Assert.NotEqual(6, best.Epoch);                                                              // so the test restores an earlier model
        // the model now is that epoch's: its free run scores what that epoch scored
        var kernel = FusedUnroll.TryCreate(model, observation)!;                                    // the run selection scores
        double[] first = series[0].to(ScalarType.Float64).data<double>().ToArray();
        Tensor generated = EvaluationWindow.Run(400, n => kernel.Generate(first, n));
        Assert.Equal(best.SelectionDstsp, StateSpaceDivergence.Binned(series.to(ScalarType.Float64), generated), 9);
        // without selection no epoch is scored and none is selected
        using var again = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 20 }, seed: 1);
        var plain = ReconstructionTrainer.Train(again, observation, series, options with { SelectEvery = 0 }, seed: 4);
        Assert.Null(plain.SelectedEpoch);
        Assert.All(plain.Epochs, e => Assert.True(double.IsNaN(e.SelectionDstsp)));
    }

    [Fact]
    public void A_window_longer_than_the_series_is_refused_naming_the_key()
    {
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions(), seed: 1);
        using var observation = new IdentityObservation(3, 3, seed: 1);
        var error = Assert.Throws<UserInputException>(() =>
            ReconstructionTrainer.Train(model, observation, zeros(100, 3), new ReconstructionTrainingOptions { SequenceLength = 100 }, seed: 0));
        Assert.Contains("training.sequence_length", error.Message);
        error = Assert.Throws<UserInputException>(() =>
            ReconstructionTrainer.Train(model, observation, zeros(100, 2), new ReconstructionTrainingOptions(), seed: 0));
        Assert.Contains("(T, 3)", error.Message);
        error = Assert.Throws<UserInputException>(() => new ReconstructionTrainingOptions { Alpha = 1.5 }.Validate());
        Assert.Contains("training.alpha", error.Message);
    }

    [Fact]
    public void Windows_are_consecutive_rows_of_the_series()
    {
        using var scope = NewDisposeScope();
        Tensor series = arange(40, dtype: ScalarType.Float32).reshape(20, 2);                      // row r = (2r, 2r + 1)
        using var generator = RandomStreams.Generator(3);
        Tensor windows = ReconstructionTrainer.SampleWindows(series, 5, 7, generator);
        Shape(windows, 7, 6, 2);
        Tensor rows = windows.select(2, 0) / 2;                                                    // (7, 6) row numbers
        Close(rows.narrow(1, 0, 1) + arange(6, dtype: ScalarType.Float32), rows, 0);
        Assert.True(rows.max().item<float>() <= 19);
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
