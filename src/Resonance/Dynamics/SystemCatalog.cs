using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>
/// The catalogue of chaotic systems: one <see cref="DynamicalSystem"/> record per entry, looked up by name. Flows are in
/// <c>SystemCatalog.Flows.cs</c> and <c>SystemCatalog.Sprott.cs</c>, maps in <c>SystemCatalog.Maps.cs</c>.
/// </summary>
/// <remarks>
/// Definitions follow the papers named in each entry's <see cref="DynamicalSystem.Note"/>; where dysts (Gilpin 2021,
/// <c>chaotic_attractors.json</c>) holds the same system, its parameters and a point on its attractor were compared.
/// Published largest exponents come from papers and books, never from dysts' own estimates (which miss Lorenz-63's by
/// 20%). Left out: the Mackey–Glass equation, a delay differential equation whose state is a function on
/// <c>[t − τ, t]</c>, not a vector (these integrators step vectors); the Nosé–Hoover oscillator as its own entry (at a = 1 it is sprott-a; at dysts' a = 1.5 the orbit from their point
/// is quasi-periodic here, with no positive exponent); Baker's map and the doubling map, whose binary
/// shift empties a float's mantissa in about 53 steps, so every orbit ends at 0 in floating point.
/// </remarks>
public static partial class SystemCatalog
{
    /// <summary>Every system, flows first, in table order.</summary>
    public static IReadOnlyList<DynamicalSystem> All { get; } = [.. Flows(), .. SprottFlows(), .. Maps()];

    /// <summary>The system called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="UserInputException">No such system; the message names the nearest one.</exception>
    public static DynamicalSystem Get(string name)
    {
        var system = All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (system is not null) return system;
        string? guess = Experiments.ConfigBinder.Closest(name.ToLowerInvariant(), All.Select(s => s.Name));
        throw new UserInputException($"unknown system '{name}'" + (guess is null ? "" : $" (did you mean '{guess}'?)") +
            "; run resonance data systems for the list.");
    }

    /// <summary>Component <paramref name="index"/> of a batched state, <c>(B)</c>.</summary>
    static Tensor C(Tensor state, int index) => state.select(1, index);

    /// <summary>Components back into a batched state, <c>(B, D)</c>.</summary>
    static Tensor Join(params Tensor[] components) => stack(components, 1);

    static (string, double)[] P(params (string, double)[] parameters) => parameters;

    static DynamicalSystem Flow(string name, string variables, string equations, (string, double)[] parameters, double[] initial,
        double dt, int transient, SystemField field) =>
        new(name, SystemKind.Flow, variables.Split(' '), equations, parameters, initial, dt, transient, field);

    static DynamicalSystem Map(string name, string variables, string equations, (string, double)[] parameters, double[] initial,
        int transient, SystemField field) =>
        new(name, SystemKind.Map, variables.Split(' '), equations, parameters, initial, 1, transient, field);
}
