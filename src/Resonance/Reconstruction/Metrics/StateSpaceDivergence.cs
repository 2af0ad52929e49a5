using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// State-space divergence <c>D_stsp</c>: the Kullback–Leibler divergence <c>KL(p_true ‖ p_generated)</c> between where a true and a
/// generated trajectory spend their time, by binning in low dimension and by Gaussian mixtures in high dimension.
/// </summary>
/// <remarks>
/// Conventions of DurstewitzLab/GTF-shPLRNN (<c>src/measures/stsp_measure.jl</c>, Hess et al., ICML 2023), also used by ALRNN-DSR:
/// <list type="bullet">
/// <item><b>Binned</b> (<see cref="Binned"/>): per dimension <c>b</c> equal bins (30 by default) spanning
/// <c>[min − 0.1 σ, max + 0.1 σ]</c> of the <em>true</em> series (σ its sample standard deviation); a bin holds
/// <c>lo ≤ x &lt; hi</c>; points of either series outside the range are not counted. Both histograms are Laplace-smoothed,
/// <c>p_i = (n_i + α) / (n + α bᴰ)</c> with <c>α = 10⁻⁵</c>, and <c>D_stsp = Σ_i p_i log(p_i / q_i)</c> (natural log) over all
/// <c>bᴰ</c> bins. A generated series with no point in range gives NaN.</item>
/// <item><b>Gaussian mixture</b> (<see cref="GaussianMixture"/>): each series, cut to its first <c>min(T, 10,000)</c> rows, is the mixture
/// <c>p(x) = (1/T) Σ_t N(x; x_t, σ² I)</c>; the KL divergence is estimated by Monte Carlo (Hershey &amp; Olsen 2007) from 1,000 samples of the
/// true mixture, <c>D_stsp ≈ mean_s [log p(x_s) − log q(x_s)]</c>. The repository's <c>D_stsp_scaling</c> is σ² (1.0 in GTF-shPLRNN's
/// defaults, 0.3 in ALRNN-DSR's). Unlike the repository, which evaluates densities in float32 and drops samples where either
/// underflows to 0, the logs here are computed with log-sum-exp in float64, so no sample is dropped.</item>
/// <item><b>Choice</b> (<see cref="Compute"/>): binning for <c>D &lt; 6</c> dimensions, the mixture from 6 on (the repository's
/// <c>decide_on_measure</c>); 30⁵ bins are still countable, and the bins of higher dimensions are almost all empty.</item>
/// </list>
/// </remarks>
public static class StateSpaceDivergence
{
    /// <summary>Laplace smoothing constant α of the binned estimate.</summary>
    public const double LaplaceSmoothing = 1e-5;

    /// <summary>Dimensions from which <see cref="Compute"/> uses the Gaussian mixture instead of bins.</summary>
    public const int MixtureFromDimension = 6;

    /// <summary>The binned estimate below <see cref="MixtureFromDimension"/> dimensions, the Gaussian mixture from there on.</summary>
    /// <param name="truth">True series <c>(T, D)</c>, float32 or float64.</param>
    /// <param name="generated">Generated series <c>(T', D)</c>.</param>
    /// <param name="options">Bins, mixture variance, samples and seed.</param>
    public static double Compute(Tensor truth, Tensor generated, MetricOptions options) =>
        truth.dim() == 2 && truth.shape[1] < MixtureFromDimension
            ? Binned(truth, generated, options.StspBins)
            : GaussianMixture(truth, generated, options.StspVariance, options.StspSamples, options.StspMaxSteps, options.Seed);

