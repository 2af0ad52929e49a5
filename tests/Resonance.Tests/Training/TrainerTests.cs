using Resonance.Runs;
using System.Buffers.Binary;
using Resonance.Models;
using Resonance.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Same_config_and_seed_give_identical_metrics_apart_from_timing_keys()
    {
        using var folder = new TempFolder();
        var first = new RunDirectory(Path.Combine(folder.Path, "a"));
        var second = new RunDirectory(Path.Combine(folder.Path, "b"));
        TrainingHarness.Start(TrainingHarness.Experiment(), first);
        TrainingHarness.Start(TrainingHarness.Experiment(), second);
        var metrics = TrainingHarness.ReproducibleMetrics(first);
        Assert.True(metrics.Count >= 6);
        Assert.Equal(metrics, TrainingHarness.ReproducibleMetrics(second));
    }

    [Fact]
    public void A_different_seed_gives_different_metrics()
    {
        using var folder = new TempFolder();
        var first = new RunDirectory(Path.Combine(folder.Path, "a"));
        var second = new RunDirectory(Path.Combine(folder.Path, "b"));
        TrainingHarness.Start(TrainingHarness.Experiment(), first);
        TrainingHarness.Start(TrainingHarness.Experiment(overrides: "seed=4"), second);
        Assert.NotEqual(TrainingHarness.ReproducibleMetrics(first), TrainingHarness.ReproducibleMetrics(second));
    }

    [Theory]
    [InlineData(3)]   // mid-epoch
    [InlineData(6)]   // at an epoch boundary (6 batches of 32 per epoch... 192 train examples)
    [InlineData(11)]  // mid-epoch, second epoch
    public void Resume_ends_with_the_same_metrics_as_an_uninterrupted_run(long stopAtStep)
    {
        using var folder = new TempFolder();
        var whole = new RunDirectory(Path.Combine(folder.Path, "whole"));
        var interrupted = new RunDirectory(Path.Combine(folder.Path, "interrupted"));
        var reference = TrainingHarness.Start(TrainingHarness.Experiment(), whole);

        var resumed = TrainingHarness.InterruptThenResume(TrainingHarness.Experiment(), interrupted, stopAtStep);

        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        Assert.Equal(reference.Summary["test_accuracy"], resumed.Summary["test_accuracy"]);
        Assert.Equal(reference.Summary["test_loss"], resumed.Summary["test_loss"]);
        Assert.Equal(TrainingHarness.ReproducibleMetrics(whole), TrainingHarness.ReproducibleMetrics(interrupted));
    }

    [Fact]
    public void The_run_directory_holds_config_metrics_summary_checkpoints_tensorboard_and_plots()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));
        TrainingHarness.Start(TrainingHarness.Experiment(), run);

        Assert.Contains("type: rnn", File.ReadAllText(run.ConfigPath));
        Assert.Contains("batch_size: 32", File.ReadAllText(run.ConfigPath)); // resolved: defaults written out
        var summary = run.ReadSummary()!;
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        Assert.InRange(summary["test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.All(summary.Where(kv => kv.Key.Contains("time") || kv.Key.Contains("per")), kv => Assert.True(MetricsLog.IsTimingKey(kv.Key), kv.Key));
        Assert.True(File.Exists(run.LastCheckpointPath));
        Assert.True(File.Exists(run.BestCheckpointPath));
        foreach (string plot in new[] { "loss.png", "accuracy.png" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(run.PlotsPath, plot));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        string events = Assert.Single(Directory.GetFiles(run.TensorBoardPath, "events.out.tfevents.*"));
        var records = TfRecords(File.ReadAllBytes(events));
        Assert.True(records.Count > 5, $"only {records.Count} event records");
        Assert.Contains(records, r => System.Text.Encoding.UTF8.GetString(r).Contains("epoch/test_accuracy"));
    }

    [Fact]
    public void A_loss_that_becomes_nan_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using var folder = new TempFolder();
        var registry = ModelCatalog.CreateDefault();
        registry.Add(ModelEntries.Of<PoisonOptions>("poisoned", (o, shape, seed) => new PoisonedModel(o, shape), "NaN after some forward passes"));
        var experiment = TrainingHarness.Experiment(TrainingHarness.Tiny.Replace("type: rnn\n  hidden: 12", "type: poisoned\n  poison_at: 9"), registry,
            "training.checkpoint_every_batches=2");
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));

        var result = TrainingHarness.Start(experiment, run);

        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Contains("diverged at step 9", result.Message);
        Assert.Contains("training.lr", result.Message);
        Assert.Equal("diverged", run.ReadSummary()!["status"]!.GetValue<string>());
        // The checkpoint is from step 8, before the NaN, and loads with finite weights.
        using var model = new PoisonedModel(new PoisonOptions(), new ModelShape(4, 3, 8, TaskKind.Classification));
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        var state = Checkpoint.Load(run.LastCheckpointPath, model, optimizer);
        Assert.Equal(8, state.Step);
        Assert.All(model.parameters(), p => Assert.True(isfinite(p).all().item<bool>()));
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_epochs_without_validation_improvement()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));
        // A learning rate too small to move the validation accuracy: no epoch after the first improves on it.
        var experiment = TrainingHarness.Experiment(overrides: ["training.lr=1e-12", "training.epochs=10", "training.early_stopping_patience=2"]);

        var result = TrainingHarness.Start(experiment, run);

        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.Equal(3, result.Summary["epochs_completed"]);
    }

    [Fact]
    public void Regression_trains_sequence_to_sequence_and_lowers_the_test_error()
    {
        using var folder = new TempFolder();
        const string sine = """
            seed: 2
            model: { type: gru, hidden: 16 }
            data: { dataset: sine, samples: 256, steps: 20, validation: 32 }
            training: { epochs: 4, lr: 0.01, batch_size: 32 }
            """;
        var first = TrainingHarness.Start(TrainingHarness.Experiment(sine, overrides: "training.epochs=1"), new RunDirectory(Path.Combine(folder.Path, "one")));
        var more = TrainingHarness.Start(TrainingHarness.Experiment(sine), new RunDirectory(Path.Combine(folder.Path, "four")));
        Assert.Equal(TrainingStatus.Completed, more.Status);
        Assert.False(more.Summary.ContainsKey("test_accuracy"));
        Assert.True((double)more.Summary["test_loss"]! < (double)first.Summary["test_loss"]!);
    }

    [Fact]
    public void The_learning_rate_schedules_have_their_documented_shape()
    {
        var options = new TrainingOptions { Epochs = 4, Lr = 1.0, MinLr = 0.0, StepEpochs = 1, Gamma = 0.5 };
        var step = new LearningRateSchedule(options with { Schedule = ScheduleKind.Step }, stepsPerEpoch: 10);
        Assert.Equal(1.0, step.At(9));
        Assert.Equal(0.5, step.At(10));
        Assert.Equal(0.125, step.At(39));
        var cosine = new LearningRateSchedule(options with { Schedule = ScheduleKind.Cosine }, 10);
        Assert.Equal(1.0, cosine.At(0), 12);
        Assert.Equal(0.5, cosine.At(0) / 2, 12);
        Assert.Equal(0.0, cosine.At(39), 12);
        var oneCycle = new LearningRateSchedule(options with { Schedule = ScheduleKind.OneCycle, WarmupFraction = 0.25 }, 10);
        Assert.Equal(1.0 / 25, oneCycle.At(0), 12);
        Assert.True(oneCycle.At(9) > oneCycle.At(3));
        Assert.Equal(0.0, oneCycle.At(39), 12);
    }

    /// <summary>TFRecord framing (length, masked CRC-32C of length, data, masked CRC-32C of data), checked record by record.</summary>
    internal static List<byte[]> TfRecords(byte[] file)
    {
        var records = new List<byte[]>();
        int at = 0;
        while (at < file.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            Assert.Equal(MaskedCrc(file.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)));
            var data = file.AsSpan(at + 12, (int)length);
            Assert.Equal(MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)));
            records.Add(data.ToArray());
            at += 12 + (int)length + 4;
        }
        return records;
    }

    static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    public sealed record PoisonOptions
    {
        public int PoisonAt { get; init; } = 1000;
    }

    /// <summary>A linear classifier of the summed sequence whose output turns NaN from the N-th training forward pass on.</summary>
    sealed class PoisonedModel : SequenceModel
    {
        readonly TorchSharp.Modules.Linear linear;
        readonly int poisonAt;
        int calls;

        public PoisonedModel(PoisonOptions options, ModelShape shape) : base("poisoned", shape)
        {
            linear = nn.Linear(shape.InputSize, shape.OutputSize);
            poisonAt = options.PoisonAt;
            RegisterComponents();
        }

        public override IRecurrentDynamics? Dynamics => null;

        public override Tensor forward(Tensor input)
        {
            var output = linear.call(input.sum(1));
            if (training && ++calls >= poisonAt) output = output * float.NaN;
            return output;
        }
    }
}

