using Resonance.Analysis;
using Resonance.Models;
using Resonance.Reconstruction;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Models;

[NoCollections]
public class ShallowPlrnnTests
{
    /// <summary>M = 2, L = 3 with hand-set parameters.</summary>
    static ShallowPlrnn Small(bool clipped)
    {
        var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 2, HiddenSize = 3, Clipped = clipped }, seed: 1);
        using var noGrad = no_grad();
        model.A.copy_(tensor(new float[] { 0.5f, 0.9f }));
        model.W1.copy_(tensor(new float[] { 1, -1, 2, 0.5f, 0, -2 }).reshape(2, 3));
        model.W2.copy_(tensor(new float[] { 1, 0, 0, 1, 1, -1 }).reshape(3, 2));
        model.h1.copy_(tensor(new float[] { 0.1f, -0.2f }));
        model.h2.copy_(tensor(new float[] { -0.5f, 0.25f, 1 }));
        return model;
    }

    [Fact]
    public void A_step_follows_the_shallow_equation_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        using var model = Small(clipped: false);
        // z = (1, 2): W₂z = (1, 2, -1); + h₂ = (0.5, 2.25, 0); relu = (0.5, 2.25, 0)
        // W₁ relu = (0.5 − 2.25 + 0, 0.25 + 0 − 0) = (−1.75, 0.25); A ⊙ z = (0.5, 1.8); + h₁
        Tensor next = model.Step(tensor(new float[] { 1, 2 }).reshape(1, 2));
        Close(tensor(new float[] { 0.5f - 1.75f + 0.1f, 1.8f + 0.25f - 0.2f }).reshape(1, 2), next, 1e-6);
    }

    [Fact]
    public void A_clipped_step_subtracts_relu_of_W2_z()
    {
        using var scope = NewDisposeScope();
        using var model = Small(clipped: true);
        // W₂z = (1, 2, −1); relu(W₂z + h₂) − relu(W₂z) = (0.5 − 1, 2.25 − 2, 0 − 0) = (−0.5, 0.25, 0)
        // W₁ (…) = (−0.5 − 0.25, −0.25) = (−0.75, −0.25)
        Tensor next = model.Step(tensor(new float[] { 1, 2 }).reshape(1, 2));
        Close(tensor(new float[] { 0.5f - 0.75f + 0.1f, 1.8f - 0.25f - 0.2f }).reshape(1, 2), next, 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_closed_form_Jacobian_equals_autograd(bool clipped)
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 4, HiddenSize = 16, Clipped = clipped }, seed: 3);
        Tensor states = Randn(4, 8, 4);
        var (autograd, value) = Jacobians.Compute(model.Step, states);
        Close(autograd, model.Jacobian(states), 1e-5);
        Close(model.Step(states).detach(), value, 1e-6);
    }

    [Fact]
    public void As_recurrent_dynamics_the_step_is_the_forward_and_takes_no_input()
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 10 }, seed: 2);
        IRecurrentDynamics dynamics = model;
        Tensor state = Randn(5, 6, 3);
        Assert.Equal(3, dynamics.StateSize);
        Assert.Equal(0, dynamics.InputSize);
        Shape(dynamics.InitialState(6, CPU), 6, 3);
        Close(model.forward(state), dynamics.Step(state, null), 0);
        Assert.Throws<ArgumentException>(() => dynamics.Step(state, ones(6, 1)));
    }

    [Fact]
    public void Initialisation_follows_the_repository_and_the_seed()
    {
        using var scope = NewDisposeScope();
        var options = new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 50 };
        using var model = new ShallowPlrnn(options, seed: 7);
        using var again = new ShallowPlrnn(options, seed: 7);
        using var clipped = new ShallowPlrnn(options with { Clipped = true }, seed: 7);
        // A: diagonal of a positive-definite matrix with largest eigenvalue 1, so 0 < A_i ≤ 1.
        Assert.True(model.A.min().item<float>() > 0 && model.A.max().item<float>() <= 1 + 1e-6);
        Assert.Equal(0, model.h1.abs().sum().item<float>());
        Assert.Equal(0, model.h2.abs().sum().item<float>());
        Assert.True(clipped.h2.abs().sum().item<float>() > 0);
        Assert.True(clipped.h2.abs().max().item<float>() <= 1 / Math.Sqrt(50));
        Assert.True(model.W1.abs().max().item<float>() <= 1 / Math.Sqrt(50));
        Assert.True(model.W2.abs().max().item<float>() <= 1 / Math.Sqrt(3));
        Shape(model.W1, 3, 50);
        Shape(model.W2, 50, 3);
        foreach (var (a, b) in model.parameters().Zip(again.parameters())) Close(a, b, 0);
    }

    [Fact]
    public void A_size_below_one_is_refused_naming_the_key()
    {
        var error = Assert.Throws<UserInputException>(() => new ShallowPlrnn(new ShallowPlrnnOptions { HiddenSize = 0 }, seed: 0));
        Assert.Contains("model.hidden_size", error.Message);
    }
}
