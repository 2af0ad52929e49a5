using Resonance.Analysis;
using Resonance.Reconstruction;
using static Resonance.Tests.Models.TensorAssert;
using static Resonance.Tests.Reconstruction.LinearModels;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Models;

[NoCollections]
public class FreeRunTests
{
    [Fact]
    public void A_generated_series_starts_at_the_first_observation_and_follows_the_map()
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 4, HiddenSize = 10 }, seed: 3);
        using var observation = new IdentityObservation(2, 4, seed: 4);
        Tensor first = tensor(new float[] { 0.5f, -1 });
        Tensor generated = FreeRun.Generate(model, observation, first, 6);
        Shape(generated, 6, 2);
        Close(first, generated[0], 0);
        Tensor z = observation.InitialState(first.unsqueeze(0));
        for (int t = 1; t < 6; t++)
        {
            z = model.Step(z);
            Close(z.narrow(1, 0, 2).squeeze(0), generated[t], 1e-6);
        }
        Shape(FreeRun.Generate(model, observation, first.unsqueeze(0).repeat(3, 1), 5), 3, 5, 2);
    }

    [Fact]
    public void The_Lyapunov_exponents_of_a_linear_map_are_the_logs_of_its_diagonal()
    {
        using var scope = NewDisposeScope();
        using var model = Linear([1.2f, 0.5f, 0.1f]);
        var result = FreeRun.LyapunovExponents(model, Randn(1, 2, 3).to(ScalarType.Float64),
            new LyapunovOptions { Exponents = 3, WarmupSteps = 40, Steps = 50, Seed = 2 });
        double[] expected = [Math.Log(1.2f), Math.Log(0.5f), Math.Log(0.1f)];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], result.Exponents[i], 6);
        Assert.Equal(ScalarType.Float32, model.A.dtype);                                         // the float64 run used a copy
    }

    [Fact]
    public void A_float64_copy_has_the_same_map()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 5, PiecewiseLinearUnits = 2 }, seed: 8);
        using var copy = model.CastCopy(ScalarType.Float64);
        Tensor states = Randn(3, 4, 5);
        Assert.Equal(ScalarType.Float64, copy.Step(states.to(ScalarType.Float64)).dtype);
        Close(model.Step(states), copy.Step(states.to(ScalarType.Float64)), 1e-6);
    }
}
