using Resonance.Runs;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Training;

namespace Resonance.Tests.Training;

/// <summary>Small synthetic experiments run in-process, for trainer tests.</summary>
internal static class TrainingHarness
{
    public const string Tiny = """
        name: tiny
        seed: 3
        model:
          type: rnn
          hidden: 12
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
        logging:
          every_batches: 2
        """;

    public static Experiment Experiment(string yaml = Tiny, ModelRegistry? registry = null, params string[] overrides) =>
        ExperimentRunner.Prepare(ConfigDocument.Parse(yaml, "tiny.yaml"), overrides, null, registry ?? ModelCatalog.CreateDefault(), "tiny");

    public static TrainingResult Start(Experiment experiment, RunDirectory run, IRunEvents? events = null, CancellationToken stop = default)
    {
        var kind = new TrainingKind(ModelCatalog.CreateDefault());
        return (TrainingResult)RunLauncher.Start(kind, TrainingKind.Prepare(experiment), run, Context(run, events, stop)).Details!;
    }

    public static TrainingResult Resume(RunDirectory run, ModelRegistry? registry = null, CancellationToken stop = default) =>
        (TrainingResult)RunLauncher.Resume(new ExperimentKinds().Add(new TrainingKind(registry ?? ModelCatalog.CreateDefault())), run, Context(run, null, stop)).Details!;

    static RunContext Context(RunDirectory run, IRunEvents? events, CancellationToken stop) =>
        new(TorchSharp.torch.CPU, new DataCache(Path.Combine(run.Path, "..", "cache")), events ?? NullRunEvents.Instance, stop);

    /// <summary>Starts <paramref name="experiment"/> in <paramref name="run"/>, interrupts it at a step as Ctrl-C would, then resumes it to the end.</summary>
    public static TrainingResult InterruptThenResume(Experiment experiment, RunDirectory run, long stopAtStep)
    {
        using var stop = new CancellationTokenSource();
        var first = Start(experiment, run, new StopAtStep(stopAtStep, stop), stop.Token);
        Xunit.Assert.Equal(TrainingStatus.Interrupted, first.Status);
        return Resume(run);
    }

    /// <summary>metrics.jsonl with the wall-clock keys removed, one string per line.</summary>
    public static List<string> ReproducibleMetrics(RunDirectory run) =>
        MetricsLog.Read(run.MetricsPath).Select(line =>
        {
            foreach (string key in line.Select(kv => kv.Key).Where(MetricsLog.IsTimingKey).ToList()) line.Remove(key);
            return line.ToJsonString();
        }).ToList();

    /// <summary>Cancels a token once training reaches a given step, as Ctrl-C would.</summary>
    public sealed class StopAtStep(long step, CancellationTokenSource source) : IRunEvents
    {
        public void Report(RunEvent runEvent)
        {
            if (runEvent is RunProgress progress && progress.Done >= step) source.Cancel();
        }
    }
}
