using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// n-step prediction error: the mean squared error of forecasts <c>n</c> steps ahead, each started from a true state.
/// </summary>
/// <remarks>
/// As in DurstewitzLab/GTF-shPLRNN (<c>src/measures/prediction_error.jl</c>; <c>PE_n = 20</c> by default): every row
/// <c>x_t</c>, <c>t = 0 … T − n − 1</c>, is a start; the model steps <c>n</c> times from it (all starts as one batch), and
/// <c>PE(n) = mean over t and d of (x̂_{t+n} − x_{t+n})²</c>.
/// </remarks>
public static class PredictionError
{
    /// <summary><c>PE(n)</c> of a model given by its one-step map on observations.</summary>
    /// <param name="series">True series <c>(T, D)</c>, <c>T &gt; n</c>.</param>
    /// <param name="steps">n, at least 1.</param>
    /// <param name="step">One step of the model, <c>(B, D) → (B, D)</c>, in the series' dtype.</param>
    public static double NStep(Tensor series, int steps, Func<Tensor, Tensor> step)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "expected at least one step");
        SeriesRows.Check(series, nameof(series), minimumSteps: steps + 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long starts = series.shape[0] - steps;
        Tensor state = series[..(int)starts];  // (T − n, D)
        for (int i = 0; i < steps; i++) state = step(state);
        return NStep(series, state, steps);
    }

    /// <summary><c>PE(n)</c> of forecasts already made: row <c>t</c> of <paramref name="forecasts"/> predicts row <c>t + n</c> of <paramref name="series"/>.</summary>
    /// <param name="series">True series <c>(T, D)</c>.</param>
    /// <param name="forecasts">n-step forecasts <c>(T − n, D)</c>.</param>
    /// <param name="steps">n.</param>
    public static double NStep(Tensor series, Tensor forecasts, int steps)
    {
        SeriesRows.Check(series, nameof(series), minimumSteps: steps + 1);
        SeriesRows.Check(forecasts, nameof(forecasts));
        SeriesRows.CheckPair(series, forecasts, nameof(forecasts), sameSteps: false);
        if (forecasts.shape[0] != series.shape[0] - steps)
            throw new ArgumentException($"forecasts: expected {series.shape[0] - steps} rows (T − n), got {forecasts.shape[0]}.", nameof(forecasts));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor target = series.detach().to(ScalarType.Float64).cpu()[steps..];
        return (forecasts.detach().to(ScalarType.Float64).cpu() - target).square().mean().item<double>();
    }
}
