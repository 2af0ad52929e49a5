namespace Resonance.Reconstruction;

/// <summary>Settings of the reconstruction metrics, bound from an experiment's <c>metrics:</c> section; defaults are DurstewitzLab/GTF-shPLRNN's.</summary>
/// <example><code>
/// metrics:
///   stsp_bins: 30
///   stsp_variance: 1.0
///   spectrum_smoothing: 20
///   prediction_steps: 20
///   vpt_threshold: 0.4
/// </code></example>
public sealed record MetricOptions
{
    /// <summary>Bins per dimension of the binned <c>D_stsp</c> (<c>D_stsp_bins</c>).</summary>
    public int StspBins { get; init; } = 30;
    /// <summary>σ² of each Gaussian of the mixture <c>D_stsp</c>, in squared data units (<c>D_stsp_scaling</c>; ALRNN-DSR uses 0.3).</summary>
    public double StspVariance { get; init; } = 1.0;
    /// <summary>Monte-Carlo samples of the mixture <c>D_stsp</c>.</summary>
    public int StspSamples { get; init; } = 1000;
    /// <summary>Rows of each series the mixture <c>D_stsp</c> uses, from the start.</summary>
    public int StspMaxSteps { get; init; } = 10_000;
    /// <summary>σ of the Gaussian smoothing of the power spectra, in frequency bins (<c>PSE_smoothing</c>); 0 for none.</summary>
    public double SpectrumSmoothing { get; init; } = 20;
    /// <summary>n of the n-step prediction error (<c>PE_n</c>).</summary>
    public int PredictionSteps { get; init; } = 20;
    /// <summary>Normalised error at which a forecast stops being valid.</summary>
    public double VptThreshold { get; init; } = 0.4;
    /// <summary>How the forecast error is normalised for the valid prediction time.</summary>
    public ErrorNormalisation VptNormalisation { get; init; } = ErrorNormalisation.RootMeanSquare;
    /// <summary>Seed of the Monte-Carlo samples.</summary>
    public long Seed { get; init; }

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        OptionChecks.WholeInRange("metrics.stsp_bins", StspBins, 2, 1000);
        OptionChecks.Positive("metrics.stsp_variance", StspVariance);
        OptionChecks.WholeInRange("metrics.stsp_samples", StspSamples, 1, 1_000_000);
        OptionChecks.WholeInRange("metrics.stsp_max_steps", StspMaxSteps, 1, 10_000_000);
        OptionChecks.NonNegative("metrics.spectrum_smoothing", SpectrumSmoothing);
        OptionChecks.WholeInRange("metrics.prediction_steps", PredictionSteps, 1, 1_000_000);
        OptionChecks.Positive("metrics.vpt_threshold", VptThreshold);
    }
}
