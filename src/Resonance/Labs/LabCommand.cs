using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Labs;

/// <summary>One command from a page, checked at the edge: its <c>type</c> is known, it has no unknown keys, and every value is
/// read with its JSON type and range checked. Every failure is a <see cref="LabInputException"/> naming the key.</summary>
internal sealed class LabCommand
{
    readonly JsonObject body;

    LabCommand(string type, JsonObject body)
    {
        Type = type;
        this.body = body;
    }

    /// <summary>The command's <c>type</c>.</summary>
    public string Type { get; }

    /// <summary>Reads a command whose type is a key of <paramref name="commands"/>, whose other keys are among that entry's.</summary>
    public static LabCommand Read(JsonObject? command, IReadOnlyDictionary<string, string[]> commands)
    {
        if (command is null) throw new LabInputException(null, "a command is a JSON object such as {\"type\": \"play\"}.");
        string known = string.Join(", ", commands.Keys);
        if (!command.TryGetPropertyValue("type", out var typeNode) || typeNode is null)
            throw new LabInputException("type", $"type: missing; a command names its type, one of {known}.");
        if (typeNode.GetValueKind() != JsonValueKind.String)
            throw new LabInputException("type", $"type: expected a string, one of {known}; got {Kind(typeNode)}.");
        string type = typeNode.GetValue<string>();
        if (!commands.TryGetValue(type, out var keys))
            throw new LabInputException("type", $"type: unknown command \"{Printable(type)}\"; expected one of {known}.");
        foreach (var (key, _) in command)
            if (key != "type" && !keys.Contains(key))
                throw new LabInputException(key, keys.Length == 0
                    ? $"{Printable(key)}: unknown key; the command {type} takes no other keys."
                    : $"{Printable(key)}: unknown key for the command {type}; it takes {string.Join(", ", keys)}.");
        return new LabCommand(type, command);
    }

    /// <summary>Whether the command has <paramref name="key"/> (with a non-null value).</summary>
    public bool Has(string key) => body.TryGetPropertyValue(key, out var node) && node is not null;

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public int Whole(string key, int min, int max, int? fallback = null) => (int)WholeNumber(key, body[key], min, max, fallback);

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public double Number(string key, double min, double max, double? fallback = null) => Number(key, body[key], min, max, fallback);

    /// <summary>A string, one of <paramref name="choices"/> when given.</summary>
    public string Text(string key, IReadOnlyCollection<string>? choices = null, string? fallback = null)
    {
        var node = body[key];
        if (node is null) return fallback ?? throw Missing(key, choices is null ? "a string" : $"one of {string.Join(", ", choices)}");
        if (node.GetValueKind() != JsonValueKind.String)
            throw new LabInputException(key, $"{key}: expected a string{(choices is null ? "" : $", one of {string.Join(", ", choices)}")}; got {Kind(node)}.");
        string text = node.GetValue<string>();
        if (choices is not null && !choices.Contains(text))
            throw new LabInputException(key, $"{key}: unknown value \"{Printable(text)}\"; expected one of {string.Join(", ", choices)}.");
        return text;
    }

    /// <summary>A JSON object.</summary>
    public JsonObject Object(string key) => body[key] switch
    {
        null => throw Missing(key, "an object of settings, e.g. {\"sparks.temperature\": 0.2}"),
        JsonObject o => o,
        var other => throw new LabInputException(key, $"{key}: expected an object; got {Kind(other)}."),
    };

    /// <summary>A JSON array of at most <paramref name="maxLength"/> entries.</summary>
    public JsonArray Array(string key, int maxLength)
    {
        var array = body[key] switch
        {
            null => throw Missing(key, "an array"),
            JsonArray a => a,
            var other => throw new LabInputException(key, $"{key}: expected an array; got {Kind(other)}."),
        };
        if (array.Count > maxLength)
            throw new LabInputException(key, $"{key}: expected at most {maxLength} entries; got {array.Count}.");
        return array;
    }

    /// <summary>A whole number read from a JSON node (a command value or a setting).</summary>
    public static long WholeNumber(string key, JsonNode? node, long min, long max, long? fallback = null)
    {
        if (node is null) return fallback ?? throw Missing(key, $"a whole number in [{min}, {max}]");
        if (node.GetValueKind() != JsonValueKind.Number)
            throw new LabInputException(key, $"{key}: expected a whole number in [{min}, {max}]; got {Kind(node)}.");
        double value = ToDouble(node);
        if (!double.IsFinite(value) || value != Math.Floor(value) || value < min || value > max)
            throw new LabInputException(key, $"{key}: expected a whole number in [{min}, {max}]; got {Format(value)}.");
        return (long)value;
    }

    /// <summary>A finite number read from a JSON node.</summary>
    public static double Number(string key, JsonNode? node, double min, double max, double? fallback = null)
    {
        string range = $"[{Format(min)}, {Format(max)}]";
        if (node is null) return fallback ?? throw Missing(key, $"a number in {range}");
        if (node.GetValueKind() != JsonValueKind.Number)
            throw new LabInputException(key, $"{key}: expected a number in {range}; got {Kind(node)}.");
        double value = ToDouble(node);
        if (!double.IsFinite(value) || value < min || value > max)
            throw new LabInputException(key, $"{key}: expected a number in {range}; got {Format(value)}.");
        return value;
    }

    /// <summary>A JSON number as a double, whichever .NET type a page's parser or a caller's code put in the node.</summary>
    public static double ToDouble(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue(out double d)) return d;
        if (value.TryGetValue(out float f)) return f;
        if (value.TryGetValue(out long l)) return l;
        if (value.TryGetValue(out int i)) return i;
        if (value.TryGetValue(out decimal m)) return (double)m;
        return double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    static LabInputException Missing(string key, string what) => new(key, $"{key}: missing; expected {what}.");

    /// <summary>What a JSON value is, in words, for messages.</summary>
    public static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => $"the string \"{Printable(node.GetValue<string>())}\"",
        JsonValueKind.True or JsonValueKind.False => $"{node.GetValue<bool>().ToString().ToLowerInvariant()}",
        JsonValueKind.Number => $"the number {Format(ToDouble(node))}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        var other => other.ToString()!.ToLowerInvariant(),
    };

    /// <summary>A string cut to 40 printable characters, for echoing user text in a one-line message.</summary>
    public static string Printable(string text)
    {
        string line = new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return line.Length > 40 ? line[..40] + "..." : line;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
