using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class RecurrentSequenceModelTests
{
    const int Batch = 3, Steps = 6, Inputs = 5, Hidden = 4, Classes = 7;

    static readonly ModelShape Classification = new(Inputs, Classes, Steps, TaskKind.Classification);
    static readonly ModelShape Regression = new(Inputs, 2, Steps, TaskKind.Regression);

    static RecurrentSequenceModel<LstmCell, LstmState> Lstm(ModelShape shape, int layers = 1, long seed = 11) =>
        RecurrentBaselines.Lstm(new RecurrentBaselineOptions { Hidden = Hidden, Layers = layers }, shape, seed);

    [Fact]
    public void Classification_logits_equal_the_readout_of_the_cell_stepped_by_hand()
    {
        using var scope = NewDisposeScope();
        var model = Lstm(Classification);
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Tensor logits = model.call(input);

        var cell = model.Layers[0];
        LstmState? state = null;
        Tensor h = null!;
        for (int t = 0; t < Steps; t++)
            (h, state) = cell.call(input[.., t, ..], state);
        var readout = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Tensor expected = nn.functional.linear(h, readout["readout.weight"], readout["readout.bias"]);

        Shape(logits, Batch, Classes);
        Close(expected, logits, 1e-6);
    }

    [Fact]
    public void Regression_predictions_are_the_readout_at_every_step()
    {
        using var scope = NewDisposeScope();
        var model = Lstm(Regression);
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Tensor predictions = model.call(input);

        var cell = model.Layers[0];
        var readout = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        LstmState? state = null;
        for (int t = 0; t < Steps; t++)
        {
            (Tensor h, state) = cell.call(input[.., t, ..], state);
            Close(nn.functional.linear(h, readout["readout.weight"], readout["readout.bias"]), predictions[.., t, ..], 1e-6);
        }
        Shape(predictions, Batch, Steps, 2);
    }

    [Fact]
    public void A_second_layer_reads_the_first_layers_outputs_of_the_same_step()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.Gru(new RecurrentBaselineOptions { Hidden = Hidden, Layers = 2 }, Classification, seed: 5);
        Tensor input = Randn(1, Batch, Steps, Inputs);
        GruState? lower = null, upper = null;
        Tensor h = null!;
        for (int t = 0; t < Steps; t++)
        {
            (Tensor x, lower) = model.Layers[0].call(input[.., t, ..], lower);
            (h, upper) = model.Layers[1].call(x, upper);
        }
        var readout = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Close(nn.functional.linear(h, readout["readout.weight"], readout["readout.bias"]), model.call(input), 1e-6);
    }

    [Fact]
    public void A_sequence_longer_than_one_projection_block_equals_the_cells_stepped_by_hand()
    {
        using var scope = NewDisposeScope();
        int steps = 2 * RecurrentSequenceModel<LstmCell, LstmState>.StepsPerProjection + 5; // three blocks, the last one short
        var model = Lstm(new ModelShape(Inputs, 2, steps, TaskKind.Regression), layers: 2);
        Tensor input = Randn(1, Batch, steps, Inputs);
        Tensor predictions = model.call(input);
        var readout = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        LstmState? lower = null, upper = null;
        for (int t = 0; t < steps; t++)
        {
            (Tensor x, lower) = model.Layers[0].call(input[.., t, ..], lower);
            (Tensor h, upper) = model.Layers[1].call(x, upper);
            Close(nn.functional.linear(h, readout["readout.weight"], readout["readout.bias"]), predictions[.., t, ..], 1e-5);
        }
    }

    [Fact]
    public void Two_layer_looped_LSTM_equals_torch_LSTM_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        var looped = Lstm(Classification, layers: 2);
        var fused = RecurrentBaselines.FusedLstm(new RecurrentBaselineOptions { Hidden = Hidden, Layers = 2 }, Classification, seed: 99);
        var source = looped.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var (name, parameter) in fused.named_parameters())
            {
                // recurrent.weight_ih_l1 <- layers.1.weight_ih; readout.* <- readout.*
                string from = name.StartsWith("recurrent.")
                    ? $"layers.{name[^1]}.{name["recurrent.".Length..^3]}"
                    : name;
                parameter.copy_(source[from]);
            }
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Close(fused.call(input), looped.call(input), 1e-5);
    }

    /// <summary>Recorded before the layer loop was shared with <see cref="EmergentResonator"/>: 40 steps (two projection
    /// blocks), two layers, seed 9.</summary>
    [Fact]
    public void Logits_for_a_fixed_seed_are_the_recorded_golden_values()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.Lstm(new RecurrentBaselineOptions { Hidden = 5, Layers = 2 }, new ModelShape(4, 3, 40, TaskKind.Classification), seed: 9);
        Tensor logits = model.call(Randn(4, 2, 40, 4));
        Close(tensor(new[] { 0.2656503f, -0.3074277f, -0.20124601f, 0.2552697f, -0.30753163f, -0.20974757f }).reshape(2, 3), logits, 1e-6);
    }

    [Fact]
    public void Input_of_the_wrong_width_is_refused()
    {
        using var scope = NewDisposeScope();
        var model = Lstm(Classification);
        Assert.Throws<ArgumentException>(() => model.call(Randn(1, Batch, Steps, Inputs + 1)));
        Assert.Throws<ArgumentException>(() => model.call(Randn(1, Batch, Inputs)));
    }

    [Fact]
    public void Gradients_match_central_differences_in_double_precision()
    {
        // Checks that releasing per-step and per-block handles inside the loop's dispose scopes leaves backward
        // intact: the sequence spans two projection blocks.
        using var scope = NewDisposeScope();
        int steps = RecurrentSequenceModel<LstmCell, LstmState>.StepsPerProjection + 3;
        var model = Lstm(Classification with { Steps = steps }, layers: 2);
        model.to(ScalarType.Float64);
        Tensor input = Randn(1, Batch, steps, Inputs).to(ScalarType.Float64);
        Tensor probe = Randn(2, Batch, Classes).to(ScalarType.Float64);
        Tensor Loss() => (model.call(input) * probe).sum();

        Loss().backward();
        const double epsilon = 1e-6;
        foreach (var (name, parameter) in model.named_parameters())
        {
            Tensor flat = parameter.detach().view(-1);
            Tensor gradient = parameter.grad!.view(-1);
            foreach (long index in new long[] { 0, flat.shape[0] / 2, flat.shape[0] - 1 })
            {
                double original = flat[index].item<double>();
                double up, down;
                using (no_grad())
                {
                    flat[index] = original + epsilon;
                    up = Loss().item<double>();
                    flat[index] = original - epsilon;
                    down = Loss().item<double>();
                    flat[index] = original;
                }
                double numeric = (up - down) / (2 * epsilon);
                double analytic = gradient[index].item<double>();
                Assert.True(Math.Abs(numeric - analytic) <= 1e-6 + 1e-5 * Math.Abs(numeric),
                    $"{name}[{index}]: autograd {analytic:G6}, central difference {numeric:G6}");
            }
        }
    }

    [Fact]
    public void Forward_multiply_adds_count_both_layers_every_step_and_the_readout_once()
    {
        var model = Lstm(Classification, layers: 2);
        long firstLayer = (Inputs + Hidden) * 4L * Hidden, secondLayer = (Hidden + Hidden) * 4L * Hidden;
        Assert.Equal((firstLayer + secondLayer) * Steps + Hidden * Classes, model.ForwardMultiplyAddsPerSample);
        var fused = RecurrentBaselines.FusedLstm(new RecurrentBaselineOptions { Hidden = Hidden, Layers = 2 }, Classification, seed: 1);
        Assert.Equal(model.ForwardMultiplyAddsPerSample, fused.ForwardMultiplyAddsPerSample);
    }
}