public class TrainerHookTests
{
    const string Resonator = """
        name: tiny-resonator
        seed: 3
        model:
          type: resonator
          hidden: 12
          initial_threshold: 0.3
          curriculum: [{epoch: 0, reasoning_steps: 1}, {epoch: 1, reasoning_steps: 2}, {epoch: 2, reasoning_steps: 4}]
        data:
          dataset: synthetic
          samples: 256
          steps: 8
          validation: 64
        training:
          epochs: 3
          lr: 0.01
          batch_size: 32
          schedule: cosine
          spike_factor: 1.1
          spike_window: 3
          spike_mad_factor: 0
        logging:
          every_batches: 2
        """;

    [Theory]
    [InlineData(4)]   // mid-epoch, first stage
    [InlineData(9)]   // mid-epoch, second stage
    public void A_curriculum_run_with_spike_detection_resumes_exactly(long stopAtStep)
    {
        using var folder = new TempFolder();
        var whole = new RunDirectory(Path.Combine(folder.Path, "whole"));
        var interrupted = new RunDirectory(Path.Combine(folder.Path, "interrupted"));
        var reference = TrainingHarness.Start(TrainingHarness.Experiment(Resonator), whole);

        var resumed = TrainingHarness.InterruptThenResume(TrainingHarness.Experiment(Resonator), interrupted, stopAtStep);

        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        Assert.Equal(reference.Summary["test_loss"], resumed.Summary["test_loss"]);
        Assert.Equal(reference.Summary["loss_spikes"], resumed.Summary["loss_spikes"]);
        Assert.Equal(TrainingHarness.ReproducibleMetrics(whole), TrainingHarness.ReproducibleMetrics(interrupted));
    }

