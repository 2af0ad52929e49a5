using Resonance.Models;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class ModelCatalogTests
{
    const int Batch = 3, Steps = 4, Inputs = 5, Outputs = 7;

    public static TheoryData<string> Types() => [.. ModelCatalog.CreateDefault().Entries.Select(entry => entry.Type)];

    static ModelEntry Entry(string type)
    {
        Assert.True(ModelCatalog.CreateDefault().TryGet(type, out var entry));
        return entry;
    }

    // Small options for every entry: hidden 6 and two layers (the resonator with a low threshold, so that its neurons spike).
    static object SmallOptions(ModelEntry entry) => Activator.CreateInstance(entry.OptionsType) switch
    {
        RecurrentBaselineOptions baseline => baseline with { Hidden = 6, Layers = 2 },
        EmergentResonatorOptions resonator => resonator with { Hidden = 6, Layers = 2, InitialThreshold = 0.05, Refractory = 0.1 },
        TemporalAveragingOptions temporal => temporal with { Hidden = 6, Layers = 2, Iterations = 3, Feedback = true },
        MlpOptions mlp => mlp with { Hidden = 6, Layers = 2 },
        var other => other!,
    };

    // Per-neuron constants (the resonator's leak, threshold, reset and refractory: *_raw) start at configured values, the
    // same for every seed and neuron; the draw-based checks are about weights and biases.
    static bool Drawn(string name) => !name.EndsWith("_raw", StringComparison.Ordinal);

    // Models that classify whole inputs and refuse regression data, saying so.
    static readonly string[] ClassificationOnly = ["temporal-averaging"];

    static bool Identical(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    static SequenceModel Build(string type, TaskKind task, long seed)
    {
        var entry = Entry(type);
        return entry.Create(SmallOptions(entry), new ModelShape(Inputs, Outputs, Steps, task), seed);
    }

    [Fact]
    public void The_default_catalogue_holds_the_baselines()
    {
        Assert.Equal(["gru", "gru-fused", "lstm", "lstm-fused", "mlp", "resonator", "rnn", "temporal-averaging"], ModelCatalog.CreateDefault().Entries.Select(e => e.Type).Order(StringComparer.Ordinal));
    }

    [Theory, MemberData(nameof(Types))]
    public void Options_have_a_parameterless_constructor_and_a_description(string type)
    {
        var entry = Entry(type);
        Assert.NotNull(Activator.CreateInstance(entry.OptionsType));
        Assert.False(string.IsNullOrWhiteSpace(entry.Description));
    }

    [Theory, MemberData(nameof(Types))]
    public void Classification_gives_batch_by_classes_and_regression_batch_by_steps_by_outputs_or_a_clear_refusal(string type)
    {
        using var scope = NewDisposeScope();
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Shape(Build(type, TaskKind.Classification, seed: 1).call(input), Batch, Outputs);
        if (ClassificationOnly.Contains(type))
            Assert.Contains("regression", Assert.Throws<UserInputException>(() => Build(type, TaskKind.Regression, seed: 1)).Message);
        else
            Shape(Build(type, TaskKind.Regression, seed: 1).call(input), Batch, Steps, Outputs);
    }

    [Theory, MemberData(nameof(Types))]
    public void A_gradient_reaches_every_parameter(string type)
    {
        using var scope = NewDisposeScope();
        var model = Build(type, TaskKind.Classification, seed: 1);
        model.call(Randn(1, Batch, Steps, Inputs)).square().sum().backward();
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.True(parameter.grad is not null, $"{name} has no gradient");
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"{name}'s gradient is zero");
        }
    }

    [Theory, MemberData(nameof(Types))]
    public void The_same_seed_gives_the_same_weights_whatever_the_global_generator(string type)
    {
        manual_seed(1);
        var first = Build(type, TaskKind.Classification, seed: 42);
        manual_seed(2);
        var second = Build(type, TaskKind.Classification, seed: 42);
        var secondByName = second.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in first.named_parameters())
            Assert.True(Identical(parameter, secondByName[name]), $"{name} differs");
    }

    [Theory, MemberData(nameof(Types))]
    public void Different_seeds_give_different_weights_and_every_parameter_its_own_stream(string type)
    {
        var first = Build(type, TaskKind.Classification, seed: 42);
        var other = Build(type, TaskKind.Classification, seed: 43).named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var parameters = first.named_parameters().Where(p => Drawn(p.name)).ToList();
        foreach (var (name, parameter) in parameters)
            Assert.False(Identical(parameter, other[name]), $"{name} is the same under seeds 42 and 43");
        // Parameters of the same shape in one model are not copies of one stream.
        foreach (var group in parameters.GroupBy(p => string.Join("x", p.parameter.shape)))
        {
            var members = group.ToList();
            for (int i = 0; i < members.Count; i++)
                for (int j = i + 1; j < members.Count; j++)
                    Assert.False(Identical(members[i].parameter, members[j].parameter), $"{members[i].name} equals {members[j].name}");
        }
    }

    [Theory, MemberData(nameof(Types))]
    public void Weights_lie_within_one_over_root_hidden(string type)
    {
        var model = Build(type, TaskKind.Classification, seed: 7);
        double bound = 1 / Math.Sqrt(6);
        foreach (var (name, parameter) in model.named_parameters().Where(p => Drawn(p.name)))
            Assert.True(parameter.abs().max().item<float>() <= bound, $"{name} exceeds U(-1/sqrt(H), 1/sqrt(H))");
    }
}
