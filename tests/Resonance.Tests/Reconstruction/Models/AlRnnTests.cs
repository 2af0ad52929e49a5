using Resonance.Analysis;
using Resonance.Reconstruction;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Models;

[NoCollections]
public class AlRnnTests
{
    [Fact]
    public void A_step_applies_the_relu_to_the_last_P_units_only()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 3, PiecewiseLinearUnits = 1 }, seed: 1);
        using (no_grad())
        {
            model.A.copy_(tensor(new float[] { 0.5f, 0.5f, 0.5f }));
            model.W.copy_(tensor(new float[] { 1, 0, 1, 0, 1, 1, 1, 1, 1 }).reshape(3, 3));
            model.h.copy_(tensor(new float[] { 0, 0, 0.1f }));
        }
        // z = (−1, 2, −3): φ(z) = (−1, 2, 0); W φ = (−1, 2, 1); A ⊙ z = (−0.5, 1, −1.5)
        Close(tensor(new float[] { -1.5f, 3, -0.4f }).reshape(1, 3), model.Step(tensor(new float[] { -1, 2, -3 }).reshape(1, 3)), 1e-6);
        // z = (−1, 2, 3): φ(z) = z; W z = (2, 5, 4); A ⊙ z = (−0.5, 1, 1.5)
        Close(tensor(new float[] { 1.5f, 6, 5.6f }).reshape(1, 3), model.Step(tensor(new float[] { -1, 2, 3 }).reshape(1, 3)), 1e-6);
    }

    [Fact]
    public void The_region_id_is_the_bit_pattern_of_the_relu_units()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 4, PiecewiseLinearUnits = 2 }, seed: 1);
        // units 3 and 4 are the ReLUs: bit 0 = unit 3 > 0, bit 1 = unit 4 > 0; the linear units do not matter
        Tensor states = tensor(new float[] { 9, -9, -1, -1, 9, 9, 2, -1, -9, 9, -1, 3, 0, 0, 1, 1, 5, 5, 0, 0 }).reshape(5, 4);
        Assert.Equal(new long[] { 0, 1, 2, 3, 0 }, model.RegionId(states).data<long>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, model.RegionId(states.narrow(0, 0, 4).reshape(2, 2, 4)).shape);
    }

    [Fact]
    public void Visits_along_a_trajectory_count_by_region_id()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 6, PiecewiseLinearUnits = 2 }, seed: 4);
        Tensor trajectory = FreeRun.Latent(model, Randn(2, 1, 6), 50).squeeze(0);                 // (50, 6)
        Tensor ids = model.RegionId(trajectory);
        Tensor counts = bincount(ids, minlength: 4);
        Assert.Equal(50, counts.sum().item<long>());
        Assert.True(ids.max().item<long>() < 4 && ids.min().item<long>() >= 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public void The_closed_form_Jacobian_equals_autograd(int units)
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 5, PiecewiseLinearUnits = units }, seed: 3);
        using (no_grad()) model.W.mul_(50);                                                        // make the ReLU part matter
        Tensor states = Randn(4, 8, 5);
        var (autograd, _) = Jacobians.Compute(model.Step, states);
        Close(autograd, model.Jacobian(states), 1e-5);
    }

    [Fact]
    public void Initialisation_follows_the_repository()
    {
        using var scope = NewDisposeScope();
        using var model = new AlRnn(new AlRnnOptions { LatentSize = 20, PiecewiseLinearUnits = 2 }, seed: 7);
        Assert.True(model.A.min().item<float>() > 0 && model.A.max().item<float>() <= 1 + 1e-6);
        Assert.InRange(model.W.std().item<float>(), 0.008, 0.012);                                // N(0, 0.01²), 400 draws
        Assert.Equal(0, model.h.abs().sum().item<float>());
    }

    [Fact]
    public void More_relu_units_than_latent_units_are_refused_naming_the_key()
    {
        var error = Assert.Throws<UserInputException>(() => new AlRnn(new AlRnnOptions { LatentSize = 3, PiecewiseLinearUnits = 4 }, seed: 0));
        Assert.Contains("model.piecewise_linear_units", error.Message);
    }
}
