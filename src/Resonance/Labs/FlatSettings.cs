using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Experiments;
using YamlDotNet.RepresentationModel;

namespace Resonance.Labs;

/// <summary>
/// A lab's settings as flat keys (<c>sparks.temperature</c>, <c>layout.enabled</c>, <c>neurons</c>): a list of options
/// records, each under a section prefix (empty for top-level keys), read and written through the same binder as experiment
/// files (<see cref="ConfigBinder"/>), so a key, its type and its range are those of the YAML key of the same name.
/// </summary>
/// <remarks>Values are numbers, booleans or (for enums) strings; a JSON value of another type than the property's, a number
/// that is not whole where the property is, or a key that no record has, is refused with the key as the field. Each changed
/// record is rebound and runs its own parameterless <c>Validate()</c>; checks across records are the lab's.</remarks>
internal sealed class FlatSettings
{
    readonly (string Prefix, object Record)[] sections;

    public FlatSettings(params (string Prefix, object Record)[] sections) => this.sections = sections;

    /// <summary>Every key, in section order.</summary>
    public IReadOnlyList<string> Keys => [.. sections.SelectMany(s => ConfigBinder.Properties(s.Record.GetType()).Keys.Select(k => Join(s.Prefix, k)))];

    /// <summary>The record under <paramref name="prefix"/>.</summary>
    public T Get<T>(string prefix) => (T)sections.Single(s => s.Prefix == prefix && s.Record is T).Record;

    /// <summary>The settings with <paramref name="changes"/> applied.</summary>
    /// <exception cref="LabInputException">An unknown key, a value of the wrong type, or a record's own check failed.</exception>
    public FlatSettings With(JsonObject? changes)
    {
        if (changes is null || changes.Count == 0) return this;
        var next = ((string Prefix, object Record)[])sections.Clone();
        var keys = Keys;
        for (int index = 0; index < next.Length; index++)
        {
            var (prefix, record) = next[index];
            var properties = ConfigBinder.Properties(record.GetType());
            var mine = changes.Where(change => Owner(change.Key) == prefix).ToList();
            if (mine.Count == 0) continue;
            var mapping = ConfigBinder.ToYaml(record);
            foreach (var (key, value) in mine)
            {
                string name = prefix.Length == 0 ? key : key[(prefix.Length + 1)..];
                if (!properties.TryGetValue(name, out var property)) throw Unknown(key, keys);
                mapping.Children[new YamlScalarNode(name)] = Scalar(key, property, value);
            }
            try
            {
                next[index] = (prefix, ConfigBinder.Bind(record.GetType(), mapping, prefix));
            }
            catch (UserInputException e)
            {
                throw LabInputException.From(e, keys, mine[0].Key);
            }
        }
        foreach (var (key, _) in changes)
            if (!keys.Contains(key)) throw Unknown(key, keys);
        return new FlatSettings(next);
    }

    /// <summary>The settings as a flat JSON object.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (prefix, record) in sections)
            foreach (var (name, property) in ConfigBinder.Properties(record.GetType()))
                json[Join(prefix, name)] = property.GetValue(record) switch
                {
                    bool b => JsonValue.Create(b),
                    int i => JsonValue.Create(i),
                    long l => JsonValue.Create(l),
                    double d => JsonValue.Create(d),
                    Enum e => JsonValue.Create(ConfigBinder.SnakeCase(e.ToString()).Replace('_', '-')),
                    string s => JsonValue.Create(s),
                    var other => throw new InvalidOperationException($"{Join(prefix, name)}: a flat setting cannot hold a {other?.GetType().Name}"),
                };
        return json;
    }

    string? Owner(string key) =>
        sections.Select(s => s.Prefix).Where(p => p.Length > 0 && key.StartsWith(p + ".", StringComparison.Ordinal)).FirstOrDefault()
        ?? (key.Contains('.') ? null : "");

    static YamlScalarNode Scalar(string key, PropertyInfo property, JsonNode? value)
    {
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (type == typeof(bool))
        {
            if (kind is JsonValueKind.True or JsonValueKind.False) return new YamlScalarNode(kind == JsonValueKind.True ? "true" : "false");
            throw new LabInputException(key, $"{key}: expected true or false; got {LabCommand.Kind(value)}.");
        }
        if (type == typeof(int) || type == typeof(long))
        {
            long whole = LabCommand.WholeNumber(key, value ?? throw Null(key), type == typeof(int) ? int.MinValue : long.MinValue, type == typeof(int) ? int.MaxValue : long.MaxValue);
            return new YamlScalarNode(whole.ToString(CultureInfo.InvariantCulture));
        }
        if (type == typeof(double))
        {
            double number = LabCommand.Number(key, value ?? throw Null(key), double.MinValue, double.MaxValue);
            return new YamlScalarNode(number.ToString("R", CultureInfo.InvariantCulture));
        }
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(n => ConfigBinder.SnakeCase(n).Replace('_', '-')).ToList();
            string text = kind == JsonValueKind.String ? value!.GetValue<string>() : throw new LabInputException(key, $"{key}: expected one of {string.Join(", ", names)}; got {LabCommand.Kind(value)}.");
            if (!names.Contains(text)) throw new LabInputException(key, $"{key}: unknown value \"{LabCommand.Printable(text)}\"; expected one of {string.Join(", ", names)}.");
            return new YamlScalarNode(text);
        }
        throw new InvalidOperationException($"{key}: no flat form for {type.Name}");
    }

    static LabInputException Null(string key) => new(key, $"{key}: expected a value; got null.");

    static LabInputException Unknown(string key, IReadOnlyList<string> keys)
    {
        string? guess = key.Length <= 100 ? ConfigBinder.Closest(key, keys) : null;
        return new LabInputException(key, guess is null
            ? $"{LabCommand.Printable(key)}: unknown setting; the settings are {string.Join(", ", keys)}."
            : $"{LabCommand.Printable(key)}: unknown setting; did you mean {guess}?");
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
