using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class TanhRnnCellTests
{
    const int Batch = 3, Inputs = 5, Hidden = 4;

    [Fact]
    public void Output_and_state_are_batch_by_hidden_and_the_output_is_the_new_h()
    {
        using var scope = NewDisposeScope();
        var cell = new TanhRnnCell(Inputs, Hidden, seed: 1);
        var (output, state) = cell.call(Randn(2, Batch, Inputs), null);
        Shape(output, Batch, Hidden);
        Shape(state.H, Batch, Hidden);
        Assert.Same(output, state.H);
    }

    [Fact]
    public void A_step_is_tanh_of_the_affine_maps_of_input_and_state_computed_element_by_element()
    {
        using var scope = NewDisposeScope();
        var cell = new TanhRnnCell(Inputs, Hidden, seed: 3);
        Tensor x = Randn(4, Batch, Inputs), h = Randn(5, Batch, Hidden);
        var (output, _) = cell.call(x, new TanhRnnState(h));

        // h'_bj = tanh(Σ_k W_ih[j,k] x_bk + b_ih[j] + Σ_k W_hh[j,k] h_bk + b_hh[j]), summed in double, one element at a time.
        double[] wIh = cell.weight_ih.to(ScalarType.Float64).data<double>().ToArray();
        double[] wHh = cell.weight_hh.to(ScalarType.Float64).data<double>().ToArray();
        double[] bIh = cell.bias_ih.to(ScalarType.Float64).data<double>().ToArray();
        double[] bHh = cell.bias_hh.to(ScalarType.Float64).data<double>().ToArray();
        double[] xs = x.to(ScalarType.Float64).data<double>().ToArray();
        double[] hs = h.to(ScalarType.Float64).data<double>().ToArray();
        var expected = new double[Batch * Hidden];
        for (int b = 0; b < Batch; b++)
            for (int j = 0; j < Hidden; j++)
            {
                double sum = bIh[j] + bHh[j];
                for (int k = 0; k < Inputs; k++) sum += wIh[j * Inputs + k] * xs[b * Inputs + k];
                for (int k = 0; k < Hidden; k++) sum += wHh[j * Hidden + k] * hs[b * Hidden + k];
                expected[b * Hidden + j] = Math.Tanh(sum);
            }
        Close(tensor(expected).reshape(Batch, Hidden), output, 1e-6);
    }

    [Fact]
    public void Two_steps_match_torch_RNNCell_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        var cell = new TanhRnnCell(Inputs, Hidden, seed: 3);
        var reference = nn.RNNCell(Inputs, Hidden);
        using (no_grad())
        {
            reference.weight_ih!.copy_(cell.weight_ih);
            reference.weight_hh!.copy_(cell.weight_hh);
            reference.bias_ih!.copy_(cell.bias_ih);
            reference.bias_hh!.copy_(cell.bias_hh);
        }
        Tensor x1 = Randn(4, Batch, Inputs), x2 = Randn(5, Batch, Inputs);
        var (h1, state1) = cell.call(x1, null);
        var (h2, _) = cell.call(x2, state1);
        Tensor referenceH1 = reference.call(x1, null!);
        Close(referenceH1, h1, 1e-5);
        Close(reference.call(x2, referenceH1), h2, 1e-5);
    }

    [Fact]
    public void A_state_from_another_batch_size_is_refused_instead_of_broadcast()
    {
        using var scope = NewDisposeScope();
        var cell = new TanhRnnCell(Inputs, Hidden, seed: 1);
        Assert.Throws<ArgumentException>(() => cell.call(Randn(2, Batch, Inputs), new TanhRnnState(zeros(1, Hidden))));
    }
}
