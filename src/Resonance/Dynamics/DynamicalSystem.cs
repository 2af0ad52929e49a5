using System.Globalization;
using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>Whether a system is a flow (an ODE <c>dx/dt = f(x)</c>, integrated) or a map (<c>x_{n+1} = f(x_n)</c>, iterated).</summary>
public enum SystemKind
{
    /// <summary><c>dx/dt = f(x)</c>: <see cref="DynamicalSystem.Field"/> returns the derivative.</summary>
    Flow,
    /// <summary><c>x_{n+1} = f(x_n)</c>: <see cref="DynamicalSystem.Field"/> returns the next state.</summary>
    Map,
}

/// <summary>The right-hand side of a system, batched: <c>(B, D)</c> to <c>(B, D)</c> in the state's dtype, rows independent.</summary>
/// <param name="state"><c>(B, D)</c>.</param>
/// <param name="p">The parameters by name (<see cref="DynamicalSystem.Parameters"/>, with any overrides).</param>
/// <returns>For a flow the derivative <c>dx/dt</c>, for a map the next state; <c>(B, D)</c>.</returns>
public delegate Tensor SystemField(Tensor state, IReadOnlyDictionary<string, double> p);

/// <summary>One entry of the <see cref="SystemCatalog"/>: a chaotic flow or map as data, with its published largest Lyapunov exponent.</summary>
/// <param name="Name">Kebab-case id (<c>lorenz63</c>), what <c>resonance data gen</c> takes.</param>
/// <param name="Kind">Flow or map.</param>
/// <param name="Variables">Names of the state's components, in order; their count is the dimension.</param>
/// <param name="Equations">The equations in words and symbols, for people (<c>resonance data systems</c>, docs).</param>
/// <param name="Parameters">Default parameters, in display order.</param>
/// <param name="InitialCondition">A state in the attractor's basin; the first <see cref="TransientSteps"/> steps from it are discarded.</param>
/// <param name="TimeStep">Default step: the RK4 step of a flow (time units); 1 for a map.</param>
/// <param name="TransientSteps">Steps run from <see cref="InitialCondition"/> before anything is recorded, so the state is on the attractor.</param>
/// <param name="Field">The equations as tensor code (float32/float64 alike).</param>
public sealed record DynamicalSystem(
    string Name,
    SystemKind Kind,
    string[] Variables,
    string Equations,
    IReadOnlyList<(string Name, double Value)> Parameters,
    double[] InitialCondition,
    double TimeStep,
    int TransientSteps,
    SystemField Field)
{
    /// <summary>The state's dimension <c>D</c>.</summary>
    public int Dimension => Variables.Length;

    /// <summary>The published largest Lyapunov exponent at the default parameters (per unit time for a flow, per
    /// iteration for a map, natural log), or null where none is known to us.</summary>
    public double? PublishedLargestExponent { get; init; }

    /// <summary>Where <see cref="PublishedLargestExponent"/> comes from (author, work, year).</summary>
    public string? Source { get; init; }

    /// <summary>Where the system itself comes from (author, year), or anything a user must know about it.</summary>
    public string? Note { get; init; }

    /// <summary>Recorded steps that a short Lyapunov estimate of this system needs (after a warm-up of a tenth as many);
    /// systems with small exponents need longer runs.</summary>
    public int LyapunovSteps { get; init; } = 4000;

    /// <summary>The default parameters as a dictionary.</summary>
    public IReadOnlyDictionary<string, double> DefaultParameters => Parameters.ToDictionary(p => p.Name, p => p.Value);

    /// <summary>The defaults with <paramref name="overrides"/> applied.</summary>
    /// <param name="overrides">Parameter values by name; each name must be one of <see cref="Parameters"/>.</param>
    /// <param name="option">How the overrides were given, for messages (<c>--param</c>).</param>
    /// <exception cref="UserInputException">An unknown name (with the nearest known one), or a value that is not finite.</exception>
    public IReadOnlyDictionary<string, double> ResolveParameters(IReadOnlyDictionary<string, double>? overrides, string option = "--param")
    {
        var values = new Dictionary<string, double>(DefaultParameters);
        foreach (var (key, value) in overrides ?? new Dictionary<string, double>())
        {
            if (!values.ContainsKey(key))
            {
                string known = Parameters.Count == 0 ? "it has no parameters" : "its parameters are " + string.Join(", ", Parameters.Select(p => p.Name));
                string? guess = Experiments.ConfigBinder.Closest(key, Parameters.Select(p => p.Name));
                throw new UserInputException($"{option} {key}: {Name} has no parameter '{key}'" + (guess is null ? "" : $" (did you mean '{guess}'?)") + $"; {known}.");
            }
            if (!double.IsFinite(value))
                throw new UserInputException($"{option} {key}={value.ToString(CultureInfo.InvariantCulture)}: expected a finite number.");
            values[key] = value;
        }
        return values;
    }

    /// <summary>The parameters as <c>sigma=10, rho=28</c>.</summary>
    public string ParameterText(IReadOnlyDictionary<string, double>? values = null) =>
        string.Join(", ", Parameters.Select(p => $"{p.Name}={(values ?? DefaultParameters)[p.Name].ToString("G6", CultureInfo.InvariantCulture)}"));
}
