using System.Globalization;
using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>Typed JSON values for metrics and summaries (numbers, strings, booleans); non-finite numbers become strings.</summary>
internal static class JsonValues
{
    public static JsonNode? From(object? value) => value switch
    {
        null => null,
        double d when !double.IsFinite(d) => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        double d => JsonValue.Create(d),
        float f => From((double)f),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        JsonNode node => node.DeepClone(),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
