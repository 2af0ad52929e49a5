using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The adaptive forcing strength of generalized teacher forcing (Hess et al. 2023): a bound <c>σ</c> on the growth of the
/// Jacobian product along each training sequence gives the smallest <c>α</c> that keeps gradients bounded.
/// </summary>
/// <remarks>
/// Under forcing the Jacobian of one step is <c>(1 − α) J_t</c>, so the product over <c>T</c> steps is bounded by
/// <c>(1 − α)^T Π_t ‖J_t‖</c>; it stays bounded when <c>(1 − α) σ ≤ 1</c>, with <c>σ</c> the geometric mean of the spectral norms:
/// <code>
/// σ_b = (Π_{t=1}^{T} ‖J(ẑ_{b,t})‖₂)^{1/T}    per sequence b, Jacobians at the states the data imply
/// σ   = max_b σ_b                                 (DurstewitzLab/GTF-shPLRNN, "product_upper_bound")
/// α*  = max(0, 1 − 1/σ)
/// α ← α*                  if α* &gt; α            (raised at once)
/// α ← γ α + (1 − γ) α*    otherwise               (lowered by an exponential average, γ = alpha_decay)
/// </code>
/// </remarks>
public static class GtfAlpha
{
    /// <summary><c>α* = max(0, 1 − 1/σ)</c>.</summary>
    /// <param name="bound"><c>σ</c>, positive.</param>
    public static double Optimal(double bound) => bound > 0 ? Math.Max(0, 1 - 1 / bound) : 0;

    /// <summary>One update of <c>α</c>: raised at once to a larger estimate, else lowered by an exponential average.</summary>
    /// <param name="current">The <c>α</c> in use.</param>
    /// <param name="estimate"><c>α*</c> from the latest batch.</param>
    /// <param name="decay"><c>γ</c> in [0, 1).</param>
    public static double Anneal(double current, double estimate, double decay) =>
        estimate > current ? estimate : decay * current + (1 - decay) * estimate;

    /// <summary><c>σ = max_b exp(mean_t log ‖J_{b,t}‖₂)</c>, the largest per-sequence geometric mean of spectral norms.</summary>
    /// <param name="spectralNorms"><c>‖J_{b,t}‖₂</c>, <c>(B, T)</c>, positive.</param>
    public static double ProductUpperBound(Tensor spectralNorms)
    {
        if (spectralNorms.dim() != 2) throw new ArgumentException($"spectralNorms: expected (B, T), got ({string.Join(", ", spectralNorms.shape)})", nameof(spectralNorms));
        using var scope = NewDisposeScope();
        return spectralNorms.to(ScalarType.Float64).log().mean([1]).max().exp().item<double>();
    }

    /// <summary>The spectral norm (largest singular value) of the model's Jacobian at each state.</summary>
    /// <param name="model">The latent model.</param>
    /// <param name="latents"><c>(B, T, M)</c>.</param>
    /// <returns><c>(B, T)</c>.</returns>
    /// <remarks>An AL-RNN's Jacobian depends only on the linear subregion (<c>J = diag(A) + W diag(d)</c>, <c>d</c> the ReLU units'
    /// pattern), so its norms are computed once per subregion present and gathered: the same values as one decomposition per
    /// state, at a fraction of the cost (with the identity observation every latent estimate lies in one subregion).</remarks>
    public static Tensor SpectralNorms(LatentModel model, Tensor latents)
    {
        using var scope = NewDisposeScope();
        long batch = latents.shape[0], steps = latents.shape[1];
        Tensor states = latents.reshape(batch * steps, model.LatentSize);                                // (B·T, M)
        if (model is AlRnn alrnn)
        {
            var (regions, inverse, _) = alrnn.RegionId(states).unique(sorted: true, return_inverse: true);  // (U), (B·T)
            Tensor representatives = zeros([regions.shape[0], model.LatentSize], states.dtype, states.device)
                .index_copy_(0, inverse!, states);                                                           // one state of each region
            Tensor norms = linalg.svdvals(model.Jacobian(representatives)).select(-1, 0);                   // (U)
            return norms.index_select(0, inverse!).reshape(batch, steps).MoveToOuterDisposeScope();
        }
        Tensor jacobians = model.Jacobian(states);                                                       // (B·T, M, M)
        if (model.LatentSize <= 3) return SmallNorms(jacobians).reshape(batch, steps).MoveToOuterDisposeScope();
        return linalg.svdvals(jacobians).select(-1, 0).reshape(batch, steps).MoveToOuterDisposeScope();
    }

