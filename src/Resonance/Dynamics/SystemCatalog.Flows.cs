using static TorchSharp.torch;

namespace Resonance.Dynamics;

public static partial class SystemCatalog
{
    const string Sprott2003 = "Sprott, Chaos and Time-Series Analysis (Oxford 2003), Appendix A";
    const string NakamuraSpectra = "T. Nakamura (University of Hyogo), \"Nonlinear systems and Lyapunov spectrum\", sites.google.com/view/lyapunov-spectrum (RK4, h = 0.001, Gram–Schmidt)";

    /// <summary>The named chaotic flows (the Sprott 1994 set is in <see cref="SprottFlows"/>).</summary>
    static IEnumerable<DynamicalSystem> Flows()
    {
        yield return Flow("lorenz63", "x y z", "x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz",
            P(("sigma", 10), ("rho", 28), ("beta", 8.0 / 3)), [-9.7869288, -15.03852, 20.533978], 0.01, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(p["sigma"] * (y - x), x * (p["rho"] - z) - y, x * y - p["beta"] * z); }) with
        { PublishedLargestExponent = 0.9056, Source = Sprott2003, Note = "Lorenz 1963; spectrum (0.9056, 0, −14.5723)" };

        yield return Flow("rossler", "x y z", "x' = −y − z, y' = x + ay, z' = b + z(x − c)",
            P(("a", 0.2), ("b", 0.2), ("c", 5.7)), [6.5134412, 0.4772013, 0.34164294], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(-y - z, x + p["a"] * y, p["b"] + z * (x - p["c"])); }) with
        { PublishedLargestExponent = 0.0714, Source = Sprott2003, Note = "Rössler 1976; spectrum (0.0714, 0, −5.3943)", LyapunovSteps = 16000 };

        yield return Flow("chen", "x y z", "x' = a(y − x), y' = (c − a)x − xz + cy, z' = xy − bz",
            P(("a", 35), ("b", 3), ("c", 28)), [3.2689697, 5.2990458, 19.435349], 0.002, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(p["a"] * (y - x), (p["c"] - p["a"]) * x - x * z + p["c"] * y, x * y - p["b"] * z); }) with
        { PublishedLargestExponent = 2.0232, Source = NakamuraSpectra, Note = "Chen & Ueta 1999; spectrum (2.0232, −0.0005, −12.0227) at a = 35, b = 3, c = 28 " +
            "(the 2.0272 entered before, credited to Sprott 2003, was not found in a source); a fast flow (dt 0.002) whose estimate needs many steps", LyapunovSteps = 40000 };

        yield return Flow("chua", "x y z", "x' = α(y − x − g(x)), y' = x − y + z, z' = −βy, g(x) = m1·x + (m0 − m1)(|x + 1| − |x − 1|)/2",
            P(("alpha", 9), ("beta", 100.0 / 7), ("m0", -8.0 / 7), ("m1", -5.0 / 7)), [-1.85, -0.17, 2.01], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                Tensor g = p["m1"] * x + 0.5 * (p["m0"] - p["m1"]) * ((x + 1).abs() - (x - 1).abs());
                return Join(p["alpha"] * (y - x - g), x - y + z, -p["beta"] * y);
            }) with
        { PublishedLargestExponent = 0.3271, Source = Sprott2003, Note = "Chua's circuit, double scroll (Matsumoto, Chua & Komuro 1985); spectrum (0.3271, 0, −2.5197)" };

        yield return Flow("halvorsen", "x y z", "x' = −ax − b(y + z) − y², y' = −ay − b(z + x) − z², z' = −az − b(x + y) − x²",
            P(("a", 1.4), ("b", 4)), [-8.6807408, -2.4741399, 0.070775762], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                double a = p["a"], b = p["b"];
                return Join(-a * x - b * (y + z) - y * y, -a * y - b * (z + x) - z * z, -a * z - b * (x + y) - x * x);
            }) with
        { Note = "Halvorsen (Sprott, Elegant Chaos 2010); no published exponent entered" };

        yield return Flow("thomas", "x y z", "x' = −bx + sin y, y' = −by + sin z, z' = −bz + sin x",
            P(("b", 0.18)), [-1.97, -1.78, -2.17], 0.05, 400,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); double b = p["b"]; return Join(-b * x + y.sin(), -b * y + z.sin(), -b * z + x.sin()); }) with
        { Note = "Thomas 1999, cyclically symmetric; no published exponent entered (0.0349, entered before and credited to Sprott 2003, was not found in a source; " +
            "our estimates over 800 to 2,000 time units: 0.036 to 0.038)", LyapunovSteps = 40000 };

        yield return Flow("aizawa", "x y z", "x' = (z − b)x − dy, y' = dx + (z − b)y, z' = c + az − z³/3 − (x² + y²)(1 + ez) + fzx³",
            P(("a", 0.95), ("b", 0.7), ("c", 0.6), ("d", 3.5), ("e", 0.25), ("f", 0.1)), [-0.78450179, -0.62887672, -0.17620268], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                Tensor r2 = x * x + y * y;
                return Join((z - p["b"]) * x - p["d"] * y, p["d"] * x + (z - p["b"]) * y,
                    p["c"] + p["a"] * z - z.pow(3) / 3 - r2 * (1 + p["e"] * z) + p["f"] * z * x.pow(3));
            }) with
        { Note = "Aizawa & Uezu 1982; no published exponent entered", LyapunovSteps = 8000 };

        yield return Flow("dadras", "x y z", "x' = y − px + oyz, y' = ry − xz + z, z' = cxy − ez",
            P(("p", 3), ("o", 2.7), ("r", 1.7), ("c", 2), ("e", 9)), [1.0284085, -3.5348655, -0.72081646], 0.01, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y - p["p"] * x + p["o"] * y * z, p["r"] * y - x * z + z, p["c"] * x * y - p["e"] * z); }) with
        { Note = "Dadras & Momeni 2009; no published exponent entered" };

        yield return Lorenz96(10);
        yield return Lorenz96(40);

        yield return Flow("duffing", "x v c s", "x' = v, v' = −δv + x − x³ + γc, with the forcing's phase as an oscillator c' = −ωs, s' = ωc (c = cos ωt)",
            P(("delta", 0.25), ("gamma", 0.4), ("omega", 1)), [-0.64, 0.68, 0.56, 0.83], 0.05, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), v = C(s, 1), c = C(s, 2), sine = C(s, 3);
                return Join(v, -p["delta"] * v + x - x.pow(3) + p["gamma"] * c, -p["omega"] * sine, p["omega"] * c);
            }) with
        { Note = "Duffing's two-well oscillator x'' + δx' − x + x³ = γ cos ωt, made autonomous by a (c, s) phase oscillator, whose two exponents are 0. " +
            "No published exponent entered: 0.1361, entered before and credited to Sprott 2003, was not found in a source and is not reproduced " +
            "(QR and tangent estimates over 400 to 2,000 time units give 0.157 to 0.168); the spectrum that was found (Nakamura's pages) is for Ueda's " +
            "x'' + kx' + x³ = B cos t, another system", LyapunovSteps = 16000 };

        yield return Flow("rabinovich-fabrikant", "x y z", "x' = y(z − 1 + x²) + γx, y' = x(3z + 1 − x²) + γy, z' = −2z(α + xy)",
            P(("alpha", 1.1), ("gamma", 0.87)), [-0.51, 1.85, 0.76], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                return Join(y * (z - 1 + x * x) + p["gamma"] * x, x * (3 * z + 1 - x * x) + p["gamma"] * y, -2 * z * (p["alpha"] + x * y));
            }) with
        { PublishedLargestExponent = 0.1981, Source = Sprott2003 + ", as cited by Wikipedia's \"Rabinovich–Fabrikant equations\" (γ = 0.87, α = 1.1)",
            Note = "Rabinovich & Fabrikant 1979; spectrum (0.1981, 0, −0.6581); its trajectories differ much over short runs", LyapunovSteps = 40000 };

        yield return Flow("rucklidge", "x y z", "x' = −κx + λy − yz, y' = x, z' = −z + y²",
            P(("kappa", 2), ("lambda", 6.7)), [1.9257158, 3.1923835, 5.7829655], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(-p["kappa"] * x + p["lambda"] * y - y * z, x, -z + y * y); }) with
        { Note = "Rucklidge 1992, double convection; no published exponent entered", LyapunovSteps = 8000 };

        yield return Flow("arneodo", "x y z", "x' = y, y' = z, z' = −ax − by − cz + dx³",
            P(("a", -5.5), ("b", 4.5), ("c", 1), ("d", -1)), [-2.7515698, 0.19079818, 3.4703629], 0.02, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y, z, -p["a"] * x - p["b"] * y - p["c"] * z + p["d"] * x.pow(3)); }) with
        { Note = "Arneodo, Coullet & Tresser 1980; no published exponent entered", LyapunovSteps = 8000 };

        yield return Flow("sprott-jerk", "x y z", "x' = y, y' = z, z' = −x + y² − Az  (x''' + Ax'' − x'² + x = 0)",
            P(("A", 2.017)), [-0.54106056, 0.59383201, 0.45127217], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y, z, -x + y * y - p["A"] * z); }) with
        { PublishedLargestExponent = 0.0550, Source = "Sprott, Phys. Lett. A 228, 271 (1997), simplest dissipative chaotic flow", Note = "spectrum (0.0550, 0, −2.0720)", LyapunovSteps = 16000 };

        yield return Flow("diffusionless-lorenz", "x y z", "x' = −y − x, y' = −xz, z' = xy + R",
            P(("R", 1)), [1.01, -0.31, -0.81], 0.02, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(-y - x, -x * z, x * y + p["R"]); }) with
        { PublishedLargestExponent = 0.2101, Source = Sprott2003, Note = "van der Schrier & Maas 2000; spectrum (0.2101, 0, −1.2101)", LyapunovSteps = 8000 };

        yield return Flow("chen-lee", "x y z", "x' = ax − yz, y' = by + xz, z' = cz + xy/3",
            P(("a", 5), ("b", -10), ("c", -0.38)), [0.17177112, 0.10360479, 6.2553878], 0.01, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(p["a"] * x - y * z, p["b"] * y + x * z, p["c"] * z + x * y / 3); }) with
        { Note = "Chen & Lee 2004, rigid-body gyro; no published exponent entered" };

        yield return Flow("lu-chen", "x y z", "x' = a(y − x), y' = −xz + cy, z' = xy − bz",
            P(("a", 36), ("b", 3), ("c", 20)), [10.956479, 9.8813092, 22.676714], 0.005, 2000,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(p["a"] * (y - x), -x * z + p["c"] * y, x * y - p["b"] * z); }) with
        { Note = "Lü & Chen 2002; no published exponent entered" };

        yield return Flow("genesio-tesi", "x y z", "x' = y, y' = z, z' = −cx − by − az + x²",
            P(("a", 0.44), ("b", 1.1), ("c", 1)), [-0.053772565, -0.26162564, 0.33501557], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y, z, -p["c"] * x - p["b"] * y - p["a"] * z + x * x); }) with
        { Note = "Genesio & Tesi 1992; no published exponent entered", LyapunovSteps = 16000 };

        yield return Flow("hadley", "x y z", "x' = −y² − z² − ax + aF, y' = xy − bxz − y + G, z' = bxy + xz − z",
            P(("a", 0.2), ("b", 4), ("F", 9), ("G", 1)), [1.3664423, 0.9309146, 0.64283417], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                return Join(-y * y - z * z - p["a"] * x + p["a"] * p["F"], x * y - p["b"] * x * z - y + p["G"], p["b"] * x * y + x * z - z);
            }) with
        { Note = "Lorenz 1984's Hadley circulation model (the flow behind lorenz84-map's name); no published exponent entered" };

        yield return Flow("shimizu-morioka", "x y z", "x' = y, y' = x − ay − xz, z' = −bz + x²",
            P(("a", 0.85), ("b", 0.5)), [0.016838697, 0.03489384, 0.35346848], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y, x - p["a"] * y - x * z, -p["b"] * z + x * x); }) with
        { Note = "Shimizu & Morioka 1980; no published exponent entered", LyapunovSteps = 16000 };

        yield return Flow("moore-spiegel", "x y z", "x' = y, y' = az, z' = −z + εy − yx² − bx",
            P(("a", 10), ("b", 4), ("eps", 9)), [-3.4733266, 19.666962, -3.8262485], 0.005, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(y, p["a"] * z, -z + p["eps"] * y - y * x * x - p["b"] * x); }) with
        { Note = "Moore & Spiegel 1966, thermo-mechanical oscillator (dysts' parameters); no published exponent entered" };

        yield return Flow("burke-shaw", "x y z", "x' = −n(x + y), y' = y − nxz, z' = nxy + e",
            P(("n", 10), ("e", 13)), [-0.79153188, 0.65244479, 0.22517831], 0.002, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(-p["n"] * (x + y), y - p["n"] * x * z, p["n"] * x * y + p["e"]); }) with
        { Note = "Shaw 1981; no published exponent entered" };

        yield return Flow("lorenz84", "x y z", "x' = −ax − y² − z² + aF, y' = −y + xy − bxz + G, z' = −z + bxy + xz",
            P(("a", 1.32), ("b", 7.91), ("F", 4.83), ("G", 4.194)), [1.926479236120359, -0.13402110197257552, -1.72146730664761], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                return Join(-p["a"] * x - y * y - z * z + p["a"] * p["F"], -y + x * y - p["b"] * x * z + p["G"], -z + p["b"] * x * y + x * z);
            }) with
        { Note = "Lorenz 1984 (dysts' parameters); no published exponent entered" };

        yield return Flow("lorenz-stenflo", "x y z w", "x' = a(y − x) + dw, y' = cx − xz − y, z' = xy − bz, w' = −x − aw",
            P(("a", 2), ("b", 0.7), ("c", 26), ("d", 1.5)), [4.233438598886809, 9.08970605484108, 21.86662535600487, -1.4080695182833802], 0.01, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2), w = C(s, 3);
                return Join(p["a"] * (y - x) + p["d"] * w, p["c"] * x - x * z - y, x * y - p["b"] * z, -x - p["a"] * w);
            }) with
        { Note = "Stenflo 1996, acoustic-gravity waves; no published exponent entered" };

        yield return Flow("rayleigh-benard", "x y z", "x' = a(y − x), y' = ry − xz, z' = xy − bz",
            P(("a", 30), ("b", 5), ("r", 18)), [-15.660582, -13.32018, 26.879362], 0.005, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join(p["a"] * (y - x), p["r"] * y - x * z, x * y - p["b"] * z); }) with
        { Note = "Yanagita & Kaneko 1995 (dysts' parameters); no published exponent entered" };

        yield return Flow("finance", "x y z", "x' = (1/b − a)x + z + xy, y' = −by − x², z' = −x − cz",
            P(("a", 0.001), ("b", 0.2), ("c", 1.1)), [-0.51664739, -3.9568707, 0.0012893581], 0.05, 200,
            (s, p) => { Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2); return Join((1 / p["b"] - p["a"]) * x + z + x * y, -p["b"] * y - x * x, -x - p["c"] * z); }) with
        { Note = "Cai & Huang 2007, a finance system (after Ma & Chen 2001); no published exponent entered", LyapunovSteps = 8000 };

        yield return Flow("sakarya", "x y z", "x' = ax + hy + syz, y' = −by − px + qxz, z' = cz − rxy",
            P(("a", -1), ("b", 1), ("c", 1), ("h", 1), ("p", 1), ("q", 0.4), ("r", 0.3), ("s", 1)), [-2.8976045, 3.8877978, 3.07465], 0.02, 200,
            (s, p) =>
            {
                Tensor x = C(s, 0), y = C(s, 1), z = C(s, 2);
                return Join(p["a"] * x + p["h"] * y + p["s"] * y * z, -p["b"] * y - p["p"] * x + p["q"] * x * z, p["c"] * z - p["r"] * x * y);
            }) with
        { Note = "Li et al. 2015, a four-wing attractor; no published exponent entered", LyapunovSteps = 8000 };
    }

    /// <summary>Lorenz-96 with <paramref name="size"/> sites on a ring.</summary>
    static DynamicalSystem Lorenz96(int size)
    {
        var initial = new double[size];
        for (int i = 0; i < size; i++) initial[i] = 8;
        initial[0] = 8.01;                                                                    // F plus a nudge off the fixed point
        return new DynamicalSystem($"lorenz96-{size}", SystemKind.Flow, [.. Enumerable.Range(1, size).Select(i => $"x{i}")],
            "x_i' = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F, indices modulo N", [("F", 8)], initial, 0.01, 2000,
            (s, p) => (s.roll(-1, 1) - s.roll(2, 1)) * s.roll(1, 1) - s + p["F"])                 // (B, N)
        {
            Note = $"Lorenz 1996, N = {size}; no published exponent entered (Lorenz & Emanuel 1998 give a doubling time of about 0.4 at N = 40, F = 8)",
        };
    }
}
