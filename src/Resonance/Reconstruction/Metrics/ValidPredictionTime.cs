using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>How <see cref="ValidPredictionTime"/> scales the forecast error.</summary>
public enum ErrorNormalisation
{
    /// <summary><c>e(t) = ‖u(t) − û(t)‖ / ⟨‖u‖²⟩^½</c>, the mean over the true window (Pathak et al. 2018, Chaos 28, 041101; threshold 0.4).</summary>
    RootMeanSquare,
    /// <summary><c>e(t) = (mean_d (u_d(t) − û_d(t))² / σ_d²)^½</c>, σ_d the true window's standard deviation per dimension (Vlachas et al. 2020, Neural Networks 126).</summary>
    StandardDeviation,
}

/// <summary>
/// Valid prediction time: how long a forecast stays close to the truth, in steps and in Lyapunov times.
/// </summary>
/// <remarks>
/// Row <c>i</c> of both series is the state <c>(i + 1) Δt</c> after the forecast's last known state. The forecast is valid for
/// the rows before the first one whose normalised error <c>e</c> (see <see cref="ErrorNormalisation"/>) exceeds the threshold, so
/// <c>VPT = n Δt λ_max</c> Lyapunov times with <c>n</c> that row's index (all rows when none exceeds it). Our default is Pathak et
/// al.'s: root-mean-square normalisation, threshold 0.4.
/// </remarks>
public static class ValidPredictionTime
{
    /// <summary>The normalised error <c>e</c> of every row.</summary>
    /// <param name="truth">True continuation <c>(T, D)</c>.</param>
    /// <param name="forecast">Forecast <c>(T, D)</c>, row for row.</param>
    /// <param name="normalisation">How the error is scaled.</param>
    /// <returns><c>T</c> values.</returns>
    public static double[] NormalisedErrors(Tensor truth, Tensor forecast, ErrorNormalisation normalisation = ErrorNormalisation.RootMeanSquare)
    {
        SeriesRows.Check(truth, nameof(truth), minimumSteps: 1);
        SeriesRows.Check(forecast, nameof(forecast), minimumSteps: 1);
        SeriesRows.CheckPair(truth, forecast, nameof(forecast), sameSteps: true);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor u = truth.detach().to(ScalarType.Float64).cpu(), forecastRows = forecast.detach().to(ScalarType.Float64).cpu(); // (T, D)
        Tensor difference = forecastRows - u;
        Tensor errors = normalisation switch
        {
            ErrorNormalisation.RootMeanSquare => difference.square().sum(1).sqrt() / u.square().sum(1).mean().sqrt(),
            ErrorNormalisation.StandardDeviation => (difference.square() / u.var(0, unbiased: false)).mean([1]).sqrt(),
            _ => throw new ArgumentOutOfRangeException(nameof(normalisation), normalisation, null),
        };
        return errors.data<double>().ToArray();
    }

    /// <summary>Rows before the first whose normalised error exceeds <paramref name="threshold"/> (all rows when none does).</summary>
    /// <param name="truth">True continuation <c>(T, D)</c>.</param>
    /// <param name="forecast">Forecast <c>(T, D)</c>, row for row.</param>
    /// <param name="threshold">Largest error still counted as valid.</param>
    /// <param name="normalisation">How the error is scaled.</param>
    public static int Steps(Tensor truth, Tensor forecast, double threshold = 0.4, ErrorNormalisation normalisation = ErrorNormalisation.RootMeanSquare)
    {
        double[] errors = NormalisedErrors(truth, forecast, normalisation);
        int first = Array.FindIndex(errors, e => !(e <= threshold));  // a NaN error ends the valid time too
        return first < 0 ? errors.Length : first;
    }

    /// <summary>Valid prediction time in Lyapunov times, <c>Steps · Δt · λ_max</c>.</summary>
    /// <param name="truth">True continuation <c>(T, D)</c>.</param>
    /// <param name="forecast">Forecast <c>(T, D)</c>, row for row.</param>
    /// <param name="threshold">Largest error still counted as valid.</param>
    /// <param name="normalisation">How the error is scaled.</param>
    /// <param name="timeStep">Δt between rows, in the system's time units.</param>
    /// <param name="largestExponent">λ_max of the true system, per time unit.</param>
    public static double LyapunovTimes(Tensor truth, Tensor forecast, double timeStep, double largestExponent, double threshold = 0.4,
        ErrorNormalisation normalisation = ErrorNormalisation.RootMeanSquare) =>
        Steps(truth, forecast, threshold, normalisation) * timeStep * largestExponent;
}
