using Resonance.Runs;
using Resonance.Tests.Training;
using Resonance.Training;

namespace Resonance.Tests.Models;

/// <summary>The temporal-averaging network through the training pipeline: it learns, and resume stays exact (its Bernoulli
/// input stream is keyed by a counter saved with the weights).</summary>
public class TemporalAveragingTrainingTests
{
    const string Tiny = """
        name: tiny-temporal
        seed: 3
        model:
          type: temporal-averaging
          hidden: 32
          iterations: 4
        data:
          dataset: synthetic
          samples: 320
          steps: 4
          features: 6
          validation: 64
        training:
          epochs: 4
          lr: 0.01
          batch_size: 32
        logging:
          every_batches: 4
          tensorboard: false
          plots: false
        """;

    static List<double> EpochLosses(RunDirectory run) =>
        [.. MetricsLog.Read(run.MetricsPath).Where(line => line["kind"]!.GetValue<string>() == "epoch").Select(line => line["train_loss"]!.GetValue<double>())];

    [Theory]
    [InlineData("cross-entropy", "0")]
    [InlineData("mse", "0.01")]
    public void A_tiny_run_learns_its_training_loss_falls_and_it_beats_chance(string loss, string homeostasisRate)
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));

        var result = TrainingHarness.Start(TrainingHarness.Experiment(Tiny, null, $"model.loss={loss}", $"model.homeostasis_rate={homeostasisRate}"), run);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        var losses = EpochLosses(run);
        Assert.Equal(4, losses.Count);
        Assert.True(losses[^1] < 0.8 * losses[0], $"train loss {string.Join(" -> ", losses.Select(l => l.ToString("F4")))}");
        Assert.True((double)result.Summary["test_accuracy"]! > 0.5, $"test accuracy {result.Summary["test_accuracy"]} (chance 1/3)");
    }

    [Fact]
    public void Resume_ends_with_the_same_metrics_as_an_uninterrupted_run()
    {
        using var folder = new TempFolder();
        var whole = new RunDirectory(Path.Combine(folder.Path, "whole"));
        var interrupted = new RunDirectory(Path.Combine(folder.Path, "interrupted"));
        var experiment = TrainingHarness.Experiment(Tiny, null, "training.epochs=2", "model.homeostasis_rate=0.01");
        TrainingHarness.Start(experiment, whole);

        var resumed = TrainingHarness.InterruptThenResume(experiment, interrupted, stopAtStep: 5);

        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        Assert.Equal(TrainingHarness.ReproducibleMetrics(whole), TrainingHarness.ReproducibleMetrics(interrupted));
    }
}
