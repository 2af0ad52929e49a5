using Resonance.Analysis;
using Resonance.Models;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>The finder end to end on untrained models of the registry, through their <see cref="IRecurrentDynamics"/>.</summary>
public class ModelFixedPointTests
{
    static readonly ModelShape Shape = new(5, 3, 4, TaskKind.Classification);

    public static TheoryData<string, object> Models => new()
    {
        { "rnn", new RecurrentBaselineOptions { Hidden = 8 } },
        { "resonator", new EmergentResonatorOptions { Hidden = 8 } },
        { "temporal-averaging", new TemporalAveragingOptions { Hidden = 8, Feedback = true } },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_search_runs_through_the_dynamics_and_every_point_is_fixed_or_reported_slow(string type, object modelOptions)
    {
        using var scope = NewDisposeScope();
        Assert.True(ModelCatalog.CreateDefault().TryGet(type, out var entry));
        var model = entry.Create(modelOptions, Shape, 3);
        var dynamics = model.Dynamics!;
        using var generator = RandomStreams.Generator(4);
        Tensor state = dynamics.InitialState(16, CPU);                                          // (16, S)
        var visited = new List<Tensor>();
        using (no_grad())
            for (int t = 0; t < 4; t++)
            {
                state = dynamics.Step(state, randn([16, dynamics.InputSize], generator: generator));
                visited.Add(state);
            }
        var options = new FixedPointOptions { MaxIterations = 300, NoiseScale = 0.01, Seed = 6 };

        var result = FixedPointFinder.Find(dynamics, cat(visited, 0), input: null, options);

        Assert.NotEmpty(result.Points);
        Assert.Equal(64, result.InitialStates + result.ExcludedInitialStates);
        foreach (var point in result.Points)
        {
            Assert.True(double.IsFinite(point.Q));
            Assert.Equal(point.Q >= options.TolQ, point.IsSlow);
            Assert.Equal(dynamics.StateSize, point.State.Length);
            Assert.Equal(dynamics.StateSize, point.Eigenvalues.Length);
        }
    }
}
