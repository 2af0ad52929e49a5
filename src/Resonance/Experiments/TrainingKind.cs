using Resonance.Data;
using Resonance.Models;
using Resonance.Runs;
using Resonance.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Experiments;

/// <summary>
/// The training kind of experiment (<c>kind: training</c>, or any file with a <c>model:</c> section): a model trained
/// on a data set by <see cref="Trainer"/>, with checkpoints, exact resume and plots.
/// </summary>
public sealed class TrainingKind(ModelRegistry registry) : IExperimentKind
{
    public string Name => "training";
    public string Description => "train a registered model on a data set (checkpoints, resume, plots)";
    public IReadOnlyList<string> HeadlineKeys { get; } = ["test_accuracy", "test_loss", "epochs_completed", "loss_spikes", "train_time_s"];

    public bool Recognises(ConfigDocument document) => document.Root.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("model"));

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName) =>
        new Prepared(ExperimentRunner.Prepare(document, overrides, seed, registry, defaultName));

    /// <summary>A run of an experiment already bound (code and tests that build one directly).</summary>
    public static IPreparedRun Prepare(Experiment experiment) => new Prepared(experiment);

    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config)
    {
        var experiment = Experiment.From(config, registry, run.Name);
        if (!File.Exists(run.LastCheckpointPath) && !File.Exists(run.BestCheckpointPath))
            throw new UserInputException($"--resume {run.Path}: no checkpoint yet (it stopped before its first one); start it again with resonance run {run.ConfigPath} --out NEW_DIR.");
        return new Prepared(experiment);
    }

    sealed class Prepared(Experiment experiment) : IPreparedRun
    {
        public string Name => experiment.Name;
        public string ResolvedYaml => experiment.Resolved().ToYaml();

        public string Describe(Device device) =>
            $"{experiment.Name}: {experiment.Model.Type} on {DataName(experiment.Data)}, {experiment.Training.Epochs} epochs, seed {experiment.Seed}, " +
            $"device {device.type.ToString().ToLowerInvariant()}, {get_num_threads()} thread(s)";

        /// <summary><c>model.type lstm (hidden 128, layers 1)</c>, for messages about weights that do not fit.</summary>
        static string Describe(Experiment experiment) =>
            $"model.type {experiment.Model.Type} (" + string.Join(", ", ConfigBinder.ToYaml(experiment.ModelOptions).Children
                .Take(4).Select(pair => $"{pair.Key} {pair.Value}")) + ")";

        static string DataName(DataOptions data)
        {
            string dataset = data.Dataset.ToString().ToLowerInvariant();
            return dataset != "mnist" ? dataset : data.View switch
            {
                MnistView.Row => "mnist (row-wise)",
                MnistView.Pixel => "mnist (pixel-wise)",
                _ => "mnist (permuted pixel-wise)",
            };
        }

        public IBuiltRun Build(RunContext context, bool resume)
        {
            ISequenceData data;
            try
            {
                data = ExperimentData.Create(experiment.Data, experiment.Seed, context.Device, context.Cache, new MessageProgress(context.Events));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"data cache {context.Cache.Root}: {e.Message.Split('\n')[0]}; " +
                    $"set {DataCache.HomeVariable} to a writable folder with free space.", e);
            }
            try
            {
                var model = experiment.Model.Create(experiment.ModelOptions, data.Shape, experiment.Seed);
                if (!resume && experiment.Training.InitFrom is { } weights)
                {
                    try { Interop.WeightImport.Load(model, weights, Describe(experiment)); }
                    catch { model.Dispose(); throw; }
                    context.Events.Report(new RunMessage($"weights from {weights} (training.init_from)", MessageLevel.Info));
                }
                model.to(context.Device);
                return new Built(experiment, data, model);
            }
            catch
            {
                data.Dispose();
                throw;
            }
        }
    }

    sealed class Built(Experiment experiment, ISequenceData data, SequenceModel model) : IBuiltRun
    {
        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            var trainer = new Trainer(model, data, experiment.Training, experiment.Logging, run, context.Events);
            var result = trainer.Run(resume, context.Stop);
            if (experiment.Logging.Plots)
                foreach (string plot in RunPlots.Write(run))
                    context.Events.Report(new FigureWritten(plot));
            return new RunOutcome(result.RunStatus, result.Message, result.Summary, Tables(run, result)) { Details = result };
        }

        /// <summary>The summary, then one table per metric of the experiment's <c>reference:</c> figures beside this run's.</summary>
        IReadOnlyList<StudyTable> Tables(RunDirectory run, TrainingResult result)
        {
            var tables = new List<StudyTable>
            {
                new("summary", run.Name, ["figure", "value"], result.Summary.Select(kv => (IReadOnlyList<string>)[kv.Key, SummaryFormat.Format(kv.Key, kv.Value)]).ToList()),
            };
            foreach (var metric in (experiment.References ?? []).GroupBy(figure => figure.Metric))
            {
                result.Summary.TryGetValue(metric.Key, out object? mine);
                var rows = new List<IReadOnlyList<string>>
                {
                    new[] { "this run", mine is null ? "missing" : SummaryFormat.Format(metric.Key, mine),
                        $"{run.Name}, {SummaryFormat.Format("epochs_completed", result.Summary.GetValueOrDefault("epochs_completed"))} epochs, " +
                        SummaryFormat.Format("train_time_s", result.Summary.GetValueOrDefault("train_time_s")) },
                };
                rows.AddRange(metric.Select(figure => (IReadOnlyList<string>)
                    [figure.Name, figure.Value is double value ? SummaryFormat.Format(metric.Key, value) : "missing", figure.Source ?? ""]));
                tables.Add(new StudyTable($"reference-{metric.Key}", $"{metric.Key}: this run and its references", ["", metric.Key, "source"], rows));
            }
            return tables;
        }

        public void Dispose()
        {
            model.Dispose();
            data.Dispose();
        }
    }

    /// <summary>Reports data preparation (an MNIST fetch) as messages, on the calling thread.</summary>
    sealed class MessageProgress(IRunEvents events) : IProgress<string>
    {
        public void Report(string value) => events.Report(new RunMessage(value, MessageLevel.Warning));
    }
}

/// <summary>Binding of a training experiment from a document with overrides.</summary>
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
}
