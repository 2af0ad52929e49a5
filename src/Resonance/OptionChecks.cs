using System.Globalization;

namespace Resonance;

/// <summary>
/// Range checks for options records: each failure is a <see cref="UserInputException"/> naming the key as written
/// in the file (e.g. <c>sparks.epsilon</c>), the allowed range and the value given.
/// </summary>
internal static class OptionChecks
{
    /// <summary>Formats a number the way the messages and <c>config.yaml</c> show it (invariant, shortest round-trip).</summary>
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

    public static void Finite(string key, double value)
    {
        if (!double.IsFinite(value))
            throw new UserInputException($"{key}: expected a finite number, got {Format(value)}.");
    }

    public static void WholeInRange(string key, long value, long min, long max, string? maxNote = null)
    {
        if (value < min || value > max)
            throw new UserInputException(
                $"{key}: expected a whole number in [{min}, {(maxNote is null ? max.ToString(CultureInfo.InvariantCulture) : $"{maxNote} = {max}")}], got {value}.");
    }

    public static void WholeAtLeast(string key, long value, long min)
    {
        if (value < min)
            throw new UserInputException($"{key}: expected a whole number >= {min}, got {value}.");
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