    /// <summary>Spectral norms of many matrices of size 1 to 3 in closed form: <c>‖J‖₂ = √λ_max(JᵀJ)</c>, the largest eigenvalue of
    /// the symmetric <c>JᵀJ</c> by the trigonometric formula for 3 × 3 (Smith 1961), the quadratic one for 2 × 2. Relative
    /// precision about 1e-15, down to about 1e-8 where the two largest eigenvalues coincide (more than α needs).</summary>
    /// <remarks>Written by hand: libtorch decomposes a batch of 3 × 3 matrices one by one at a few microseconds each, which made
    /// the adaptive α more than half of a shPLRNN epoch (<c>M = 3</c>) once the unroll itself was fused.</remarks>
    /// <param name="jacobians"><c>(K, M, M)</c>, <c>M ≤ 3</c>.</param>
    /// <returns><c>(K)</c>, in the jacobians' dtype.</returns>
    internal static Tensor SmallNorms(Tensor jacobians)
    {
        int m = (int)jacobians.shape[^1];
        if (m > 3 || jacobians.shape[^2] != m) throw new ArgumentException("expected square matrices of size 1 to 3", nameof(jacobians));
        long count = jacobians.shape[0];
        double[] j;
        using (var values = jacobians.detach().to(ScalarType.Float64).cpu().contiguous()) j = values.data<double>().ToArray();
        var norms = new double[count];
        Span<double> g = stackalloc double[9];                                  // JᵀJ, row-major
        for (long k = 0; k < count; k++)
        {
            var a = j.AsSpan((int)(k * m * m), m * m);
            for (int r = 0; r < m; r++)
                for (int c = r; c < m; c++)
                {
                    double sum = 0;
                    for (int i = 0; i < m; i++) sum += a[i * m + r] * a[i * m + c];
                    g[r * m + c] = g[c * m + r] = sum;
                }
            norms[k] = Math.Sqrt(Math.Max(0, LargestEigenvalue(g[..(m * m)], m)));
        }
        return tensor(norms, ScalarType.Float64).to(jacobians.dtype, jacobians.device);
    }

    /// <summary>The largest eigenvalue of a symmetric matrix of size 1 to 3.</summary>
    static double LargestEigenvalue(ReadOnlySpan<double> s, int m)
    {
        if (m == 1) return s[0];
        if (m == 2)
        {
            double half = (s[0] - s[3]) / 2;
            return (s[0] + s[3]) / 2 + Math.Sqrt(half * half + s[1] * s[1]);
        }
        double offDiagonal = s[1] * s[1] + s[2] * s[2] + s[5] * s[5];
        double q = (s[0] + s[4] + s[8]) / 3;
        double d0 = s[0] - q, d1 = s[4] - q, d2 = s[8] - q;
        double p2 = d0 * d0 + d1 * d1 + d2 * d2 + 2 * offDiagonal;
        if (p2 <= 1e-300) return q;                                              // a multiple of the identity
        double p = Math.Sqrt(p2 / 6);
        // det((S − qI) / p) / 2, clamped against rounding
        double b0 = d0 / p, b1 = d1 / p, b2 = d2 / p, o01 = s[1] / p, o02 = s[2] / p, o12 = s[5] / p;
        double det = b0 * (b1 * b2 - o12 * o12) - o01 * (o01 * b2 - o12 * o02) + o02 * (o01 * o12 - b1 * o02);
        double r = Math.Clamp(det / 2, -1, 1);
        return q + 2 * p * Math.Cos(Math.Acos(r) / 3);
    }

    /// <summary><c>α*</c> for a batch of windows: Jacobians at the latent estimates of the observations after the first.</summary>
    /// <param name="model">The latent model.</param>
    /// <param name="observation">Gives the latent estimates (<see cref="ObservationModel.LatentEstimate"/>).</param>
    /// <param name="windows"><c>(B, T + 1, N)</c>.</param>
    /// <returns><c>σ</c> and <c>α*</c>.</returns>
    public static (double Bound, double Alpha) Estimate(LatentModel model, ObservationModel observation, Tensor windows)
    {
        using var scope = NewDisposeScope();
        Tensor latents = observation.LatentEstimate(windows.narrow(1, 1, windows.shape[1] - 1));  // (B, T, M)
        double bound = ProductUpperBound(SpectralNorms(model, latents));
        return (bound, Optimal(bound));
    }
}
