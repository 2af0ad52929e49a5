using Resonance.Models;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class StackedCellDynamicsTests
{
    const int Batch = 3, Steps = 4, Inputs = 5, Hidden = 6;
    static readonly ModelShape Shape = new(Inputs, 2, Steps, TaskKind.Classification);
    static RecurrentBaselineOptions TwoLayers => new() { Hidden = Hidden, Layers = 2 };

    [Fact]
    public void LSTM_step_on_the_flat_state_equals_the_cell_steps_on_h_c_per_layer()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.Lstm(TwoLayers, Shape, seed: 2);
        var dynamics = model.Dynamics;
        Assert.Equal(2 * 2 * Hidden, dynamics.StateSize);
        Assert.Equal(Inputs, dynamics.InputSize);

        var s1 = new LstmState(Randn(1, Batch, Hidden), Randn(2, Batch, Hidden));
        var s2 = new LstmState(Randn(3, Batch, Hidden), Randn(4, Batch, Hidden));
        Tensor x = Randn(5, Batch, Inputs);
        Tensor flat = cat([s1.H, s1.C, s2.H, s2.C], 1); // documented order [h¹, c¹, h², c²]

        var (h1, n1) = model.Layers[0].call(x, s1);
        var (_, n2) = model.Layers[1].call(h1, s2);
        Tensor next = dynamics.Step(flat, x);

        Shape(next, Batch, dynamics.StateSize);
        Close(cat([n1.H, n1.C, n2.H, n2.C], 1), next, 1e-6);
    }

    [Fact]
    public void No_input_is_the_zero_input()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.Gru(TwoLayers, Shape, seed: 2);
        Tensor state = Randn(1, Batch, model.Dynamics.StateSize);
        Close(model.Dynamics.Step(state, zeros(Batch, Inputs)), model.Dynamics.Step(state, null), 0);
    }

    [Fact]
    public void Stepping_the_dynamics_from_the_initial_state_reproduces_the_sequence_model()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.TanhRnn(new RecurrentBaselineOptions { Hidden = Hidden }, new ModelShape(Inputs, 2, Steps, TaskKind.Regression), seed: 4);
        Tensor input = Randn(1, Batch, Steps, Inputs);
        Tensor state = model.Dynamics.InitialState(Batch, CPU);
        Shape(state, Batch, Hidden);
        var readout = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Tensor predictions = model.call(input);
        for (int t = 0; t < Steps; t++)
        {
            state = model.Dynamics.Step(state, input[.., t, ..]);
            Close(nn.functional.linear(state, readout["readout.weight"], readout["readout.bias"]), predictions[.., t, ..], 1e-6);
        }
    }

    [Fact]
    public void A_state_of_the_wrong_size_is_refused()
    {
        using var scope = NewDisposeScope();
        var model = RecurrentBaselines.Lstm(TwoLayers, Shape, seed: 2);
        Assert.Throws<ArgumentException>(() => model.Dynamics.Step(zeros(Batch, 2 * Hidden), null));
        Assert.Throws<ArgumentException>(() => model.Dynamics.Step(zeros(Batch, 4 * Hidden), zeros(Batch + 1, Inputs)));
    }

    [Fact]
    public void Fused_models_expose_no_dynamics()
    {
        Assert.Null(RecurrentBaselines.FusedLstm(TwoLayers, Shape, seed: 1).Dynamics);
        Assert.Null(RecurrentBaselines.FusedGru(TwoLayers, Shape, seed: 1).Dynamics);
    }
}
