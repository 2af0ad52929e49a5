using Resonance.Models;
using TorchSharp;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

public class PulseTgauCellTests
{
    const int Batch = 3, Inputs = 5, Hidden = 4;

    static PulseTgauCell Cell(PulseTgauOptions? options = null, long seed = 1) => new(Inputs, Hidden, seed, options);

    /// <summary>A random state: membrane and output scaled by <paramref name="scale"/>, spikes on about half the neurons.</summary>
    static PulseTgauState State(long seed, double scale = 1)
    {
        Tensor s = Randn(seed + 2, Batch, Hidden).gt(0).to_type(ScalarType.Float32);
        return new(Randn(seed, Batch, Hidden) * scale, Randn(seed + 1, Batch, Hidden).tanh() * scale, s);
    }

    [Fact]
    public void Output_and_every_state_part_are_batch_by_hidden_and_the_output_is_the_new_y()
    {
        using var scope = NewDisposeScope();
        var cell = Cell();
        var (output, state) = cell.call(Randn(2, Batch, Inputs), null);
        Shape(output, Batch, Hidden);
        foreach (var part in state.Parts()) Shape(part, Batch, Hidden);
        Assert.Same(output, state.Y);
        Shape(cell.Flatten(state), Batch, cell.StateSize);
        Assert.Equal(3 * Hidden, cell.StateSize);
    }