    /// <summary>Binned <c>D_stsp</c> with <paramref name="bins"/> bins per dimension over the true series' range (see remarks of the class).</summary>
    /// <param name="truth">True series <c>(T, D)</c>, <c>T ≥ 2</c>, no constant column.</param>
    /// <param name="generated">Generated series <c>(T', D)</c>.</param>
    /// <param name="bins">Bins per dimension.</param>
    /// <returns><c>KL(p ‖ q) ≥ 0</c>; NaN when no generated point falls in the range.</returns>
    public static double Binned(Tensor truth, Tensor generated, int bins = 30)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "expected at least one bin");
        var x = SeriesRows.Of(truth, nameof(truth), minimumSteps: 2);
        SeriesRows.Check(generated, nameof(generated));
        SeriesRows.CheckPair(truth, generated, nameof(generated), sameSteps: false);
        var y = SeriesRows.Of(generated, nameof(generated));
        int d = x.Dimensions;
        var low = new double[d];
        var width = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sigma = x.StandardDeviation(j), min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int t = 0; t < x.Steps; t++) { min = Math.Min(min, x[t, j]); max = Math.Max(max, x[t, j]); }
            if (!(sigma > 0)) throw new ArgumentException($"truth: column {j} is constant (or not finite); the bins need a spread.", nameof(truth));
            low[j] = min - 0.1 * sigma;
            width[j] = (max + 0.1 * sigma - low[j]) / bins;
        }
        var trueCounts = Histogram(x, low, width, bins, out long trueTotal);
        var generatedCounts = Histogram(y, low, width, bins, out long generatedTotal);
        if (generatedTotal == 0) return double.NaN;

        double binCount = Math.Pow(bins, d);
        double pDenominator = trueTotal + LaplaceSmoothing * binCount, qDenominator = generatedTotal + LaplaceSmoothing * binCount;
        double divergence = 0;
        var visited = new HashSet<long>(trueCounts.Keys);
        visited.UnionWith(generatedCounts.Keys);
        foreach (long bin in visited)
        {
            double p = (trueCounts.GetValueOrDefault(bin) + LaplaceSmoothing) / pDenominator;
            double q = (generatedCounts.GetValueOrDefault(bin) + LaplaceSmoothing) / qDenominator;
            divergence += p * Math.Log(p / q);
        }
        double pEmpty = LaplaceSmoothing / pDenominator, qEmpty = LaplaceSmoothing / qDenominator;
        return divergence + (binCount - visited.Count) * pEmpty * Math.Log(pEmpty / qEmpty);
    }

    /// <summary>Counts per occupied bin (flat index <c>Σ_j i_j bʲ</c>); <paramref name="total"/> is the number of points in range.</summary>
    static Dictionary<long, int> Histogram(SeriesRows series, double[] low, double[] width, int bins, out long total)
    {
        var counts = new Dictionary<long, int>();
        total = 0;
        for (int t = 0; t < series.Steps; t++)
        {
            long flat = 0;
            bool inside = true;
            for (int j = series.Dimensions - 1; j >= 0 && inside; j--)
            {
                double position = Math.Floor((series[t, j] - low[j]) / width[j]);
                inside = position >= 0 && position < bins;  // also false for NaN
                flat = flat * bins + (long)(inside ? position : 0);
            }
            if (!inside) continue;
            counts[flat] = counts.GetValueOrDefault(flat) + 1;
            total++;
        }
        return counts;
    }

    /// <summary>Gaussian-mixture <c>D_stsp</c> (see remarks of the class).</summary>
    /// <param name="truth">True series <c>(T, D)</c>.</param>
    /// <param name="generated">Generated series <c>(T', D)</c>.</param>
    /// <param name="variance">σ² of every mixture component (the repository's <c>D_stsp_scaling</c>), in squared data units.</param>
    /// <param name="samples">Monte-Carlo samples drawn from the true mixture.</param>
    /// <param name="maxSteps">Rows of each series used, from the start.</param>
    /// <param name="seed">Seed of the samples.</param>
    public static double GaussianMixture(Tensor truth, Tensor generated, double variance = 1.0, int samples = 1000, int maxSteps = 10_000, long seed = 0)
    {
        if (!(variance > 0) || double.IsInfinity(variance)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "expected a finite number > 0");
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "expected at least one sample");
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "expected at least one row");
        SeriesRows.Check(truth, nameof(truth));
        SeriesRows.Check(generated, nameof(generated));
        SeriesRows.CheckPair(truth, generated, nameof(generated), sameSteps: false);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = truth.detach().to(ScalarType.Float64).cpu()[..(int)Math.Min(truth.shape[0], maxSteps)];        // (T, D)
        Tensor y = generated.detach().to(ScalarType.Float64).cpu()[..(int)Math.Min(generated.shape[0], maxSteps)]; // (T', D)
        double sigma = Math.Sqrt(variance);
        using var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "metrics.stsp.samples"));
        Tensor rows = randint(0, x.shape[0], [samples], dtype: ScalarType.Int64, generator: generator);             // (S)
        Tensor draws = x.index_select(0, rows) + sigma * randn([samples, x.shape[1]], dtype: ScalarType.Float64, generator: generator); // (S, D)
        Tensor divergence = (LogMixture(draws, x, sigma) - LogMixture(draws, y, sigma)).mean();
        return divergence.item<double>();
    }

    /// <summary><c>log (1/T) Σ_t exp(−|s − μ_t|² / 2σ²) − D log σ</c> for every sample (the <c>(2π)^(D/2)</c> cancels in the divergence).</summary>
    /// <param name="draws">Samples <c>(S, D)</c>.</param>
    /// <param name="means">Component means <c>(T, D)</c>.</param>
    /// <param name="sigma">Component standard deviation.</param>
    /// <returns><c>(S)</c>.</returns>
    static Tensor LogMixture(Tensor draws, Tensor means, double sigma)
    {
        const int Chunk = 256;  // samples per block, so that (Chunk, T) stays a few MB
        var parts = new List<Tensor>();
        for (long start = 0; start < draws.shape[0]; start += Chunk)
        {
            Tensor block = draws[(int)start..(int)Math.Min(draws.shape[0], start + Chunk)];       // (C, D)
            Tensor squared = cdist(block, means).square() / (sigma * sigma);                       // (C, T)
            parts.Add((-0.5 * squared).logsumexp(1) - Math.Log(means.shape[0]) - means.shape[1] * Math.Log(sigma));
        }
        return cat(parts, 0);
    }
}
