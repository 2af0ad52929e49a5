using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>A message from a page that is refused: its one-line reason goes back as <c>{"error": "..."}</c> (HTTP 400 / 413,
/// or a WebSocket <c>{"type": "error"}</c>).</summary>
public sealed class BadMessageException(string message, int status = 400) : Exception(message)
{
    /// <summary>The HTTP status for the reply.</summary>
    public int Status { get; } = status;
}

/// <summary>Reads and checks JSON messages from pages: one object, known keys only, values of the expected type and range.</summary>
public static class Messages
{
    /// <summary>Parses a whole message as one JSON object.</summary>
    /// <exception cref="BadMessageException">Not JSON, or not an object.</exception>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new BadMessageException($"not valid JSON ({FirstLine(e.Message)})");
        }
        return node as JsonObject ?? throw new BadMessageException("expected a JSON object such as {\"key\": value}");
    }

    /// <summary>Refuses any key outside <paramref name="known"/>.</summary>
    public static void OnlyKeys(JsonObject message, params string[] known)
    {
        foreach (var (key, _) in message)
            if (!known.Contains(key, StringComparer.Ordinal))
                throw new BadMessageException($"unknown key \"{Shorten(key)}\"; the keys are {string.Join(", ", known)}");
    }

    /// <summary>A required string of at most <paramref name="maxLength"/> characters.</summary>
    public static string Text(JsonObject message, string key, int maxLength = 200)
    {
        if (message[key] is not JsonValue value || !value.TryGetValue(out string? text))
            throw new BadMessageException($"{key}: expected a string");
        if (text.Length == 0 || text.Length > maxLength)
            throw new BadMessageException($"{key}: expected 1 to {maxLength} characters, got {text.Length}");
        return text;
    }

    /// <summary>An optional whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static long? Whole(JsonObject message, string key, long min, long max)
    {
        if (message[key] is null) return null;
        if (message[key] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue(out long number))
            throw new BadMessageException($"{key}: expected a whole number from {min} to {max}, got {Shorten(message[key]!.ToJsonString(Json))}");
        if (number < min || number > max)
            throw new BadMessageException($"{key}: expected a whole number from {min} to {max}, got {number.ToString(CultureInfo.InvariantCulture)}");
        return number;
    }

    /// <summary>An optional list of strings (at most <paramref name="maxCount"/>, each at most <paramref name="maxLength"/> long).</summary>
    public static List<string> TextList(JsonObject message, string key, int maxCount, int maxLength)
    {
        var list = new List<string>();
        if (message[key] is null) return list;
        if (message[key] is not JsonArray array) throw new BadMessageException($"{key}: expected a list of strings");
        if (array.Count > maxCount) throw new BadMessageException($"{key}: at most {maxCount} entries, got {array.Count}");
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue(out string? text))
                throw new BadMessageException($"{key}: expected a list of strings");
            if (text.Length == 0 || text.Length > maxLength)
                throw new BadMessageException($"{key}: each entry 1 to {maxLength} characters");
            list.Add(text);
        }
        return list;
    }

    /// <summary>How replies are written: quotes and non-ASCII letters as they are (the replies are JSON, never HTML).</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The error reply body.</summary>
    public static JsonObject Error(string message) => new() { ["error"] = message };

    static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
