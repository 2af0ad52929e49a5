using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class LstmCellTests
{
    // Distinct sizes, so that an accidental broadcast changes a shape instead of passing silently.
    const int Batch = 3, Inputs = 5, Hidden = 4;

    [Fact]
    public void Output_and_state_parts_are_batch_by_hidden_and_the_output_is_the_new_h()
    {
        using var scope = NewDisposeScope();
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        var (output, state) = cell.call(Randn(2, Batch, Inputs), null);
        Shape(output, Batch, Hidden);
        Shape(state.H, Batch, Hidden);
        Shape(state.C, Batch, Hidden);
        Assert.Same(output, state.H);
    }

    [Fact]
    public void Parameters_have_pytorch_names_and_shapes()
    {
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        var shapes = cell.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], shapes.Keys);
        Assert.Equal([4L * Hidden, Inputs], shapes["weight_ih"]);
        Assert.Equal([4L * Hidden, Hidden], shapes["weight_hh"]);
        Assert.Equal([4L * Hidden], shapes["bias_ih"]);
        Assert.Equal([4L * Hidden], shapes["bias_hh"]);
    }

    [Fact]
    public void Two_steps_match_torch_LSTMCell_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        var cell = new LstmCell(Inputs, Hidden, seed: 3);
        var reference = nn.LSTMCell(Inputs, Hidden);
        using (no_grad())
        {
            reference.weight_ih!.copy_(cell.weight_ih);
            reference.weight_hh!.copy_(cell.weight_hh);
            reference.bias_ih!.copy_(cell.bias_ih);
            reference.bias_hh!.copy_(cell.bias_hh);
        }
        Tensor x1 = Randn(4, Batch, Inputs), x2 = Randn(5, Batch, Inputs);
        var (h1, state1) = cell.call(x1, null);
        var (referenceH1, referenceC1) = reference.call(x1, (zeros(Batch, Hidden), zeros(Batch, Hidden))); // TorchSharp 0.107 cannot take a null state here
        var (h2, state2) = cell.call(x2, state1);
        var (referenceH2, referenceC2) = reference.call(x2, (referenceH1, referenceC1));
        Close(referenceH1, h1, 1e-5);
        Close(referenceC1, state1.C, 1e-5);
        Close(referenceH2, h2, 1e-5);
        Close(referenceC2, state2.C, 1e-5);
    }

    [Fact]
    public void A_null_state_is_the_zero_state()
    {
        using var scope = NewDisposeScope();
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        Tensor x = Randn(2, Batch, Inputs);
        var (fromNull, _) = cell.call(x, null);
        var (fromZeros, _) = cell.call(x, new LstmState(zeros(Batch, Hidden), zeros(Batch, Hidden)));
        Close(fromZeros, fromNull, 0);
    }

    [Fact]
    public void Flatten_is_h_then_c_and_Unflatten_inverts_it()
    {
        using var scope = NewDisposeScope();
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        var state = new LstmState(Randn(6, Batch, Hidden), Randn(7, Batch, Hidden));
        Tensor flat = cell.Flatten(state);
        Shape(flat, Batch, 2 * Hidden);
        Close(state.H, flat[.., ..Hidden], 0);
        Close(state.C, flat[.., Hidden..], 0);
        var back = cell.Unflatten(flat);
        Close(state.H, back.H, 0);
        Close(state.C, back.C, 0);
    }

    [Fact]
    public void A_state_from_another_batch_size_is_refused_instead_of_broadcast()
    {
        using var scope = NewDisposeScope();
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        var state = new LstmState(zeros(1, Hidden), zeros(1, Hidden));
        Assert.Throws<ArgumentException>(() => cell.call(Randn(2, Batch, Inputs), state));
        Assert.Throws<ArgumentException>(() => cell.call(Randn(2, Batch, Inputs + 1), null));
    }

    [Fact]
    public void Moving_to_double_replaces_every_parameter()
    {
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        cell.to(ScalarType.Float64);
        Assert.Equal(4, cell.parameters().Count());
        Assert.All(cell.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(ScalarType.Float64, cell.weight_hh.dtype);
    }

    [Fact]
    public void Multiply_adds_per_step_are_inputs_plus_hidden_times_four_hidden()
    {
        var cell = new LstmCell(Inputs, Hidden, seed: 1);
        Assert.Equal((Inputs + Hidden) * 4L * Hidden, cell.MultiplyAddsPerStep);
    }
}