    [Fact]
    public void Epoch_lines_carry_the_curriculum_stage_and_neuron_diagnostics_and_spikes_are_logged_and_summarised()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));
        var result = TrainingHarness.Start(TrainingHarness.Experiment(Resonator), run);
        var lines = MetricsLog.Read(run.MetricsPath);

        var epochs = lines.Where(l => (string?)l["kind"] == "epoch").ToList();
        Assert.Equal([1.0, 2.0, 4.0], epochs.Select(l => (double)l["reasoning_steps"]!));
        var neurons = lines.Where(l => (string?)l["kind"] == "neurons").ToList();
        Assert.Equal(3, neurons.Count);
        Assert.All(neurons, l => Assert.InRange((double)l["layer0/firing_rate"]!, 0, 1));
        Assert.True(File.Exists(Path.Combine(run.PlotsPath, "neurons.png")));

        var spikes = lines.Where(l => (string?)l["kind"] == "spike").ToList();
        Assert.NotEmpty(spikes); // a factor of 1.1 over a 3-batch median, without the noise test, fires on ordinary noise
        Assert.All(spikes, s => Assert.True((double)s["loss"]! > 1.1 * (double)s["running_median"]!));
        Assert.Equal((long)spikes.Count, result.Summary["loss_spikes"]);
        var recoveries = lines.Where(l => (string?)l["kind"] == "spike_recovery").ToList();
        Assert.Equal((long)(spikes.Count - recoveries.Count), result.Summary["loss_spikes_unrecovered"]);
        Assert.True(File.Exists(Path.Combine(run.PlotsPath, "loss.png")));
    }

    [Fact]
    public void Frozen_parameters_are_not_counted()
    {
        using var folder = new TempFolder();
        var trainable = TrainingHarness.Start(TrainingHarness.Experiment(Resonator, overrides: "training.epochs=1"), new RunDirectory(Path.Combine(folder.Path, "a")));
        var fixedNeurons = TrainingHarness.Start(TrainingHarness.Experiment(Resonator, overrides: ["training.epochs=1", "model.trainable_neuron=false"]),
            new RunDirectory(Path.Combine(folder.Path, "b")));
        Assert.Equal(3L * 12, (long)trainable.Summary["parameters"]! - (long)fixedNeurons.Summary["parameters"]!); // leak, threshold, reset scale
    }
}
