using Resonance.Models;
using Resonance.Runtime;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class TemporalAveragingNetTests
{
    const int Batch = 5, Steps = 3, Features = 4, Classes = 3, Hidden = 8;
    static readonly ModelShape Shape3 = new(Features, Classes, Steps, TaskKind.Classification);

    static TemporalAveragingOptions Small => new() { Hidden = Hidden, Layers = 2, Iterations = 5 };

    static TemporalAveragingNet Build(TemporalAveragingOptions options, long seed = 1) => new(options, Shape3, seed);

    /// <summary>Intensities in [0, 1], <c>(batch, steps, features)</c>.</summary>
    static Tensor Images(long seed, int batch = Batch)
    {
        using var generator = RandomStreams.Generator(seed);
        return rand([batch, Steps, Features], generator: generator);
    }

    static Tensor FirstLayer(IReadOnlyList<Tensor> trajectory) => stack(trajectory.Select(state => state.narrow(1, 0, Hidden)), 0); // (T, B, H)

    [Fact]
    public void Every_unit_is_exactly_0_or_1_at_every_iteration()
    {
        using var scope = NewDisposeScope();
        var net = Build(Small);
        var trajectory = net.Trajectory(Images(2));

        Assert.Equal(5, trajectory.Count);
        foreach (var state in trajectory)
        {
            Shape(state, Batch, 2 * Hidden);
            Assert.True(state.eq(0).logical_or(state.eq(1)).all().item<bool>());
        }
        Assert.True(stack(trajectory, 0).mean().item<float>() is > 0.05f and < 0.95f, "some units fire, some do not");
    }

    [Theory]
    [InlineData(InputPresentation.Intensity)]
    [InlineData(InputPresentation.Bernoulli)]
    public void The_output_is_the_mean_over_iterations_of_the_readout(InputPresentation evalInput)
    {
        using var scope = NewDisposeScope();
        var net = Build(Small with { EvalInput = evalInput, Feedback = true });
        net.eval();
        Tensor images = Images(3);

        Tensor output = net.call(images);
        var trajectory = net.Trajectory(images);                    // evaluation draws are the same at every call
        Tensor mean = stack(trajectory.Select(net.ReadoutFromState), 0).mean([0L]);

        Close(mean, output, 1e-5);
        Assert.True(trajectory.Zip(trajectory.Skip(1)).Any(pair => !pair.First.SameAs(pair.Second)), "the state changes over the iterations");
    }

    [Fact]
    public void One_iteration_of_the_dynamics_is_the_networks_first_iteration()
    {
        using var scope = NewDisposeScope();
        var net = Build(Small with { Feedback = true });
        net.eval();
        Tensor images = Images(4);
        var dynamics = net.Dynamics;

        Tensor first = net.Trajectory(images)[0];
        Tensor second = net.Trajectory(images)[1];
        Tensor stepped = dynamics.Step(dynamics.InitialState(Batch, CPU), images.reshape(Batch, Steps * Features));

        Assert.Equal(2 * Hidden, dynamics.StateSize);
        Assert.Equal(Steps * Features, dynamics.InputSize);
        Assert.True(first.SameAs(stepped));
        Assert.True(second.SameAs(dynamics.Step(stepped, images.reshape(Batch, Steps * Features))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_top_layers_weights_reach_the_first_layer_only_through_feedback(bool feedback)
    {
        using var scope = NewDisposeScope();
        var options = Small with { Feedback = feedback };
        var net = Build(options);
        var changed = Build(options);
        using (no_grad())
        {
            changed.Layers[1].input_weight.neg_();                 // the top layer now fires on other patterns
            changed.Layers[1].input_bias.neg_();
        }
        net.eval();
        changed.eval();
        Tensor images = Images(5);

        Tensor original = FirstLayer(net.Trajectory(images));
        Tensor altered = FirstLayer(changed.Trajectory(images));

        Assert.True(original[0].SameAs(altered[0]), "the first iteration sees no feedback yet");
        Assert.Equal(!feedback, original.SameAs(altered));
        Assert.Equal(feedback, net.Layers[0].feedback_weight is not null);
        Assert.Null(net.Layers[1].feedback_weight);                 // the top layer has none above it
    }

    static double MeanRate(TemporalAveragingNet net, Tensor images, int layer) =>
        net.Diagnose(images).Single(figure => figure.Name == $"layer{layer}/firing_rate").Mean;

    [Fact]
    public void Homeostasis_drives_each_layers_firing_rate_toward_the_target()
    {
        using var scope = NewDisposeScope();
        const double target = 0.1;
        var net = Build(Small with { HomeostasisRate = 0.2, TargetRate = target, Input = InputPresentation.Intensity });
        Tensor images = Images(6, batch: 32);
        net.eval();
        double[] before = [MeanRate(net, images, 0), MeanRate(net, images, 1)];

        net.train();
        using (no_grad())
            for (int pass = 0; pass < 60; pass++) net.call(images);
        net.eval();
        double[] after = [MeanRate(net, images, 0), MeanRate(net, images, 1)];

        for (int l = 0; l < 2; l++)
        {
            Assert.True(Math.Abs(before[l] - target) > 0.15, $"layer {l} starts away from the target ({before[l]:F3})");
            Assert.True(Math.Abs(after[l] - target) < 0.05, $"layer {l}: rate {before[l]:F3} -> {after[l]:F3}, target {target}");
        }
        Assert.True(net.Layers[0].threshold.abs().sum().item<float>() > 0, "the thresholds moved");
    }

    [Fact]
    public void Without_homeostasis_or_outside_training_the_thresholds_stay_put()
    {
        using var scope = NewDisposeScope();
        var off = Build(Small);
        var evaluating = Build(Small with { HomeostasisRate = 0.2 });
        evaluating.eval();
        Tensor images = Images(7);

        off.call(images);
        evaluating.call(images);

        Assert.Equal(0, off.Layers[0].threshold.abs().sum().item<float>());
        Assert.Equal(0, evaluating.Layers[1].threshold.abs().sum().item<float>());
    }

    [Fact]
    public void Training_passes_draw_fresh_inputs_from_a_counter_saved_with_the_weights_and_evaluation_repeats()
    {
        using var scope = NewDisposeScope();
        var first = Build(Small, seed: 9);
        var second = Build(Small, seed: 9);
        Tensor images = Images(8);

        Tensor a1 = first.call(images), a2 = first.call(images);
        Tensor b1 = second.call(images);

        Assert.True(a1.SameAs(b1), "same seed, same first draw");
        Assert.False(a1.SameAs(a2), "the next training pass draws afresh");
        var buffers = first.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        Assert.Equal(2, buffers["draws"].item<long>());
        Assert.Contains("layers.0.threshold", buffers.Keys);
        first.eval();
        Assert.True(first.call(images).SameAs(first.call(images)));
    }

    [Fact]
    public void One_hot_squared_error_is_summed_over_classes_and_averaged_over_the_batch()
    {
        using var scope = NewDisposeScope();
        var net = Build(Small with { Loss = TemporalLossKind.Mse });
        Tensor output = tensor(new float[,] { { 0.5f, 0f, 0f }, { 0f, 0f, 2f } });
        Tensor labels = tensor(new long[] { 0, 1 });

        // (0.25 + 0 + 0) and (0 + 1 + 4): mean 2.625
        Assert.Equal(2.625, net.Loss(output, labels).item<float>(), 6);
        Assert.Equal(nn.functional.cross_entropy(output, labels).item<float>(), Build(Small).Loss(output, labels).item<float>());
    }

    [Fact]
    public void The_multiply_adds_and_parameter_count_follow_the_layers()
    {
        var options = Small with { Feedback = true };
        var net = Build(options);
        long perIteration = Hidden * (12 + Hidden + Hidden) + Hidden * (Hidden + Hidden);
        Assert.Equal(5 * perIteration + Hidden * Classes, net.ForwardMultiplyAddsPerSample);
        Assert.Equal(options.Parameters(Shape3), net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Regression_data_and_bad_options_are_refused_naming_the_key()
    {
        Assert.Contains("regression", Assert.Throws<UserInputException>(() => new TemporalAveragingNet(Small, Shape3 with { Task = TaskKind.Regression }, 1)).Message);
        Assert.StartsWith("model.iterations:", Assert.Throws<UserInputException>(() => Build(Small with { Iterations = 0 })).Message);
        Assert.StartsWith("model.target_rate:", Assert.Throws<UserInputException>(() => Build(Small with { TargetRate = 1 })).Message);
        Assert.StartsWith("model.homeostasis_rate:", Assert.Throws<UserInputException>(() => Build(Small with { HomeostasisRate = -1 })).Message);
        Assert.StartsWith("model.slope:", Assert.Throws<UserInputException>(() => Build(Small with { Slope = 0 })).Message);
    }
}
