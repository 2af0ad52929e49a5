using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// Power-spectrum distance <c>D_H</c>: the Hellinger distance between the smoothed, normalised power spectra of a true and a
/// generated series, averaged over dimensions.
/// </summary>
/// <remarks>
/// Steps of DurstewitzLab/GTF-shPLRNN (<c>src/measures/pse.jl</c>, Hess et al., ICML 2023), per dimension <c>d</c>:
/// <list type="number">
/// <item>z-score the column (mean 0, sample standard deviation 1);</item>
/// <item>power spectrum <c>P_k = |rfft(x)_k|²</c>, <c>k = 0 … ⌊T/2⌋</c> (all frequencies; no cut-off);</item>
/// <item>when σ &gt; 0, smooth <c>P</c> over <c>k</c> with a normalised Gaussian kernel of standard deviation σ (20 bins by default)
/// and radius <c>⌊4σ + ½⌋</c>, mirrored at the ends with the edge repeated (<c>scipy.ndimage.gaussian_filter1d</c>'s
/// <c>reflect</c>, which the repository matches), then set negative values to 0;</item>
/// <item>normalise to <c>Σ_k P_k = 1</c>;</item>
/// <item><c>H_d = (1/√2) ‖√P − √P̃‖₂ = √(1 − Σ_k √(P_k P̃_k))</c>, in [0, 1].</item>
/// </list>
/// <c>D_H = mean_d H_d</c>. Both series must have the same length, so that their frequency bins coincide.
/// </remarks>
public static class PowerSpectrumDistance
{
    /// <summary><c>D_H</c> (see remarks of the class).</summary>
    /// <param name="truth">True series <c>(T, D)</c>, float32 or float64, <c>T ≥ 2</c>, no constant column.</param>
    /// <param name="generated">Generated series <c>(T, D)</c>.</param>
    /// <param name="smoothing">σ of the Gaussian smoothing in frequency bins; 0 for none.</param>
    public static double Hellinger(Tensor truth, Tensor generated, double smoothing = 20) =>
        PerDimension(truth, generated, smoothing).Average();

    /// <summary><c>H_d</c> for every dimension.</summary>
    /// <param name="truth">True series <c>(T, D)</c>, <c>T ≥ 2</c>, no constant column.</param>
    /// <param name="generated">Generated series <c>(T, D)</c>.</param>
    /// <param name="smoothing">σ of the Gaussian smoothing in frequency bins; 0 for none.</param>
    public static double[] PerDimension(Tensor truth, Tensor generated, double smoothing = 20)
    {
        SeriesRows.Check(truth, nameof(truth), minimumSteps: 2);
        SeriesRows.Check(generated, nameof(generated), minimumSteps: 2);
        SeriesRows.CheckPair(truth, generated, nameof(generated), sameSteps: true);
        var p = Spectrum(truth, smoothing);
        var q = Spectrum(generated, smoothing);
        int frequencies = p.GetLength(0), dimensions = p.GetLength(1);
        var distances = new double[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            double overlap = 0;
            for (int k = 0; k < frequencies; k++) overlap += Math.Sqrt(p[k, d] * q[k, d]);
            distances[d] = Math.Sqrt(Math.Max(0, 1 - overlap));
        }
        return distances;
    }

    /// <summary>The z-scored, smoothed, normalised power spectrum of every column.</summary>
    /// <param name="series"><c>(T, D)</c>.</param>
    /// <param name="smoothing">σ in frequency bins; 0 for none.</param>
    /// <returns><c>[⌊T/2⌋ + 1, D]</c>; each column sums to 1 (NaN for a constant column).</returns>
    public static double[,] Spectrum(Tensor series, double smoothing = 20)
    {
        if (!(smoothing >= 0) || double.IsInfinity(smoothing)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "expected a finite number >= 0");
        SeriesRows.Check(series, nameof(series), minimumSteps: 2);
        SeriesRows power;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            Tensor x = series.detach().to(ScalarType.Float64).cpu();                      // (T, D)
            Tensor scored = (x - x.mean([0])) / x.std(0, unbiased: true);
            power = SeriesRows.Of(fft.rfft(scored, dim: 0).abs().square(), "power");       // (F, D)
        }
        int frequencies = power.Steps, dimensions = power.Dimensions;
        var spectrum = new double[frequencies, dimensions];
        double[] kernel = smoothing > 0 ? GaussianKernel(smoothing) : [1.0];
        int radius = kernel.Length / 2;
        for (int d = 0; d < dimensions; d++)
        {
            double total = 0;
            for (int k = 0; k < frequencies; k++)
            {
                double value = 0;
                for (int offset = -radius; offset <= radius; offset++)
                    value += kernel[offset + radius] * power[Reflect(k + offset, frequencies), d];
                spectrum[k, d] = Math.Max(0, value);
                total += spectrum[k, d];
            }
            for (int k = 0; k < frequencies; k++) spectrum[k, d] /= total;
        }
        return spectrum;
    }

    /// <summary>Weights <c>exp(−i²/2σ²)</c>, <c>i = −r … r</c>, <c>r = ⌊4σ + ½⌋</c>, summing to 1.</summary>
    static double[] GaussianKernel(double sigma)
    {
        int radius = (int)Math.Floor(4 * sigma + 0.5);
        var weights = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) weights[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        double sum = weights.Sum();
        for (int i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }

    /// <summary>Index <paramref name="index"/> folded into <c>[0, n)</c> by mirroring with the edge repeated (<c>d c b a | a b c d | d c b a</c>).</summary>
    static int Reflect(int index, int n)
    {
        int period = 2 * n;
        int folded = ((index % period) + period) % period;
        return folded < n ? folded : period - 1 - folded;
    }
}
