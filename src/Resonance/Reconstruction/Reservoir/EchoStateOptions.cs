namespace Resonance.Reconstruction;

/// <summary>The state part of an echo state network's readout features.</summary>
public enum ReadoutFeatures
{
    /// <summary><c>x̃_t = x_t</c>.</summary>
    Linear,
    /// <summary><c>x̃_{t,i} = x_{t,i}²</c> for even i (0, 2, 4, …), <c>x_{t,i}</c> for odd i: Pathak, Hunt, Girvan, Lu &amp; Ott 2018
    /// (Phys. Rev. Lett. 120, 024102) and Pathak et al. 2017 (Chaos 27, 121102). A reservoir without bias is odd in its input
    /// (<c>x(−u) = −x(u)</c>), so a linear readout can only learn odd maps; the squares break that symmetry (Herteux &amp; Räth 2020,
    /// Chaos 30, 123142), as a bias does.</summary>
    SquaredEven,
}

/// <summary>Options of the echo state network (<see cref="EchoStateNetwork"/>), bound from an experiment's <c>model:</c> section.</summary>
/// <example><code>
/// model:
///   type: esn
///   units: 1000
///   spectral_radius: 0.9
///   connectivity: 0.1
///   leak_rate: 1.0
///   input_scaling: 0.5
///   ridge: 1.0e-6
/// </code></example>
public sealed record EchoStateOptions
{
    /// <summary>Reservoir units N (<c>model.units</c>).</summary>
    public int Units { get; init; } = 1000;
    /// <summary>Largest |eigenvalue| of the recurrent matrix after scaling (<c>model.spectral_radius</c>).</summary>
    public double SpectralRadius { get; init; } = 0.9;
    /// <summary>Fraction of recurrent weights that are nonzero, each drawn independently (<c>model.connectivity</c>).</summary>
    public double Connectivity { get; init; } = 0.1;
    /// <summary>Leak rate a in <c>x ← (1 − a) x + a tanh(…)</c>; 1 for no leak (<c>model.leak_rate</c>).</summary>
    public double LeakRate { get; init; } = 1.0;
    /// <summary>Input weights are drawn from <c>U(−s, s)</c> with this s (<c>model.input_scaling</c>).</summary>
    public double InputScaling { get; init; } = 1.0;
    /// <summary>Bias entries are drawn from <c>U(−s, s)</c> with this s; 0 for no bias (<c>model.bias_scaling</c>).</summary>
    public double BiasScaling { get; init; }
    /// <summary>Ridge (Tikhonov) penalty λ of the readout, on every readout weight (<c>model.ridge</c>).</summary>
    public double Ridge { get; init; } = 1e-6;
    /// <summary>Leading teacher-forced steps whose states the readout fit ignores (<c>model.washout</c>).</summary>
    public int Washout { get; init; } = 100;
    /// <summary>Whether the readout sees the input <c>u_t</c> beside the state (<c>model.readout_input</c>).</summary>
    public bool ReadoutInput { get; init; } = true;
    /// <summary>What the readout sees of the state (<c>model.readout_features</c>): <c>linear</c> (<c>x_t</c>) or <c>squared-even</c>
    /// (Pathak et al. 2018: <c>x_i²</c> for even i, <c>x_i</c> for odd i).</summary>
    public ReadoutFeatures ReadoutFeatures { get; init; } = ReadoutFeatures.Linear;

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        OptionChecks.WholeInRange("model.units", Units, 1, 20_000);
        OptionChecks.Positive("model.spectral_radius", SpectralRadius);
        if (!(Connectivity > 0 && Connectivity <= 1))
            throw new UserInputException($"model.connectivity: expected a fraction in (0, 1], got {OptionChecks.Format(Connectivity)}.");
        if (!(LeakRate > 0 && LeakRate <= 1))
            throw new UserInputException($"model.leak_rate: expected a number in (0, 1], got {OptionChecks.Format(LeakRate)}.");
        OptionChecks.NonNegative("model.input_scaling", InputScaling);
        OptionChecks.NonNegative("model.bias_scaling", BiasScaling);
        OptionChecks.NonNegative("model.ridge", Ridge);
        OptionChecks.WholeInRange("model.washout", Washout, 0, 10_000_000);
    }
}
