using static TorchSharp.torch;

namespace Resonance.Dynamics;

public static partial class SystemCatalog
{
    /// <summary>The chaotic maps. Exponents are per iteration.</summary>
    static IEnumerable<DynamicalSystem> Maps()
    {
        yield return Map("henon", "x y", "x' = 1 − ax² + y, y' = bx", P(("a", 1.4), ("b", 0.3)), [0.1, 0.1], 1000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(1 - p["a"] * x * x + y, p["b"] * x); }) with
        { PublishedLargestExponent = 0.41922, Source = Sprott2003, Note = "Hénon 1976; spectrum (0.41922, −1.62319), sum ln b" };

        yield return Map("logistic", "x", "x' = rx(1 − x)", P(("r", 4)), [0.3], 1000,
            (s, p) => { Tensor x = C(s, 0); return Join(p["r"] * x * (1 - x)); }) with
        { PublishedLargestExponent = Math.Log(2), Source = "exact at r = 4: ln 2 (conjugate to the tent map; Ulam & von Neumann 1947)", Note = "May 1976" };

        yield return Map("ikeda", "x y", "t = k − p/(1 + x² + y²), x' = a + b(x cos t − y sin t), y' = b(x sin t + y cos t)",
            P(("a", 1), ("b", 0.9), ("k", 0.4), ("p", 6)), [0.1, 0.1], 1000,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1);
                Tensor t = p["k"] - p["p"] / (1 + x * x + y * y);
                Tensor cos = t.cos(), sin = t.sin();
                return Join(p["a"] + p["b"] * (x * cos - y * sin), p["b"] * (x * sin + y * cos));
            }) with
        { PublishedLargestExponent = 0.5076, Source = Sprott2003, Note = "Ikeda 1979, a laser in a ring cavity; spectrum (0.5076, −0.7183), sum 2 ln b" };

        yield return Map("tinkerbell", "x y", "x' = x² − y² + ax + by, y' = 2xy + cx + dy",
            P(("a", 0.9), ("b", -0.6013), ("c", 2), ("d", 0.5)), [-0.72, -0.64], 1000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(x * x - y * y + p["a"] * x + p["b"] * y, 2 * x * y + p["c"] * x + p["d"] * y); }) with
        { PublishedLargestExponent = 0.1890, Source = Sprott2003, Note = "Nusse & Yorke 1994; spectrum (0.1890, −0.5205)" };

        yield return Map("standard-map", "theta p", "p' = p + K sin θ (mod 2π), θ' = θ + p' (mod 2π)", P(("K", 1.5)), [0.1, 0.1], 100,
            (s, p) =>
            {
                Tensor theta = C(s, 0), momentum = C(s, 1);
                Tensor next = (momentum + p["K"] * theta.sin()).remainder(2 * Math.PI);
                return Join((theta + next).remainder(2 * Math.PI), next);
            }) with
        { Note = "Chirikov 1979, area-preserving: a chaotic sea among islands, so the exponent depends on the orbit; no published exponent entered" };

        yield return Map("lozi", "x y", "x' = 1 − a|x| + y, y' = bx", P(("a", 1.7), ("b", 0.5)), [0.1, 0.1], 1000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(1 - p["a"] * x.abs() + y, p["b"] * x); }) with
        { PublishedLargestExponent = 0.47023, Source = Sprott2003, Note = "Lozi 1978; spectrum (0.47023, −1.16338), sum ln b" };

        yield return Map("gingerbreadman", "x y", "x' = 1 − y + |x|, y' = x", [], [-0.1, 0], 100,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(1 - y + x.abs(), x); }) with
        { Note = "Devaney 1984, area-preserving and piecewise linear: chaotic orbits fill hexagonal regions; no published exponent entered" };

        yield return Map("duffing-map", "x y", "x' = y, y' = −bx + ay − y³", P(("a", 2.75), ("b", 0.2)), [0.1, 0.1], 1000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(y, -p["b"] * x + p["a"] * y - y.pow(3)); }) with
        { Note = "Holmes 1979, the Duffing (Holmes) map; sum of the spectrum ln b; no published exponent entered" };

        yield return Map("tent", "x", "x' = μ·min(x, 1 − x)", P(("mu", 1.9)), [0.3], 1000,
            (s, p) => { Tensor x = C(s, 0); return Join(p["mu"] * (0.5 - (x - 0.5).abs())); }) with
        { PublishedLargestExponent = Math.Log(1.9), Source = "exact: ln μ (|f'| = μ everywhere)", Note = "μ = 2 is left out: its binary shift reaches 0 in about 53 float64 steps" };

        yield return Map("arnold-cat", "x y", "x' = 2x + y (mod 1), y' = x + y (mod 1)", [], [0.1, 0.2], 0,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join((2 * x + y).remainder(1), (x + y).remainder(1)); }) with
        { PublishedLargestExponent = Math.Log((3 + Math.Sqrt(5)) / 2), Source = "exact: ln((3 + √5)/2), the Jacobian's eigenvalue", Note = "Arnold & Avez 1968, an Anosov map of the torus" };

        yield return Map("delayed-logistic", "x y", "x' = ax(1 − y), y' = x", P(("a", 2.27)), [0.5, 0.5], 1000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1); return Join(p["a"] * x * (1 - y), x); }) with
        { Note = "Maynard Smith 1968, the delayed logistic map; no published exponent entered" };

        yield return Map("chebyshev", "x", "x' = 4x³ − 3x  (T₃(x) = cos(3 arccos x))", [], [0.3], 1000,
            (s, p) => { Tensor x = C(s, 0); return Join(4 * x.pow(3) - 3 * x); }) with
        { PublishedLargestExponent = Math.Log(3), Source = "exact: ln 3 (conjugate to the angle-tripling map)", Note = "Chebyshev polynomial map of degree 3" };
    }
}
