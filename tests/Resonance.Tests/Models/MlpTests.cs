using Resonance.Experiments;
using Resonance.Models;
using Resonance.Tests.Experiments;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class MlpTests
{
    [Fact]
    public void Classification_flattens_the_sequence_and_applies_relu_layers_then_the_readout()
    {
        using var scope = NewDisposeScope();
        var shape = new ModelShape(4, 3, 5, TaskKind.Classification);
        var mlp = new Mlp(new MlpOptions { Hidden = 7, Layers = 2 }, shape, 1);
        Tensor input = Randn(2, 6, 5, 4);
        var weights = mlp.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        Tensor h = input.reshape(6, 20);
        for (int l = 0; l < 2; l++) h = nn.functional.relu(h.matmul(weights[$"hidden.{l}.weight"].t()).add(weights[$"hidden.{l}.bias"]));
        Tensor expected = h.matmul(weights["readout.weight"].t()).add(weights["readout.bias"]);

        Close(expected, mlp.call(input), 1e-5);
        Assert.Equal(new MlpOptions { Hidden = 7, Layers = 2 }.Parameters(shape), mlp.parameters().Sum(p => p.numel()));
        Assert.Equal(20 * 7 + 7 * 7 + 7 * 3, mlp.ForwardMultiplyAddsPerSample);
        Assert.Null(mlp.Dynamics);
    }

    [Fact]
    public void The_mlp_experiment_has_the_temporal_experiments_parameter_count_within_one_percent()
    {
        Experiment Load(string file) => Experiment.From(
            ConfigDocument.Load(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", file)), ModelCatalog.CreateDefault(), "probe");
        var temporal = Load("temporal-mnist.yaml");
        var mlp = Load("mlp-mnist.yaml");
        var shape = temporal.Data.Shape();

        double temporalCount = ((IModelSize)temporal.ModelOptions).Parameters(shape);
        double mlpCount = ((IModelSize)mlp.ModelOptions).Parameters(mlp.Data.Shape());

        Assert.Equal("temporal-averaging", temporal.Model.Type);
        Assert.Equal("mlp", mlp.Model.Type);
        Assert.True(Math.Abs(mlpCount / temporalCount - 1) < 0.01, $"mlp {mlpCount:N0} vs temporal-averaging {temporalCount:N0} parameters");
        Assert.Equal(temporal.Training with { TargetAccuracy = null }, mlp.Training with { TargetAccuracy = null });
    }
}