    [Fact]
    public void A_step_follows_the_documented_equations_with_soft_reset()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { Refractory = 0.3, InitialLeak = 0.7, InitialThreshold = 0.4, InitialResetScale = 0.8 });
        Tensor x = Randn(4, Batch, Inputs);
        var previous = State(5);
        var (y, next) = cell.call(x, previous);

        Tensor gate = (x.matmul(cell.weight_gate!.t()) + cell.bias_gate!).sigmoid();
        Tensor u = gate * (x.matmul(cell.weight_ih.t()) + cell.bias_ih);
        Tensor v = 0.7 * previous.V + previous.Y.matmul(cell.weight_hh.t()) + u - 0.3 * previous.S;
        Tensor s = v.gt(0.4).to_type(ScalarType.Float32);
        Close(s, next.S, 0);
        Close(v.tanh() + s, y, 1e-5);
        Close(v - 0.8 * 0.4 * s, next.V, 1e-5);
    }

    [Fact]
    public void Hard_reset_sets_the_membrane_of_neurons_that_spiked_to_zero_and_keeps_the_others()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { Reset = ResetKind.Hard, InitialThreshold = 0.2 });
        var (_, next) = cell.call(Randn(4, Batch, Inputs), State(5));
        Assert.Null(cell.reset_scale_raw);
        Tensor spiked = next.S.to_type(ScalarType.Bool);
        Assert.True(spiked.any().item<bool>() && spiked.logical_not().any().item<bool>(), "the test needs spiking and silent neurons");
        Assert.Equal(0f, next.V.masked_select(spiked).abs().max().item<float>());
        Assert.True(next.V.masked_select(spiked.logical_not()).abs().min().item<float>() > 0);
    }

    [Fact]
    public void Soft_reset_subtracts_reset_scale_times_threshold_only_where_a_spike_fired()
    {
        using var scope = NewDisposeScope();
        var soft = Cell(new PulseTgauOptions { InitialThreshold = 0.2, InitialResetScale = 1.5 }, seed: 3);
        var hard = Cell(new PulseTgauOptions { InitialThreshold = 0.2, Reset = ResetKind.Hard }, seed: 3);
        Tensor x = Randn(4, Batch, Inputs) * 0.5;
        var previous = State(5, scale: 0.3);
        var (ySoft, afterSoft) = soft.call(x, previous);
        Assert.True(afterSoft.S.sum().item<float>() > 0, "the test needs a spike");
        var (yHard, afterHard) = hard.call(x, previous);
        Close(ySoft, yHard, 1e-6); // the reset acts on the next step's membrane, not on this step's output
        Tensor preReset = ySoft - afterSoft.S;  // tanh(v)
        Tensor v = preReset.atanh();
        Close(v - 1.5 * 0.2 * afterSoft.S, afterSoft.V, 1e-3);
        Close(v * (1 - afterHard.S), afterHard.V, 1e-3);
    }

    [Fact]
    public void The_input_gate_depends_on_the_input_alone()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { InitialLeak = 0.6 });
        Tensor x = Randn(4, Batch, Inputs) * 0.5;
        Tensor expectedDrive = cell.Gate(x) * (x.matmul(cell.weight_ih.t()) + cell.bias_ih);
        foreach (long seed in new long[] { 10, 20, 30 })
        {
            var previous = State(seed, scale: 0.3);
            var (_, next) = cell.call(x, previous);
            Tensor y = next.Y - next.S;
            // v − (λ v⁺ + W_rec y) is the input's share: the same gated drive whatever the state.
            Tensor drive = y.atanh() - 0.6 * previous.V - previous.Y.matmul(cell.weight_hh.t());
            Close(expectedDrive, drive, 1e-4);
        }
    }

    [Fact]
    public void With_the_leak_gate_the_membrane_blends_by_a_leak_that_depends_on_the_input_alone()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { LeakGate = true, Refractory = 0.3, InitialLeak = 0.7, InitialThreshold = 0.4, InitialResetScale = 0.8 });
        Assert.NotNull(cell.weight_leak);
        Assert.Equal(2 * Hidden, cell.ProjectedInputSize);
        Tensor x = Randn(4, Batch, Inputs);
        Tensor leak = (x.matmul(cell.weight_leak!.t()) + cell.leak_raw).sigmoid();              // λ_t: no state in it
        Tensor u = cell.Gate(x) * (x.matmul(cell.weight_ih.t()) + cell.bias_ih);
        foreach (long seed in new long[] { 5, 15, 25 })
        {
            var previous = State(seed);
            var (y, next) = cell.call(x, previous);
            Tensor v = leak * previous.V + (1 - leak) * (previous.Y.matmul(cell.weight_hh.t()) + u) - 0.3 * previous.S;
            Tensor s = v.gt(0.4).to_type(ScalarType.Float32);
            Close(s, next.S, 0);
            Close(v.tanh() + s, y, 1e-5);
            Close(v - 0.8 * 0.4 * s, next.V, 1e-5);
        }
        // With no input (a reasoning step) the leak is the neuron's own λ.
        Tensor none = cell.ProjectInput(zeros(Batch, Inputs));
        Close(zeros(Batch, Hidden), none.narrow(1, Hidden, Hidden), 0);
        Assert.Equal(Inputs * 3 * Hidden + Hidden * Hidden, cell.MultiplyAddsPerStep);
    }

    [Fact]
    public void The_leak_gate_weights_get_gradients_and_the_plain_cell_has_none()
    {
        using var scope = NewDisposeScope();
        var gated = Cell(new PulseTgauOptions { LeakGate = true });
        var (y, _) = gated.call(Randn(4, Batch, Inputs), State(5));
        y.sum().backward();
        Assert.True(gated.weight_leak!.grad!.abs().sum().item<float>() > 0);
        Assert.True(gated.leak_raw.grad!.abs().sum().item<float>() > 0);
        Assert.Null(Cell().weight_leak);
    }

    [Fact]
    public void Without_the_gate_there_are_no_gate_weights_and_the_drive_is_the_affine_map()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { InputGate = false });
        Assert.Null(cell.weight_gate);
        Tensor x = Randn(4, Batch, Inputs);
        Close(x.matmul(cell.weight_ih.t()) + cell.bias_ih, cell.ProjectInput(x), 1e-6);
        Assert.Equal(Inputs * Hidden + Hidden * Hidden, cell.MultiplyAddsPerStep);
    }

    [Fact]
    public void Call_equals_step_projected_of_the_projected_input()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { Refractory = 0.2 });
        Tensor x = Randn(4, Batch, Inputs);
        var previous = State(5);
        var (a, stateA) = cell.call(x, previous);
        var (b, stateB) = cell.StepProjected(cell.ProjectInput(x), previous);
        Close(a, b, 0);
        Close(cell.Flatten(stateA), cell.Flatten(stateB), 0);
        Close(cell.Flatten(stateA), cell.Flatten(cell.Unflatten(cell.Flatten(stateA))), 0);
    }

    [Fact]
    public void Fixed_neurons_have_no_gradient_on_their_leak_threshold_and_reset()
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { TrainableNeuron = false });
        var (y, _) = cell.call(Randn(4, Batch, Inputs), State(5));
        y.sum().backward();
        Assert.False(cell.leak_raw.requires_grad);
        Assert.Null(cell.threshold_raw.grad);
        Assert.NotNull(cell.weight_hh.grad);
    }

    public static TheoryData<SurrogateKind> Surrogates()
    {
        var data = new TheoryData<SurrogateKind>();
        foreach (var entry in SurrogateGradient.All) data.Add(entry.Kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(Surrogates))]
    public void The_spike_is_a_step_forwards_and_its_gradient_is_the_surrogate_derivative(SurrogateKind kind)
    {
        using var scope = NewDisposeScope();
        var surrogate = SurrogateGradient.Of(kind);
        const double slope = 3;
        double[] points = [-1.5, -0.4, -0.1, -0.01, 0.02, 0.15, 0.5, 2];
        Tensor x = tensor(points, dtype: ScalarType.Float64).requires_grad_();
        Tensor spike = surrogate.Spike(x, slope);
        Assert.Equal(points.Select(p => p > 0 ? 1.0 : 0.0).ToArray(), spike.detach().data<double>().ToArray());
        spike.sum().backward();
        double[] gradient = x.grad!.data<double>().ToArray();
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(surrogate.Derivative(points[i], slope), gradient[i], 1e-9);
            // the antiderivative's finite difference agrees with the closed-form derivative
            double h = 1e-6;
            using var plus = surrogate.Antiderivative(tensor(points[i] + h, dtype: ScalarType.Float64), slope);
            using var minus = surrogate.Antiderivative(tensor(points[i] - h, dtype: ScalarType.Float64), slope);
            Assert.Equal(surrogate.Derivative(points[i], slope), (plus.item<double>() - minus.item<double>()) / (2 * h), 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Surrogates))]
    public void Gradients_reach_every_trainable_parameter_through_each_surrogate(SurrogateKind kind)
    {
        using var scope = NewDisposeScope();
        var cell = Cell(new PulseTgauOptions { Surrogate = kind, Refractory = 0.2, InitialThreshold = 0.3 });
        PulseTgauState? state = null;
        Tensor total = zeros(1);
        for (int t = 0; t < 4; t++)
        {
            Tensor y;
            (y, state) = cell.call(Randn(10 + t, Batch, Inputs), state);
            total = total + y.pow(2).sum();
        }
        total.backward();
        foreach (var (name, parameter) in cell.named_parameters())
        {
            Assert.True(parameter.grad is not null, $"{name} has no gradient");
            Assert.True(isfinite(parameter.grad!).all().item<bool>(), $"{name}'s gradient is not finite");
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"{name}'s gradient is zero");
        }
    }

    [Fact]
    public void The_threshold_gradient_flows_only_through_the_surrogate_and_matches_it()
    {
        // One neuron, one step from rest, no recurrence: v = u, s = H(v − θ), y = tanh(v) + s, so dy/dθ = −σ'(v − θ) · dθ/draw.
        using var scope = NewDisposeScope();
        var cell = new PulseTgauCell(1, 1, seed: 2, new PulseTgauOptions { InputGate = false, InitialThreshold = 0.5, Surrogate = SurrogateKind.Arctan, Slope = 2 });
        Tensor x = ones(1, 1);
        var (y, _) = cell.call(x, null);
        y.sum().backward();
        double v = (cell.weight_ih + cell.bias_ih).item<float>();
        double theta = 0.5, rawGradient = 1 / (1 + Math.Exp(-cell.threshold_raw.item<float>())); // d softplus
        double expected = -SurrogateGradient.Of(SurrogateKind.Arctan).Derivative(v - theta, 2) * rawGradient;
        Assert.Equal(expected, cell.threshold_raw.grad!.item<float>(), 1e-5);
    }

    [Fact]
    public void Impossible_options_are_refused_with_the_key_named()
    {
        var error = Assert.Throws<UserInputException>(() => Cell(new PulseTgauOptions { InitialLeak = 1.2 }));
        Assert.Contains("model.initial_leak", error.Message);
        Assert.Contains("model.slope", Assert.Throws<UserInputException>(() => Cell(new PulseTgauOptions { Slope = 0 })).Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_each_weight_has_its_own_stream()
    {
        using var scope = NewDisposeScope();
        var a = Cell(seed: 9);
        var b = Cell(seed: 9);
        var noGate = Cell(new PulseTgauOptions { InputGate = false }, seed: 9);
        Close(a.weight_hh, b.weight_hh, 0);
        Close(a.weight_hh, noGate.weight_hh, 0); // adding the gate weights shifted nothing else
        Close(a.weight_ih, noGate.weight_ih, 0);
    }
}
