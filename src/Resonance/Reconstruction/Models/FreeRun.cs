using Resonance.Analysis;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>A trained latent model run freely (closed loop, no forcing): generated series and the model's Lyapunov exponents.</summary>
/// <remarks>
/// <code>
/// z₀ = init(x₀),   z_t = F(z_{t-1}),   x̂_t = g(z_t),   t = 0..T−1
/// </code>
/// The initial latent state is inferred from the first observation by the observation model, as DurstewitzLab/GTF-shPLRNN's
/// <c>generate</c> does; row 0 of the generated series is <c>g(z₀)</c> (for the identity observation, <c>x₀</c> itself).
/// </remarks>
public static class FreeRun
{
    /// <summary>The latent trajectory from <paramref name="initialLatent"/>, without gradient.</summary>
    /// <param name="model">The latent model.</param>
    /// <param name="initialLatent"><c>z₀</c>, <c>(batch, M)</c>.</param>
    /// <param name="steps">States returned, the first being <c>z₀</c>; at least 1.</param>
    /// <returns><c>(batch, steps, M)</c>.</returns>
    public static Tensor Latent(LatentModel model, Tensor initialLatent, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Models.ShapeChecks.Require(initialLatent, nameof(initialLatent), -1, model.LatentSize);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = new Tensor[steps];
        states[0] = initialLatent.detach();
        for (int t = 1; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            states[t] = model.forward(states[t - 1]).MoveToOuterDisposeScope();
        }
        return stack(states, 1).MoveToOuterDisposeScope();
    }

    /// <summary>A generated series from the first observation(s), in observation space, without gradient.</summary>
    /// <param name="model">The latent model.</param>
    /// <param name="observation">Infers <c>z₀</c> and reads out each state.</param>
    /// <param name="firstObservation"><c>x₀</c>: <c>(N)</c>, or <c>(batch, N)</c> for several runs.</param>
    /// <param name="steps">Rows returned, the first being <c>g(z₀)</c>; at least 1.</param>
    /// <returns><c>(steps, N)</c> for a vector <paramref name="firstObservation"/>, <c>(batch, steps, N)</c> for a matrix.</returns>
    public static Tensor Generate(LatentModel model, ObservationModel observation, Tensor firstObservation, int steps)
    {
        bool single = firstObservation.dim() == 1;
        Tensor start = single ? firstObservation.unsqueeze(0) : firstObservation;
        Models.ShapeChecks.Require(start, nameof(firstObservation), -1, observation.ObservedSize);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameter = model.parameters().First();
        Tensor latent = Latent(model, observation.InitialState(start.to(parameter.dtype, parameter.device)), steps); // (B, steps, M)
        Tensor observed = observation.Observe(latent);                                                                   // (B, steps, N)
        return (single ? observed.squeeze(0) : observed).MoveToOuterDisposeScope();
    }

    /// <summary>The model's Lyapunov exponents by the QR method on its own map (<see cref="LyapunovSpectrum"/>), from the given
    /// latent states (one trajectory per row), in the states' dtype (the model is evaluated in it: pass float64 states for precise
    /// figures; the model's parameters are cast per step, the model itself is unchanged).</summary>
    /// <param name="model">The latent model.</param>
    /// <param name="initialLatent"><c>(B, M)</c>; on the attractor (or let <see cref="LyapunovOptions.WarmupSteps"/> bring them there).</param>
    /// <param name="options">Exponents, steps, warm-up; <see cref="LyapunovOptions.TimeStep"/> = the data's sampling interval gives
    /// exponents per unit time, 1 gives them per step.</param>
    /// <returns>The exponents, largest first.</returns>
    public static LyapunovResult LyapunovExponents(LatentModel model, Tensor initialLatent, LyapunovOptions options)
    {
        Models.ShapeChecks.Require(initialLatent, nameof(initialLatent), -1, model.LatentSize);
        var parameter = model.parameters().First();
        if (initialLatent.dtype == parameter.dtype) return LyapunovSpectrum.Compute(model.Step, initialLatent, options);
        var dtype = initialLatent.dtype;
        using var copy = model.CastCopy(dtype);
        return LyapunovSpectrum.Compute(copy.Step, initialLatent, options);
    }
}
