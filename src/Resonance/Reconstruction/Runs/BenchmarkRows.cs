using System.Globalization;
using System.Text.Json.Nodes;
using Resonance.Runs;

namespace Resonance.Reconstruction;

/// <summary>
/// The chaos benchmark's rows as they stand in <c>metrics.jsonl</c>: one line per finished system (its figures, or its
/// <c>error</c>), with <c>step</c> = its place in the list and its wall-clock seconds under <c>wall_s</c>. A row of the table is made from that line, whether it was just
/// written or read back on a resume, so a resumed benchmark's table is the same as an uninterrupted one's.
/// </summary>
internal static class BenchmarkRows
{
    /// <summary>The table's columns.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["system", "D_stsp", "D_H", "VPT (Lyapunov times)", "λmax true", "λmax model", "floor D_stsp", "seconds"];

    /// <summary>The finished systems' lines of <paramref name="metricsPath"/>, in list order: line <c>i</c> is system
    /// <c>systems[i]</c> at step <c>i + 1</c>. Reading stops at the first system without its line (the one a crash or an
    /// interrupt cut short); a torn last line counts as missing.</summary>
    public static List<JsonObject> Finished(string metricsPath, IReadOnlyList<string> systems)
    {
        var byStep = new Dictionary<long, JsonObject>();
        foreach (var line in MetricsLog.Read(metricsPath))
            if (line["step"] is JsonValue step && step.TryGetValue(out long s)) byStep[s] = line;   // the last line of a step wins
        var finished = new List<JsonObject>();
        for (int i = 0; i < systems.Count; i++)
        {
            if (!byStep.TryGetValue(i + 1, out var line) || Text(line, "system") != systems[i]) break;
            finished.Add(line);
        }
        return finished;
    }

    /// <summary>A metrics line as <see cref="MetricsLog"/> writes it (rounded figures, non-finite numbers as strings).</summary>
    public static JsonObject Line(IReadOnlyDictionary<string, object?> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values) json[key] = JsonValues.From(value);
        return json;
    }

    /// <summary>Whether the line is a failed system's.</summary>
    public static bool Failed(JsonObject line) => line["error"] is not null;

    /// <summary>The failure's one-line reason, or null.</summary>
    public static string? Error(JsonObject line) => Text(line, "error");

    /// <summary>The table row of a line: the figures, or <c>failed</c> and the seconds it took.</summary>
    public static IReadOnlyList<string> Row(JsonObject line)
    {
        string system = Text(line, "system") ?? "?";
        string seconds = Seconds(line) is double s ? StudyTable.Number(s, 1) : "";
        if (Failed(line)) return [system, "failed", "", "", "", "", "", seconds];
        return [system, Cell(line, "d_stsp"), Cell(line, "d_h"), Cell(line, "vpt_lyapunov_times"), Cell(line, "lambda_max_true"),
            Cell(line, "lambda_max_model"), Cell(line, "floor_d_stsp"), seconds];
    }

    /// <summary>The system's wall-clock seconds (<c>wall_s</c>; <c>seconds</c> in lines written before that name), or null.</summary>
    public static double? Seconds(JsonObject line) => Number(line, "wall_s") ?? Number(line, "seconds");

    /// <summary>A number of the line (a non-finite one is written as a string), or null when absent.</summary>
    public static double? Number(JsonObject line, string key) => line[key] switch
    {
        JsonValue value when value.TryGetValue(out double d) => d,
        JsonValue value when value.TryGetValue(out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => null,
    };

    static string Cell(JsonObject line, string key) => Number(line, key) is double value ? StudyTable.Number(value) : "–";

    static string? Text(JsonObject line, string key) => line[key] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
