using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>What <see cref="TangentLyapunov.Largest"/> measured along the way.</summary>
/// <param name="Exponent">The largest exponent, averaged over the trajectories (per unit time).</param>
/// <param name="LargestMagnitude">The largest <c>|x_d|</c> met on any trajectory.</param>
/// <param name="SmallestSpread">The smallest standard deviation over time of any variable of any trajectory (near 0: it came to rest).</param>
public sealed record TangentEstimate(double Exponent, double LargestMagnitude, double SmallestSpread);

/// <summary>
/// The largest Lyapunov exponent by one tangent vector propagated with central differences of the step (the QR method
/// with <c>k = 1</c>, where the QR is a normalisation): a cheap check that needs no autograd, about a sixth of the cost of
/// <see cref="Analysis.LyapunovSpectrum"/> per step. Use <see cref="SystemLyapunov"/> for spectra and precise figures.
/// </summary>
/// <remarks>
/// <code>
/// J v ≈ (F(x + εv) − F(x − εv)) / 2ε,   λ₁ = 1/(T·Δt) Σ_t log ‖J_t v_t‖,   v_{t+1} = J_t v_t / ‖J_t v_t‖
/// </code>
/// The three evaluations run as one batch <c>(3B, D)</c>. In float64 with ε = 1e-7 the difference's error is far below the
/// exponent's statistical spread.
/// </remarks>
public static class TangentLyapunov
{
    /// <summary>Runs <paramref name="steps"/> steps after <paramref name="warmupSteps"/> and returns λ₁ and the range the trajectories covered.</summary>
    /// <param name="step">The one-step map, <c>(batch, D)</c> to <c>(batch, D)</c>, rows independent.</param>
    /// <param name="start"><c>(B, D)</c> float64.</param>
    /// <param name="warmupSteps">Steps that align the vector before recording.</param>
    /// <param name="steps">Recorded steps.</param>
    /// <param name="timeStep">Time one step spans (1 for a map).</param>
    /// <param name="seed">Seed of the initial tangent vectors.</param>
    /// <param name="name">The system's name, for the message of a blow-up.</param>
    /// <exception cref="DivergenceException">The trajectory stopped being finite.</exception>
    public static TangentEstimate Largest(Func<Tensor, Tensor> step, Tensor start, int warmupSteps, int steps, double timeStep, long seed, string name)
    {
        const double epsilon = 1e-7;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = start.shape[0];
        Tensor x = start.detach().clone();                                                      // (B, D)
        Tensor v;
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "dynamics.tangent")))
            v = randn(x.shape, dtype: x.dtype, generator: generator);
        v = v / v.norm(1, keepdim: true);
        Tensor logs = zeros(batch, dtype: ScalarType.Float64);                                  // (B)
        Tensor sum = zeros_like(x), squares = zeros_like(x), largest = zeros(batch, dtype: x.dtype);
        for (int t = 0; t < warmupSteps + steps; t++)
        {
            using var stepScope = NewDisposeScope();
            Tensor next = step(cat([x + epsilon * v, x - epsilon * v, x], 0));               // (3B, D)
            Tensor jv = (next.narrow(0, 0, batch) - next.narrow(0, batch, batch)) / (2 * epsilon);  // (B, D): J v
            Tensor norm = jv.norm(1);                                                           // (B)
            x = next.narrow(0, 2 * batch, batch).MoveToOuterDisposeScope();
            v = (jv / norm.unsqueeze(1)).MoveToOuterDisposeScope();
            if (t >= warmupSteps)
            {
                logs = (logs + norm.log()).MoveToOuterDisposeScope();
                sum = (sum + x).MoveToOuterDisposeScope();
                squares = (squares + x * x).MoveToOuterDisposeScope();
                largest = maximum(largest, x.abs().amax(1)).MoveToOuterDisposeScope();
            }
            if ((t + 1) % SystemSimulation.FiniteCheckEvery == 0 && !(x.isfinite().all().item<bool>() && logs.isfinite().all().item<bool>()))
                throw new DivergenceException($"{name}: the trajectory left the finite numbers by step {t + 1} (it diverged).");
        }
        Tensor mean = sum / steps;
        double spread = (squares / steps - mean * mean).clamp_min(0).sqrt().min().item<double>();
        double exponent = (logs / (steps * timeStep)).mean().item<double>();
        return new TangentEstimate(exponent, largest.max().item<double>(), spread);
    }
}
