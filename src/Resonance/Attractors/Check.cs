using System.Globalization;

namespace Resonance.Attractors;

/// <summary>
/// Range checks for attractor settings. Each failure is a <see cref="UserInputException"/> whose message names the key
/// as written in a study file (e.g. <c>training.lr</c>), the allowed range and the value given.
/// </summary>
internal static class Check
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static void InRange(string key, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            throw new UserInputException($"{key}: expected a number in [{Format(min)}, {Format(max)}], got {Format(value)}.");
    }

    public static void Positive(string key, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new UserInputException($"{key}: expected a number > 0, got {Format(value)}.");
    }

    public static void NonNegative(string key, double value)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new UserInputException($"{key}: expected a number >= 0, got {Format(value)}.");
    }

    public static void WholeAtLeast(string key, long value, long min)
    {
        if (value < min)
            throw new UserInputException($"{key}: expected a whole number >= {min}, got {value}.");
    }

    public static void WholeInRange(string key, long value, long min, long max)
    {
        if (value < min || value > max)
            throw new UserInputException($"{key}: expected a whole number in [{min}, {max}], got {value}.");
    }

    public static void NotEmpty<T>(string key, IReadOnlyCollection<T> values)
    {
        if (values.Count == 0)
            throw new UserInputException($"{key}: expected a list with at least one entry, got [].");
    }

    public static void Distinct<T>(string key, IReadOnlyCollection<T> values)
    {
        if (values.Distinct().Count() != values.Count)
            throw new UserInputException($"{key}: the list names an entry twice; give each once.");
    }
}
