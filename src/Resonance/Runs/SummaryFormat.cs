using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>Summary figures as people read them: accuracies in percent, seconds with a unit, rates and counts grouped.</summary>
public static class SummaryFormat
{
    /// <summary>A figure formatted by what its key says it is (<c>*accuracy</c>, <c>*_per_s</c>, <c>*_s</c>).</summary>
    public static string Format(string key, object? value) => value switch
    {
        double d when key.EndsWith("accuracy", StringComparison.Ordinal) => $"{d:P2}",
        double d when key.EndsWith("_per_s", StringComparison.Ordinal) => $"{d:N0}",
        double d when key.EndsWith("_s", StringComparison.Ordinal) => $"{d:F1} s",
        double d => $"{d:G5}",
        float f => Format(key, (double)f),
        long l => $"{l:N0}",
        int i => Format(key, (long)i),
        JsonValue v when v.TryGetValue(out long l) => Format(key, l),
        JsonValue v when v.TryGetValue(out double d) => Format(key, d),
        _ => value?.ToString() ?? "",
    };
}
