using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>The figures of one evaluated reconstruction, with the windows they were taken on (for the plots).</summary>
/// <param name="Figures">Flat summary keys: <c>d_stsp</c>, <c>d_h</c>, <c>vpt_steps</c> (median over the starts) with <c>vpt_steps_min</c>,
/// <c>vpt_steps_max</c>, <c>vpt_lyapunov_times</c> (when λ is known) with its spread over the starts <c>vpt_lyapunov_times_min</c>,
/// <c>_q1</c>, <c>_q3</c>, <c>_max</c>,
/// <c>prediction_error</c>, <c>lambda_max_true</c>, <c>lambda_max_model</c> (latent models), and the floor
/// <c>floor_d_stsp</c>, <c>floor_d_h</c>.</param>
/// <param name="Truth">The true test window <c>(T, D)</c>.</param>
/// <param name="Generated">The kept free run <c>(T, D)</c>.</param>
/// <param name="Notes">Why a figure is missing.</param>
public sealed record ReconstructionScores(IReadOnlyDictionary<string, double> Figures, Tensor Truth, Tensor Generated, IReadOnlyList<string> Notes);

/// <summary>Evaluates a fitted <see cref="Reconstructor"/> on the test rows of a series, by the protocol of
/// <see cref="ReconstructionEvaluationOptions"/>.</summary>
public static class ReconstructionEvaluation
{
    /// <summary>Scores the model.</summary>
    /// <param name="model">Fitted.</param>
    /// <param name="train">The training rows <c>(T_train, D)</c> float64 (the floor's independent stretch).</param>
    /// <param name="test">The test rows <c>(T_test, D)</c> float64.</param>
    /// <param name="dt">Time between rows.</param>
    /// <param name="trueExponent">λ_max of the true system per unit time, or null when unknown.</param>
    /// <param name="experiment">Its evaluation and metrics settings.</param>
    /// <exception cref="UserInputException">The test rows are too few for the protocol.</exception>
    public static ReconstructionScores Score(Reconstructor model, Tensor train, Tensor test, double dt, double? trueExponent, ReconstructionExperiment experiment)
    {
        var e = experiment.Evaluation;
        var m = experiment.Metrics;
        int rows = (int)test.shape[0], w = e.Warmup, T = e.TestSteps;
        int need = Math.Max(w + T, w + e.Horizon + e.Starts - 1);
        if (rows < need)
            throw new UserInputException($"evaluation: the series has {rows} test rows, fewer than the {need} the evaluation needs; use a longer series or lower evaluation.test_steps / horizon / warmup.");
        if (train.shape[0] < T)
            throw new UserInputException($"evaluation.test_steps: the floor needs {T} training rows, the series has {train.shape[0]}; lower evaluation.test_steps.");
        var figures = new Dictionary<string, double>();
        var notes = new List<string>();

        Tensor truth = test[w..(w + T)];
        Tensor generated = EvaluationWindow.Run(T, steps => model.Forecast(test[..w], steps));
        figures["d_stsp"] = StateSpaceDivergence.Compute(truth, generated, m);
        figures["d_h"] = PowerSpectrumDistance.Hellinger(truth, generated, m.SpectrumSmoothing);
        Tensor other = train[^T..];
        figures["floor_d_stsp"] = StateSpaceDivergence.Compute(truth, other, m);
        figures["floor_d_h"] = PowerSpectrumDistance.Hellinger(truth, other, m.SpectrumSmoothing);

        var vptSteps = new List<double>();
        double errorSum = 0;
        int n = Math.Min(m.PredictionSteps, e.Horizon);
        int span = rows - w - e.Horizon;
        for (int s = 0; s < e.Starts; s++)
        {
            using var scope = NewDisposeScope();
            int start = w + (e.Starts == 1 ? 0 : (int)((long)span * s / (e.Starts - 1)));
            Tensor forecast = model.Forecast(test[(start - w)..start], e.Horizon);
            Tensor actual = test[start..(start + e.Horizon)];
            vptSteps.Add(ValidPredictionTime.Steps(actual, forecast, m.VptThreshold, m.VptNormalisation));
            errorSum += (forecast[n - 1] - actual[n - 1]).square().mean().item<double>();
        }
        figures["vpt_steps"] = Median(vptSteps);
        figures["vpt_steps_min"] = vptSteps.Min();
        figures["vpt_steps_max"] = vptSteps.Max();
        figures["prediction_error"] = errorSum / e.Starts;
        figures["prediction_steps"] = n;
        if (trueExponent is double lambda)
        {
            figures["lambda_max_true"] = lambda;
            var times = vptSteps.Select(v => v * dt * lambda).ToList();
            figures["vpt_lyapunov_times"] = Median(times);
            figures["vpt_lyapunov_times_q1"] = Quantile(times, 0.25);
            figures["vpt_lyapunov_times_q3"] = Quantile(times, 0.75);
            figures["vpt_lyapunov_times_min"] = times.Min();
            figures["vpt_lyapunov_times_max"] = times.Max();
        }
        else notes.Add("vpt_lyapunov_times: the true largest exponent is unknown; give evaluation.largest_exponent");

        var (exponent, reason) = model.LargestExponent(test[w - 1], dt, e.LyapunovSteps, experiment.Seed);
        if (exponent is double modelExponent) figures["lambda_max_model"] = modelExponent;
        else notes.Add($"lambda_max_model: {reason}");
        return new ReconstructionScores(figures, truth, generated, notes);
    }

    /// <summary>The q-quantile by linear interpolation between order statistics (numpy's default).</summary>
    static double Quantile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
    }
}
