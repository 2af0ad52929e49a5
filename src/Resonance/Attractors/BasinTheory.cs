using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>
/// A theory reference for the capacity boundary with a basin requirement: the network of optimal stability (Gardner 1988)
/// run in the strongly diluted limit (Derrida, Gardner &amp; Zippelius 1987), where the overlap obeys a closed one-step map.
/// </summary>
/// <remarks>
/// Couplings normalised per row, <c>Σ_j w_ij² = 1</c>, stability of bit <c>i</c> of a memory <c>Δ = m_i Σ_j w_ij m_j</c>.
/// At load <c>α = P/N</c> the largest common stability <c>κ</c> solves
/// <code>
/// 1/α = ∫_{-κ}^{∞} Dt (t + κ)² = (1 + κ²) Φ(κ) + κ φ(κ)
/// </code>
/// and the stabilities are distributed as <c>Δ = max(t, κ)</c>, <c>t ~ N(0, 1)</c>. From a state of overlap <c>m</c> the field
/// of bit <c>i</c> is <c>m Δ + √(1 − m²) z</c> in the diluted limit, so the next overlap is
/// <code>
/// m' = E_Δ erf(m Δ / √(2 (1 − m²)))
/// </code>
/// A cue with a fraction <c>f</c> of its bits flipped starts at <c>m₀ = 1 − 2f</c>; it is recovered when iterating the map
/// reaches <c>m = 1</c>. <see cref="DiluteCapacity"/> is the largest <c>α</c> for which it does. The diluted limit has no feedback
/// correlations, so this is an optimistic reference for a fully connected net, not a bound on it; the stabilities are the
/// optimal ones for fixed points, not for basins (training with noise can do somewhat better in the diluted limit).
/// Hand-written: a few lines of quadrature that no library here offers; <c>erf</c> comes from TorchSharp.
/// </remarks>
public static class BasinTheory
{
    /// <summary><c>1/α_c(κ) = ∫_{-κ}^{∞} Dt (t + κ)²</c>: the inverse of the largest load with every stability ≥ <paramref name="kappa"/>.</summary>
    public static double InverseLoad(double kappa) => (1 + kappa * kappa) * NormalCdf(kappa) + kappa * NormalDensity(kappa);

    /// <summary>The optimal stability <c>κ</c> at load <paramref name="load"/> (bisection on <see cref="InverseLoad"/>, which rises with κ).</summary>
    public static double OptimalStability(double load)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(load);
        double lo = -8, hi = 20;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (1 / InverseLoad(mid) > load) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>The diluted one-step map <c>m' = E_Δ erf(m Δ / √(2(1 − m²)))</c> with <c>Δ = max(t, κ)</c>.</summary>
    /// <param name="overlap"><c>m</c> in [0, 1).</param>
    /// <param name="kappa">The optimal stability.</param>
    public static double NextOverlap(double overlap, double kappa)
    {
        if (overlap >= 1) return 1;
        using var scope = NewDisposeScope();
        double scale = overlap / Math.Sqrt(2 * (1 - overlap * overlap));
        // Bits at the common stability κ (weight Φ(κ)), then the Gaussian tail t > κ by the trapezoid rule.
        const int points = 4001;
        double top = Math.Max(kappa, 0) + 12, step = (top - kappa) / (points - 1);
        Tensor t = linspace(kappa, top, points, dtype: float64);
        Tensor weights = ones(points, dtype: float64) * step;
        weights[0] = step / 2;
        weights[points - 1] = step / 2;
        Tensor density = (-t.square() / 2).exp() / Math.Sqrt(2 * Math.PI);
        double tail = (weights * density * special.erf(t * scale)).sum().item<double>();
        using var atKappa = special.erf(tensor(kappa * scale, dtype: float64));
        return NormalCdf(kappa) * atKappa.item<double>() + tail;
    }

    /// <summary>Whether a cue at overlap <paramref name="start"/> iterates to a full recall (overlap &gt;= 1 − 1e-4) at load <paramref name="load"/>.</summary>
    public static bool Recovers(double load, double start)
    {
        double kappa = OptimalStability(load), m = start;
        for (int i = 0; i < 500; i++)
        {
            if (m >= 1 - 1e-4) return true;
            double next = NextOverlap(m, kappa);
            if (next <= m + 1e-9) return false;
            m = next;
        }
        return m >= 1 - 1e-4;
    }

    /// <summary>The largest load whose optimal-stability net recovers cues with <paramref name="flipFraction"/> of their bits
    /// flipped, in the diluted limit (bisection on the load, to 1e-3).</summary>
    public static double DiluteCapacity(double flipFraction)
    {
        if (!(flipFraction >= 0 && flipFraction < 0.5)) throw new ArgumentOutOfRangeException(nameof(flipFraction), flipFraction, "a flip fraction in [0, 0.5)");
        double start = 1 - 2 * flipFraction, lo = 1e-3, hi = 2;
        if (!Recovers(lo, start)) return 0;
        while (hi - lo > 1e-3)
        {
            double mid = (lo + hi) / 2;
            if (Recovers(mid, start)) lo = mid; else hi = mid;
        }
        return lo;
    }

    static double NormalDensity(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

    static double NormalCdf(double x)
    {
        using var value = special.erf(tensor(x / Math.Sqrt(2), dtype: float64));
        return 0.5 * (1 + value.item<double>());
    }
}
