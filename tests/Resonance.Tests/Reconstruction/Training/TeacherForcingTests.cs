using Resonance.Reconstruction;
using static Resonance.Tests.Models.TensorAssert;
using static Resonance.Tests.Reconstruction.LinearModels;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class TeacherForcingTests
{
    /// <summary><c>z_t = z_{t-1} + 1</c> observed through the identity on data that are all zero: forcing pulls the count back.</summary>
    static float[] Predictions(ForcingKind forcing, double alpha, int interval, int steps = 10)
    {
        using var scope = NewDisposeScope();
        using var model = Linear([1f], [0f], [1f]);
        using var observation = new IdentityObservation(1, 1, seed: 0);
        Tensor windows = zeros(1, steps + 1, 1);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, t => TeacherForcing.AlphaAt(forcing, t, alpha, interval));
        Assert.Equal(new long[] { 1, steps, 1 }, predictions.shape);
        return predictions.flatten().data<float>().ToArray();
    }

    [Fact]
    public void Sparse_forcing_replaces_the_state_exactly_every_tau_steps() =>
        Assert.Equal([1, 2, 3, 1, 2, 3, 1, 2, 3, 1], Predictions(ForcingKind.Sparse, alpha: 0, interval: 3));

    [Fact]
    public void Generalized_forcing_blends_the_prediction_with_the_data_at_every_step() =>
        Assert.Equal([1, 1.5f, 1.75f, 1.875f], Predictions(ForcingKind.Generalized, alpha: 0.5, interval: 3, steps: 4));

    [Fact]
    public void Without_forcing_the_model_runs_free() =>
        Assert.Equal([1, 2, 3, 4, 5, 6], Predictions(ForcingKind.None, alpha: 0.5, interval: 2, steps: 6));

    [Fact]
    public void Alpha_one_with_the_identity_observation_predicts_each_step_from_the_data()
    {
        using var scope = NewDisposeScope();
        using var model = new ShallowPlrnn(new ShallowPlrnnOptions { LatentSize = 3, HiddenSize = 20 }, seed: 5);
        using var observation = new IdentityObservation(3, 3, seed: 0);
        Tensor windows = PlrnnTestSeries.Lorenz(40).to(ScalarType.Float32).reshape(2, 20, 3);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, _ => 1.0);      // (2, 19, 3)
        // the state forced at t is x_t itself, so z_{t+1} = F(x_t)
        Close(model.Step(windows.narrow(1, 0, 19).reshape(38, 3)).reshape(2, 19, 3), predictions, 1e-6);
    }

    [Fact]
    public void Partial_forcing_sets_the_observed_units_and_leaves_the_others_to_the_model()
    {
        using var scope = NewDisposeScope();
        // z = (observed, hidden), z_t = (z₁ + 1, z₂ + 2): forcing with α = 1 resets z₁ to the data (0), z₂ keeps counting
        using var model = Linear([1f, 1f], null, [1f, 2f]);
        using var observation = new IdentityObservation(1, 2, seed: 0);
        using (no_grad()) observation.L!.zero_();
        Tensor predictions = TeacherForcing.Unroll(model, observation, zeros(1, 4, 1), _ => 1.0);  // (1, 3, 2)
        Close(tensor(new float[] { 1, 2, 1, 4, 1, 6 }).reshape(1, 3, 2), predictions, 0);
    }

    [Fact]
    public void Without_partial_forcing_the_unobserved_units_are_pulled_towards_zero()
    {
        using var scope = NewDisposeScope();
        // z_t = (z₁ + 1, z₂ + 2) from z₀ = (0, 0), data 0. α = 1: both units reset to 0 each step, so every prediction is (1, 2);
        // α = 0.5: z̃ = z / 2, so the hidden unit runs 2, 3, 3.5 (partial forcing would give 2, 4, 6).
        using var model = Linear([1f, 1f], null, [1f, 2f]);
        using var observation = new IdentityObservation(1, 2, seed: 0);
        using (no_grad()) observation.L!.zero_();
        Close(tensor(new float[] { 1, 2, 1, 2, 1, 2 }).reshape(1, 3, 2),
            TeacherForcing.Unroll(model, observation, zeros(1, 4, 1), _ => 1.0, partial: false), 0);
        Close(tensor(new float[] { 1, 2, 1.5f, 3, 1.75f, 3.5f }).reshape(1, 3, 2),
            TeacherForcing.Unroll(model, observation, zeros(1, 4, 1), _ => 0.5, partial: false), 1e-6);
    }

    [Fact]
    public void No_gradient_reaches_a_prediction_through_a_fully_forced_unit()
    {
        using var scope = NewDisposeScope();
        using var model = Linear([0.25f], [0f], [0f]);
        using var observation = new IdentityObservation(1, 1, seed: 0);
        Tensor windows = ones(1, 3, 1);
        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, _ => 1.0);
        predictions[0, 1, 0].backward();                                                            // z₂ = A x₁: ∂/∂A = x₁ = 1 (free, z₂ = A² x₀ would give 2A = 0.5)
        Assert.Equal(1, model.A.grad!.item<float>(), 6);
    }
}
