using System.Globalization;
using Resonance.Dynamics;

namespace Resonance.Reconstruction;

/// <summary>The model a reconstruction run fits (<c>model.type</c>).</summary>
public enum ReconstructionModelType
{
    /// <summary>Echo state network (<see cref="EchoStateNetwork"/>), readout in closed form.</summary>
    Esn,
    /// <summary>Next-generation reservoir (<see cref="NextGenerationReservoir"/>), readout in closed form.</summary>
    Ngrc,
    /// <summary>Shallow PLRNN (<see cref="ShallowPlrnn"/>), trained.</summary>
    Shplrnn,
    /// <summary>Clipped shallow PLRNN, trained.</summary>
    ShplrnnClipped,
    /// <summary>Almost-linear RNN (<see cref="AlRnn"/>), trained.</summary>
    Alrnn,
}

/// <summary>Where a reconstruction's series comes from and how it is split (section <c>data</c>).</summary>
/// <remarks>The series <c>(T, D)</c> is split in time: the first <c>train_fraction · T</c> rows train, the rest test.
/// With <c>standardize</c> every column is z-scored with the training rows' mean and standard deviation; all metrics are
/// taken in these units.</remarks>
public sealed record ReconstructionDataOptions
{
    /// <summary>A catalogue system (<c>resonance data systems</c>), or null when <see cref="File"/> is given.</summary>
    public string? System { get; init; }
    /// <summary>A CSV or .npy series <c>(T, D)</c>, or null when <see cref="System"/> is given.</summary>
    public string? File { get; init; }
    /// <summary>Rows generated from the system.</summary>
    public int Steps { get; init; } = 20_000;
    /// <summary>The flow's step (also the sampling interval of a file, default 1); null: the system's default.</summary>
    public double? Dt { get; init; }
    /// <summary>Steps discarded before recording; null: the system's default.</summary>
    public int? Transient { get; init; }
    /// <summary>Observation noise in standard deviations of each variable.</summary>
    public double Noise { get; init; }
    /// <summary>Parameter overrides, each <c>name=value</c> (<c>[rho=28]</c>).</summary>
    public IReadOnlyList<string> Params { get; init; } = [];
    /// <summary>Z-score every column with the training rows' statistics.</summary>
    public bool Standardize { get; init; } = true;
    /// <summary>Fraction of the rows that train; the rest test.</summary>
    public double TrainFraction { get; init; } = 0.8;

    /// <summary>Refuses a value out of range or a malformed parameter (the source is checked by <see cref="ValidateSource"/>).</summary>
    /// <exception cref="UserInputException">The first problem.</exception>
    public void Validate()
    {
        OptionChecks.WholeInRange("data.steps", Steps, 10, 10_000_000);
        if (Dt is double dt) OptionChecks.Positive("data.dt", dt);
        if (Transient is int transient) OptionChecks.WholeAtLeast("data.transient", transient, 0);
        OptionChecks.NonNegative("data.noise", Noise);
        OptionChecks.InRange("data.train_fraction", TrainFraction, 0.05, 0.95);
        ParameterValues();
    }

    /// <summary>Refuses neither or both of <see cref="System"/> and <see cref="File"/> (a run of one series needs exactly one).</summary>
    /// <exception cref="UserInputException">Neither or both.</exception>
    public void ValidateSource()
    {
        if ((System is null) == (File is null))
            throw new UserInputException(System is null
                ? "data: give data.system (a catalogue name, e.g. lorenz63) or data.file (a CSV or .npy series)."
                : "data: give data.system or data.file, not both; set the other to ~.");
    }

    /// <summary><see cref="Params"/> as a dictionary.</summary>
    /// <exception cref="UserInputException">An entry is not <c>name=number</c>.</exception>
    public IReadOnlyDictionary<string, double> ParameterValues()
    {
        var values = new Dictionary<string, double>();
        foreach (string entry in Params)
        {
            string[] parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new UserInputException($"data.params: \"{entry}\" is not name=number; write e.g. data.params=[rho=28].");
            values[parts[0]] = value;
        }
        return values;
    }

    /// <summary>The options of <see cref="SystemSimulation.Generate"/> for <paramref name="system"/>.</summary>
    public SimulationOptions Simulation(DynamicalSystem system, long seed) => new()
    {
        Steps = Steps,
        TimeStep = system.Kind == SystemKind.Map ? null : Dt,
        TransientSteps = Transient,
        Noise = Noise,
        Seed = seed,
        Parameters = ParameterValues(),
    };
}

/// <summary>How a reconstruction is judged (section <c>evaluation</c>; its <c>metrics</c> subsection is <see cref="MetricOptions"/>).</summary>
/// <remarks>
/// D_stsp and D_H: the model, warmed up on the <see cref="Warmup"/> test rows before the window (reservoirs) or started
/// from the last of them (latent models), runs freely for <c>⌊1.25 T⌋</c> steps; the first <c>⌊0.25 T⌋</c> are dropped
/// and the rest compared with the <c>T</c> true test rows (<see cref="EvaluationWindow"/>). Valid prediction time: from
/// each of <see cref="Starts"/> evenly spaced test starts the model forecasts <see cref="Horizon"/> steps; the median
/// over starts is reported. The floor is the same D_stsp and D_H between the test window and an independent stretch of
/// true data of the same length (the last <c>T</c> training rows, many Lyapunov times away on a chaotic attractor).
/// </remarks>
public sealed record ReconstructionEvaluationOptions
{
    /// <summary>True rows <c>T</c> compared by D_stsp and D_H.</summary>
    public int TestSteps { get; init; } = 2000;
    /// <summary>Known rows before each forecast (reservoir warm-up; a latent model starts from the last one).</summary>
    public int Warmup { get; init; } = 100;
    /// <summary>Test starts for the valid prediction time and the n-step error.</summary>
    public int Starts { get; init; } = 20;
    /// <summary>Steps forecast from each start.</summary>
    public int Horizon { get; init; } = 1000;
    /// <summary>Steps of the QR estimate of the model's largest Lyapunov exponent; 0 skips it.</summary>
    public int LyapunovSteps { get; init; } = 2000;
    /// <summary>The true system's largest exponent per unit time; null: the catalogue's published value, else estimated (a file needs it for VPT in Lyapunov times).</summary>
    public double? LargestExponent { get; init; }

    /// <exception cref="UserInputException">A value out of range.</exception>
    public void Validate()
    {
        OptionChecks.WholeAtLeast("evaluation.test_steps", TestSteps, 10);
        OptionChecks.WholeAtLeast("evaluation.warmup", Warmup, 1);
        OptionChecks.WholeAtLeast("evaluation.starts", Starts, 1);
        OptionChecks.WholeAtLeast("evaluation.horizon", Horizon, 1);
        OptionChecks.WholeAtLeast("evaluation.lyapunov_steps", LyapunovSteps, 0);
        if (LargestExponent is double lambda) OptionChecks.Positive("evaluation.largest_exponent", lambda);
    }
}
