using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class GruCellTests
{
    const int Batch = 3, Inputs = 5, Hidden = 4;

    [Fact]
    public void Output_and_state_are_batch_by_hidden_and_the_output_is_the_new_h()
    {
        using var scope = NewDisposeScope();
        var cell = new GruCell(Inputs, Hidden, seed: 1);
        var (output, state) = cell.call(Randn(2, Batch, Inputs), null);
        Shape(output, Batch, Hidden);
        Shape(state.H, Batch, Hidden);
        Assert.Same(output, state.H);
    }

    [Fact]
    public void Two_steps_match_torch_GRUCell_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        var cell = new GruCell(Inputs, Hidden, seed: 3);
        var reference = nn.GRUCell(Inputs, Hidden);
        using (no_grad())
        {
            reference.weight_ih!.copy_(cell.weight_ih);
            reference.weight_hh!.copy_(cell.weight_hh);
            reference.bias_ih!.copy_(cell.bias_ih);
            reference.bias_hh!.copy_(cell.bias_hh);
        }
        Tensor x1 = Randn(4, Batch, Inputs), x2 = Randn(5, Batch, Inputs);
        var (h1, state1) = cell.call(x1, null);
        Tensor referenceH1 = reference.call(x1, null!);
        var (h2, _) = cell.call(x2, state1);
        Tensor referenceH2 = reference.call(x2, referenceH1);
        Close(referenceH1, h1, 1e-5);
        Close(referenceH2, h2, 1e-5);
    }

    [Fact]
    public void A_state_from_another_batch_size_is_refused_instead_of_broadcast()
    {
        using var scope = NewDisposeScope();
        var cell = new GruCell(Inputs, Hidden, seed: 1);
        Assert.Throws<ArgumentException>(() => cell.call(Randn(2, Batch, Inputs), new GruState(zeros(1, Hidden))));
    }

    [Fact]
    public void Flatten_is_h_and_Unflatten_inverts_it()
    {
        using var scope = NewDisposeScope();
        var cell = new GruCell(Inputs, Hidden, seed: 1);
        Tensor h = Randn(6, Batch, Hidden);
        Close(h, cell.Flatten(new GruState(h)), 0);
        Close(h, cell.Unflatten(h).H, 0);
        Assert.Equal(Hidden, cell.StateSize);
    }
}
