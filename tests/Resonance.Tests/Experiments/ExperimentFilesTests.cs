using Resonance.Data;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Training;

namespace Resonance.Tests.Experiments;

/// <summary>Every training experiment in experiments/ runs end to end in a tiny form, so none of them rots.</summary>
public class ExperimentFilesTests
{
    public static TheoryData<string> TrainingExperiments()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments"), "*.yaml").Order())
            if (IsTrainingExperiment(file)) data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>Training experiments have a model section; other studies (sparks) have their own runners and tests.</summary>
    internal static bool IsTrainingExperiment(string file) =>
        ConfigDocument.Load(file).Root.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("model"));

    [Theory]
    [MemberData(nameof(TrainingExperiments))]
    public void Runs_in_a_tiny_form(string fileName)
    {
        string file = Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", fileName);
        var experiment = ExperimentRunner.Prepare(ConfigDocument.Load(file),
            ["training.epochs=1", "data.train_limit=48", "data.test_limit=32", "data.validation=16", "data.samples=48",
             "training.batch_size=16", "training.target_accuracy=~", "training.eval_batch_size=64"],
            null, ModelCatalog.CreateDefault(), Path.GetFileNameWithoutExtension(file));
        using var folder = new TempFolder();
        var run = new RunDirectory(Path.Combine(folder.Path, "run"));

        var result = ExperimentRunner.Start(experiment, run, TorchSharp.torch.CPU, DataCache.FromEnvironment(), NullTrainingObserver.Instance, CancellationToken.None);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.True(File.Exists(run.SummaryPath));
        Assert.True(result.Summary.ContainsKey("test_loss"));
    }
}
