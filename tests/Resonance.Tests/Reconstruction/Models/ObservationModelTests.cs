using Resonance.Reconstruction;
using static Resonance.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Models;

[NoCollections]
public class ObservationModelTests
{
    [Fact]
    public void Identity_reads_the_first_N_units_and_infers_the_rest_with_L()
    {
        using var scope = NewDisposeScope();
        using var observation = new IdentityObservation(observedSize: 2, latentSize: 5, seed: 1);
        Tensor latent = Randn(1, 4, 5), observed = Randn(2, 4, 2);
        Close(latent.narrow(1, 0, 2), observation.Observe(latent), 0);
        Assert.Equal(2, observation.ForcedSize);
        Close(observed, observation.ForcingSignal(observed), 0);
        Tensor initial = observation.InitialState(observed);
        Shape(initial, 4, 5);
        Close(observed, initial.narrow(1, 0, 2), 0);
        Close(observed.matmul(observation.L!.t()), initial.narrow(1, 2, 3), 1e-6);
        Close(cat([observed, zeros(4, 3)], 1), observation.LatentEstimate(observed), 0);
        Assert.True(observation.L!.abs().max().item<float>() <= Math.Sqrt(6.0 / 5));
    }

    [Fact]
    public void Identity_with_fewer_latent_than_observed_units_is_refused_naming_the_key()
    {
        var error = Assert.Throws<UserInputException>(() => new IdentityObservation(observedSize: 3, latentSize: 2, seed: 0));
        Assert.Contains("model.latent_size", error.Message);
    }

    [Fact]
    public void Affine_inverts_its_read_out_by_the_pseudo_inverse()
    {
        using var scope = NewDisposeScope();
        using var observation = new AffineObservation(observedSize: 5, latentSize: 3, seed: 2);
        using (no_grad()) observation.c.copy_(tensor(new float[] { 1, -1, 0.5f, 2, 0 }));
        Tensor latent = Randn(3, 6, 3);
        Tensor observed = observation.Observe(latent);                                             // B z + c, B (5, 3) of full column rank
        Close(latent.matmul(observation.B.t()) + observation.c, observed, 1e-6);
        Assert.Equal(3, observation.ForcedSize);
        Close(latent, observation.ForcingSignal(observed), 1e-4);
        Close(latent, observation.InitialState(observed), 1e-4);
        Assert.False(observation.ForcingSignal(observed).requires_grad);
        Assert.True(observation.InitialState(observed).requires_grad);
    }
}
