using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class EmergentResonatorTests
{
    const int Batch = 3, Steps = 5, Inputs = 4, Hidden = 6, Classes = 7;

    static readonly ModelShape Shape = new(Inputs, Classes, Steps, TaskKind.Classification);

    static EmergentResonator Model(EmergentResonatorOptions? options = null, long seed = 5) =>
        new((options ?? new EmergentResonatorOptions()) with { Hidden = Hidden }, Shape, seed);

    /// <summary>The top layer's output after the sequence and <paramref name="reasoningSteps"/> steps of the autonomous map, by hand.</summary>
    static Tensor FinalOutputByHand(EmergentResonator model, Tensor input, int reasoningSteps)
    {
        var dynamics = model.Dynamics;
        Tensor flat = dynamics.InitialState(Batch, CPU);
        for (int t = 0; t < Steps; t++) flat = dynamics.Step(flat, input[.., t, ..]);
        for (int r = 0; r < reasoningSteps; r++) flat = dynamics.Step(flat, null);
        var top = model.Layers[^1];
        int offset = dynamics.StateSize - top.StateSize;
        return top.Unflatten(flat.narrow(1, offset, top.StateSize)).Y;
    }

    static Tensor Readout(EmergentResonator model, Tensor features)
    {
        var readout = (TorchSharp.Modules.Linear)model.named_children().Single(c => c.name == "readout").module;
        return readout.call(features);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(2, 2)]
    public void Logits_are_the_readout_after_the_sequence_and_exactly_the_reasoning_steps_of_pure_recurrence(int reasoningSteps, int layers)
    {
        using var scope = NewDisposeScope();
        var model = Model(new EmergentResonatorOptions { ReasoningSteps = reasoningSteps, Layers = layers, Refractory = 0.1, InitialThreshold = 0.3 });
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Tensor logits = model.call(input);
        Shape(logits, Batch, Classes);
        Close(Readout(model, FinalOutputByHand(model, input, reasoningSteps)), logits, 1e-5);
        // one step more or less is a different answer
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Close(Readout(model, FinalOutputByHand(model, input, reasoningSteps + 1)), logits, 1e-5));
    }

    [Fact]
    public void Mean_readout_averages_the_top_outputs_over_the_reasoning_steps()
    {
        using var scope = NewDisposeScope();
        var model = Model(new EmergentResonatorOptions { ReasoningSteps = 3, Readout = ReadoutKind.Mean });
        Tensor input = Randn(2, Batch, Steps, Inputs);
        Tensor mean = (FinalOutputByHand(model, input, 1) + FinalOutputByHand(model, input, 2) + FinalOutputByHand(model, input, 3)) / 3;
        Close(Readout(model, mean), model.call(input), 1e-5);
    }

    [Fact]
    public void Spike_count_readout_sees_the_top_layer_firing_rate_over_all_steps()
    {
        using var scope = NewDisposeScope();
        var model = Model(new EmergentResonatorOptions { ReasoningSteps = 2, Readout = ReadoutKind.SpikeCount, InitialThreshold = 0.2 });
        Tensor input = Randn(3, Batch, Steps, Inputs);
        var dynamics = model.Dynamics;
        var cell = model.Layers[0];
        Tensor flat = dynamics.InitialState(Batch, CPU), count = zeros(Batch, Hidden);
        for (int t = 0; t < Steps + 2; t++)
        {
            flat = dynamics.Step(flat, t < Steps ? input[.., t, ..] : null);
            count = count + cell.Unflatten(flat).S;
        }
        Close(Readout(model, count / (Steps + 2)), model.call(input), 1e-5);
    }

    /// <summary>Recorded before the layer loop was shared with <see cref="RecurrentSequenceModel{TCell, TState}"/>: 40 steps
    /// (two projection blocks), two layers, seed 9; on one machine the numbers are bit-identical, the tolerance allows for
    /// another BLAS.</summary>
    [Fact]
    public void Outputs_for_a_fixed_seed_are_the_recorded_golden_values()
    {
        using var scope = NewDisposeScope();
        var shape = new ModelShape(Inputs, 3, 40, TaskKind.Classification);
        Tensor input = Randn(4, 2, 40, Inputs);
        var spiking = new EmergentResonator(new EmergentResonatorOptions
            { Hidden = 6, Layers = 2, ReasoningSteps = 2, Readout = ReadoutKind.SpikeCount, InitialThreshold = 0.2, Refractory = 0.1 }, shape, seed: 9);
        var final = new EmergentResonator(new EmergentResonatorOptions { Hidden = 6, Layers = 2, ReasoningSteps = 3 }, shape, seed: 9);
        var regression = new EmergentResonator(new EmergentResonatorOptions { Hidden = 6, ReasoningSteps = 0 }, shape with { Task = TaskKind.Regression, OutputSize = 2 }, seed: 9);

        Close(tensor(new[] { -0.04148522f, -0.5185703f, 0.18276268f, 0.004837021f, -0.52664196f, 0.17305875f }).reshape(2, 3), spiking.call(input), 1e-6);
        Close(tensor(new[] { -0.3625623f, -0.3389472f, -0.15794605f, 0.10894057f, -0.66637146f, -0.025191933f }).reshape(2, 3), final.call(input), 1e-6);
        Close(tensor(new[] { -0.2997265f, -0.68528986f, 0.13965432f, -1.0689203f }).reshape(2, 2), regression.call(input)[.., -1, ..], 1e-6);
        float[] firing = spiking.Diagnose(input).Where(d => d.Name.EndsWith("firing_rate")).SelectMany(d => d.Values).ToArray();
        Close(tensor(new[] { 0.7380952f, 0.88095236f, 0.89285713f, 0.3690476f, 0.04761905f, 0.96428573f,
            0.5714286f, 0.85714287f, 0.035714287f, 0.0952381f, 0.1904762f, 0.77380955f }), tensor(firing), 1e-6);
    }

    [Fact]
    public void A_curriculum_sets_the_reasoning_steps_from_the_epoch_alone()
    {
        var model = Model(new EmergentResonatorOptions
        {
            ReasoningSteps = 1,
            Curriculum = [new() { Epoch = 0, ReasoningSteps = 1 }, new() { Epoch = 2, ReasoningSteps = 2 }, new() { Epoch = 4, ReasoningSteps = 8 }],
        });
        int[] expected = [1, 1, 2, 2, 8, 8];
        foreach (int epoch in new[] { 5, 0, 3, 1, 4, 2 }) // any order: the setting depends on the epoch only
        {
            var settings = model.BeginEpoch(epoch);
            Assert.Equal(expected[epoch], model.ReasoningSteps);
            Assert.Equal(expected[epoch], settings["reasoning_steps"]);
        }
    }

    [Fact]
    public void Diagnostics_report_firing_rates_and_the_learned_neuron_parameters_per_layer()
    {
        using var scope = NewDisposeScope();
        var model = Model(new EmergentResonatorOptions { Layers = 2, ReasoningSteps = 2, InitialThreshold = 0.2, InitialLeak = 0.8, Refractory = 0.1 });
        Tensor input = Randn(3, Batch, Steps, Inputs);
        var figures = model.Diagnose(input).ToDictionary(f => f.Name);
        Assert.Equal(["layer0/firing_rate", "layer0/threshold", "layer0/leak", "layer0/reset_scale", "layer0/refractory",
                      "layer1/firing_rate", "layer1/threshold", "layer1/leak", "layer1/reset_scale", "layer1/refractory"], figures.Keys);
        Assert.All(figures.Values, f => Assert.Equal(Hidden, f.Values.Length));
        Assert.Equal(0.8, figures["layer1/leak"].Mean, 1e-6);
        Assert.Equal(0.2, figures["layer0/threshold"].Mean, 1e-6);

        // firing rate = spikes per neuron per step, over the batch and all steps
        var dynamics = model.Dynamics;
        var top = model.Layers[1];
        Tensor flat = dynamics.InitialState(Batch, CPU), count = zeros(Batch, Hidden);
        for (int t = 0; t < Steps + 2; t++)
        {
            flat = dynamics.Step(flat, t < Steps ? input[.., t, ..] : null);
            count = count + top.Unflatten(flat.narrow(1, model.Layers[0].StateSize, top.StateSize)).S;
        }
        float[] expected = (count.sum(0L) / (Batch * (Steps + 2))).data<float>().ToArray();
        Assert.Equal(expected, figures["layer1/firing_rate"].Values);
    }

    [Fact]
    public void Mean_readout_without_reasoning_steps_is_refused_with_the_keys_named()
    {
        var error = Assert.Throws<UserInputException>(() => Model(new EmergentResonatorOptions { ReasoningSteps = 0, Readout = ReadoutKind.Mean }));
        Assert.Contains("model.readout", error.Message);
        var order = Assert.Throws<UserInputException>(() => Model(new EmergentResonatorOptions
            { Curriculum = [new() { Epoch = 3, ReasoningSteps = 1 }, new() { Epoch = 1, ReasoningSteps = 2 }] }));
        Assert.Contains("model.curriculum[1].epoch", order.Message);
    }

    [Fact]
    public void Training_steps_reduce_the_loss_on_a_fixed_batch()
    {
        using var scope = NewDisposeScope();
        var model = Model(new EmergentResonatorOptions { ReasoningSteps = 2 });
        Tensor input = Randn(8, 16, Steps, Inputs);
        Tensor labels = arange(16, dtype: ScalarType.Int64) % Classes;
        var optimizer = optim.Adam(model.parameters(), lr: 0.02);
        double first = 0, last = 0;
        for (int i = 0; i < 60; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.call(input), labels);
            loss.backward();
            optimizer.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss went from {first:F3} to {last:F3}");
    }
}
