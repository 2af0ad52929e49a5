using Resonance.Data;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Runs;
using Resonance.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>
/// A finished (or stopped) training run opened for analysis: its experiment from <c>config.yaml</c>, the model rebuilt
/// and loaded from its best checkpoint (else its last), and its data. Every way a folder can fail to be one is a
/// <see cref="UserInputException"/> with one line that names the folder and what to do.
/// </summary>
public sealed class AnalysedRun : IDisposable
{
    AnalysedRun(RunDirectory run, Experiment experiment, string checkpoint, TrainerState state, SequenceModel model, ISequenceData data)
    {
        Run = run;
        Experiment = experiment;
        CheckpointPath = checkpoint;
        CheckpointState = state;
        Model = model;
        Data = data;
    }

    /// <summary>The run's folder.</summary>
    public RunDirectory Run { get; }
    /// <summary>The experiment the run was started with.</summary>
    public Experiment Experiment { get; }
    /// <summary>The checkpoint whose weights were loaded.</summary>
    public string CheckpointPath { get; }
    /// <summary>Where training stood when that checkpoint was written.</summary>
    public TrainerState CheckpointState { get; }
    /// <summary>The model with the checkpoint's weights, in evaluation mode.</summary>
    public SequenceModel Model { get; }
    /// <summary>The run's data (its test split is what the analysis reads).</summary>
    public ISequenceData Data { get; }
    /// <summary>The model's step; never null here (models without one are refused when opened).</summary>
    public IRecurrentDynamics Dynamics => Model.Dynamics!;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <param name="path">The run folder.</param>
    /// <param name="device">Where the model and data go.</param>
    /// <param name="cache">The data cache (MNIST).</param>
    /// <param name="warn">Told when the best checkpoint was unusable and the last one is used instead.</param>
    /// <param name="requireDynamics">Refuse a model that exposes no step (a fused one); export, which needs only the weights, passes false.</param>
    /// <param name="purpose">What the caller does with the run, for messages (<c>resonance analyze reads</c>).</param>
    /// <exception cref="UserInputException">Not a folder, not a run, not a training run, no or a damaged checkpoint, or a model
    /// that exposes no step.</exception>
    public static AnalysedRun Open(string path, Device device, DataCache cache, Action<string>? warn = null, bool requireDynamics = true,
        string purpose = "resonance analyze reads")
    {
        var (run, kind, config) = Locate(path);
        if (kind is not TrainingKind)
            throw new UserInputException($"{path}: this is {(kind.Name.Length > 0 && "aeiou".Contains(kind.Name[0]) ? "an" : "a")} {kind.Name} run; {purpose} training runs (a model trained with checkpoints){(purpose == "resonance analyze reads" ? " and classical attractor studies" : "")}, not {kind.Name} runs yet.");
        var registry = ModelCatalog.CreateDefault();
        var experiment = Experiment.From(config, registry, run.Name);
        var candidates = new[] { run.BestCheckpointPath, run.LastCheckpointPath }.Where(File.Exists).ToList();
        if (candidates.Count == 0)
            throw new UserInputException($"{path}: no checkpoint (checkpoints/best.ckpt or last.ckpt); the run stopped before its first one, so there are no trained weights yet.");

        ISequenceData data = ExperimentData.Create(experiment.Data, experiment.Seed, device, cache);
        SequenceModel? model = null;
        try
        {
            model = experiment.Model.Create(experiment.ModelOptions, data.Shape, experiment.Seed);
            if (requireDynamics && model.Dynamics is null)
                throw new UserInputException($"{path}: model.type {experiment.Model.Type} runs inside a fused libtorch kernel whose step cannot be reached, so it has no dynamics to analyse; train its looped twin ({experiment.Model.Type.Replace("-fused", "")}) instead.");
            for (int i = 0; ; i++)
            {
                try
                {
                    var state = Checkpoint.LoadWeights(candidates[i], model);
                    model.to(device);
                    model.eval();
                    return new AnalysedRun(run, experiment, candidates[i], state, model, data);
                }
                catch (UserInputException e) when (i + 1 < candidates.Count)
                {
                    warn?.Invoke($"{Path.GetFileName(candidates[i])} is unusable ({e.Message.Split(';')[0]}); analysing {Path.GetFileName(candidates[i + 1])} instead");
                }
            }
        }
        catch
        {
            model?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>The run folder at <paramref name="path"/>, its kind and its <c>config.yaml</c>.</summary>
    /// <exception cref="UserInputException">Not a folder, or not a run.</exception>
    public static (RunDirectory Run, IExperimentKind Kind, ConfigDocument Config) Locate(string path)
    {
        var run = new RunDirectory(path);
        if (File.Exists(run.Path))
            throw new UserInputException($"{path}: a file, not a run directory; give a folder that resonance run created (resonance runs lists them).");
        if (!Directory.Exists(run.Path))
            throw new UserInputException($"{path}: no such folder; give a run directory that resonance run created (resonance runs lists them).");
        if (!run.Exists)
            throw new UserInputException($"{path}: not a run directory (no config.yaml); give a folder that resonance run created (resonance runs lists them).");
        var (kind, config) = ExperimentKinds.CreateDefault().Detect(run.Guard("read config.yaml", () => ConfigDocument.Load(run.ConfigPath)));
        return (run, kind, config);
    }

    /// <summary>The first <paramref name="count"/> test examples (all when 0 or more than there are): inputs <c>(N, T, F)</c> and targets.</summary>
    public (Tensor Inputs, Tensor Targets) TestExamples(int count)
    {
        var inputs = new List<Tensor>();
        var targets = new List<Tensor>();
        long taken = 0;
        foreach (var batch in Data.Batches(DataSplit.Test, 500))
        {
            if (count > 0 && taken >= count) break;
            long size = count > 0 ? Math.Min(batch.Size, count - taken) : batch.Size;
            inputs.Add(batch.Inputs.narrow(0, 0, size));
            targets.Add(batch.Targets.narrow(0, 0, size));
            taken += size;
        }
        if (taken == 0)
            throw new UserInputException($"{Run.Path}: the run's data has no test examples (data.test_limit?), so there is nothing to analyse it on.");
        return (cat(inputs, 0), cat(targets, 0));
    }

    public void Dispose()
    {
        Model.Dispose();
        Data.Dispose();
    }
}
