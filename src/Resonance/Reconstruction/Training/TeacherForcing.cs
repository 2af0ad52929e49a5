using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>The teacher-forced unroll of a latent model over a batch of windows, and its loss.</summary>
/// <remarks>
/// <code>
/// z₀ = init(x₀)                                      (observation model, differentiable)
/// for t = 1..T:   z_t = F(z̃_{t-1})                   prediction, kept for the loss
///                 z̃_t = (1 − α_t) z_t + α_t ẑ_t      on the forced units (the first K); the rest of z_t unchanged
///                                                    (partial forcing), or (1 − α_t) z_t (forcing towards 0, when not partial)
/// loss = mean_{b,t,n} (g(z_t) − x_t)²                (g the read-out; z_t before forcing)
/// </code>
/// <c>ẑ_t</c> is the observation model's forcing signal of <c>x_t</c>, without gradient. Generalized forcing uses one <c>α</c> at every
/// step; sparse forcing <c>α_t = 1</c> when <c>t</c> is a multiple of <c>τ</c> and 0 otherwise (DurstewitzLab/ALRNN-DSR forces
/// at <c>t = τ, 2τ, …</c>); no forcing <c>α_t = 0</c>. Where <c>α_t = 1</c> the forced units are replaced (no gradient reaches
/// the prediction through them); where <c>α_t = 0</c> the state runs free. When the observation model sets fewer units than the
/// latent model has (<c>K &lt; M</c>, the identity observation with <c>M &gt; N</c>), partial forcing leaves the other units to the
/// model (ALRNN-DSR; GTF-shPLRNN's <c>partial_forcing: true</c>); otherwise their forcing signal is 0, so they are pulled towards 0
/// with the same <c>α_t</c> (GTF-shPLRNN's default, <c>partial_forcing: false</c>: its identity model's inverse pads with zeros).
/// </remarks>
public static class TeacherForcing
{
    /// <summary>The forcing strength at step <paramref name="step"/> (1-based) for the given kind.</summary>
    /// <param name="forcing">Generalized, sparse or none.</param>
    /// <param name="step"><c>t</c>, 1-based.</param>
    /// <param name="alpha">Generalized forcing's <c>α</c>.</param>
    /// <param name="interval">Sparse forcing's <c>τ</c>.</param>
    public static double AlphaAt(ForcingKind forcing, int step, double alpha, int interval) => forcing switch
    {
        ForcingKind.Generalized => alpha,
        ForcingKind.Sparse => step % interval == 0 ? 1 : 0,
        ForcingKind.None => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(forcing), forcing, null),
    };

    /// <summary>Runs the model over each window with forcing and returns its predictions before forcing.</summary>
    /// <param name="model">The latent model <c>F</c>.</param>
    /// <param name="observation">Gives <c>z₀</c>, the forcing signals and the forced units.</param>
    /// <param name="windows">Observations <c>x₀..x_T</c>, <c>(B, T + 1, N)</c>.</param>
    /// <param name="alphaAt"><c>α_t</c> in [0, 1] for <c>t = 1..T</c>.</param>
    /// <param name="partial">Force only the units the observation model sets (true), or pull the others towards 0 as well.</param>
    /// <returns>The predictions <c>z₁..z_T</c>, <c>(B, T, M)</c>.</returns>
    public static Tensor Unroll(LatentModel model, ObservationModel observation, Tensor windows, Func<int, double> alphaAt, bool partial = true)
    {
        Models.ShapeChecks.Require(windows, nameof(windows), -1, -1, observation.ObservedSize);
        int steps = (int)windows.shape[1] - 1, forced = observation.ForcedSize, latent = model.LatentSize;
        using var scope = NewDisposeScope();
        Tensor[] signals = observation.ForcingSignal(windows).unbind(1);                       // T + 1 × (B, K), detached
        Tensor state = observation.InitialState(windows.select(1, 0));                         // (B, M): z₀
        var predictions = new List<Tensor>(steps);
        Tensor? weight = null;                                                                 // α as a 0-dim tensor, made once per value
        double weightValue = double.NaN;
        for (int t = 1; t <= steps; t++)
        {
            Tensor next = model.forward(state);                                                // (B, M): z_t
            predictions.Add(next);
            double alpha = alphaAt(t);
            if (alpha == 0) { state = next; continue; }
            Tensor signal = signals[t];                                                        // (B, K): ẑ_t
            Tensor forcedPart;
            if (alpha == 1) forcedPart = signal;
            else
            {
                if (alpha != weightValue) { weight = tensor(alpha, next.dtype, next.device); weightValue = alpha; }
                forcedPart = (forced == latent ? next : next.narrow(1, 0, forced)).lerp(signal, weight!);   // (1 − α) z_t + α ẑ_t
            }
            if (forced == latent) { state = forcedPart; continue; }
            Tensor rest = next.narrow(1, forced, latent - forced);
            if (!partial) rest = alpha == 1 ? zeros_like(rest) : rest.lerp(zeros_like(rest), weight!);            // (1 − α) z_t: towards 0
            state = cat([forcedPart, rest], 1);
        }
        return stack(predictions, 1).MoveToOuterDisposeScope();                                // (B, T, M)
    }

    /// <summary>The mean squared error of the read-out predictions against <c>x₁..x_T</c>.</summary>
    /// <param name="observation">The read-out <c>g</c>.</param>
    /// <param name="predictions"><c>(B, T, M)</c> from <see cref="Unroll"/>.</param>
    /// <param name="windows"><c>(B, T + 1, N)</c>.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor Loss(ObservationModel observation, Tensor predictions, Tensor windows) =>
        nn.functional.mse_loss(observation.Observe(predictions), windows.narrow(1, 1, windows.shape[1] - 1));
}
