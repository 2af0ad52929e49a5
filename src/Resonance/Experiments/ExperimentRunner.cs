using Resonance.Data;
using Resonance.Models;
using Resonance.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Experiments;

/// <summary>
/// Turns an experiment into a run: resolves the config, writes the run directory, builds data and model,
/// trains, and writes the plots. <c>resonance run</c> and the studio both go through here.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Applies <c>--set</c> overrides and <c>--seed</c> to a copy of <paramref name="document"/> and validates it.</summary>
    /// <exception cref="UserInputException">Any mistake in the file or the overrides.</exception>
    public static Experiment Prepare(ConfigDocument document, IEnumerable<string> overrides, long? seed, ModelRegistry registry, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return Experiment.From(copy, registry, defaultName);
    }

    /// <summary>Starts a new run of <paramref name="experiment"/> in <paramref name="run"/>.</summary>
    public static TrainingResult Start(Experiment experiment, RunDirectory run, Device device, DataCache cache, ITrainingObserver observer, CancellationToken stop)
    {
        if (run.Exists)
            throw new UserInputException($"{run.Path} already holds a run; choose another --out, or continue it with resonance run --resume {run.Path}");
        run.Create();
        AtomicFile.WriteAllText(run.ConfigPath, experiment.Resolved().ToYaml());
        return Train(experiment, run, device, cache, observer, resume: false, stop);
    }

    /// <summary>Continues the run in <paramref name="run"/> from its last checkpoint, with the config it was started with.</summary>
    public static TrainingResult Resume(RunDirectory run, ModelRegistry registry, Device device, DataCache cache, ITrainingObserver observer, CancellationToken stop)
    {
        if (!run.Exists)
            throw new UserInputException($"{run.Path}: not a run directory (no config.yaml); give a folder that resonance run created.");
        var experiment = Experiment.From(ConfigDocument.Load(run.ConfigPath), registry, run.Name);
        if (!File.Exists(run.LastCheckpointPath))
            throw new UserInputException($"{run.Path}: no checkpoint yet (it stopped before its first one); start it again with resonance run.");
        return Train(experiment, run, device, cache, observer, resume: true, stop);
    }

    static TrainingResult Train(Experiment experiment, RunDirectory run, Device device, DataCache cache, ITrainingObserver observer, bool resume, CancellationToken stop)
    {
        using var data = ExperimentData.Create(experiment.Data, experiment.Seed, device, cache, new NoteProgress(observer));
        using var model = experiment.Model.Create(experiment.ModelOptions, data.Shape, experiment.Seed);
        model.to(device);
        var trainer = new Trainer(model, data, experiment.Training, experiment.Logging, run, observer);
        var result = trainer.Run(resume, stop);
        if (experiment.Logging.Plots)
            RunPlots.Write(run);
        return result;
    }

    /// <summary>Reports data preparation (an MNIST fetch) as observer notes, on the calling thread.</summary>
    sealed class NoteProgress(ITrainingObserver observer) : IProgress<string>
    {
        public void Report(string value) => observer.Note(value);
    }
}
