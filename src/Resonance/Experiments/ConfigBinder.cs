using System.Globalization;
using System.Reflection;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Resonance.Experiments;

/// <summary>
/// Binds a YAML mapping to a typed options record: each snake_case key sets the init property of the same
/// name (<c>batch_size</c> -> <c>BatchSize</c>); unknown keys, wrong types and (through the record's own
/// <c>Validate()</c>) impossible values are refused with the key path named.
/// </summary>
/// <remarks>
/// Written here rather than with YamlDotNet's deserializer because its errors name CLR types, not our key
/// paths, and it cannot suggest the key a user meant. Supported property types: numbers, bool, string,
/// enums (snake_case names), nullable versions of these, lists and arrays of them, and nested records.
/// A list is written <c>[0, 10, 20]</c> or, as <c>--set</c> makes easy, <c>0,10,20</c> (one value is a list of one).
/// Only a property declared nullable (<c>double?</c>, <c>string?</c>) takes <c>~</c> or an empty value.
/// </remarks>
public static class ConfigBinder
{
    /// <summary>Binds <paramref name="node"/> to a new <typeparamref name="T"/>.</summary>
    public static T Bind<T>(YamlMappingNode node, string path, params string[] ignoredKeys) where T : notnull =>
        (T)Bind(typeof(T), node, path, ignoredKeys);

    /// <summary>Binds <paramref name="node"/> to a new instance of <paramref name="type"/>, then calls its public <c>Validate()</c> if it has one.</summary>
    /// <param name="type">A class or record with a public parameterless constructor and init/set properties.</param>
    /// <param name="node">The mapping to read.</param>
    /// <param name="path">The key path of the mapping, for messages (e.g. <c>training</c>).</param>
    /// <param name="ignoredKeys">Keys consumed elsewhere (e.g. <c>type</c> in the model section).</param>
    /// <exception cref="UserInputException">An unknown key, a value of the wrong type, or a failed validation.</exception>
    public static object Bind(Type type, YamlMappingNode node, string path, params string[] ignoredKeys)
    {
        object target = Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"{type.Name} has no parameterless constructor");
        var properties = Properties(type);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            string key = (keyNode as YamlScalarNode ?? throw new UserInputException(
                $"{(path.Length > 0 ? $"in {path}, " : "")}a key is a list or a section; a key must be a plain name, as in hidden: 64.")).Value ?? "";
            if (ignoredKeys.Contains(key)) continue;
            string keyPath = Join(path, key);
            if (!properties.TryGetValue(key, out var property))
            {
                var known = properties.Keys.Concat(ignoredKeys).ToList();
                string? guess = Closest(key, known);
                throw new UserInputException(guess is null
                    ? $"{keyPath}: unknown key; known keys here: {string.Join(", ", known)}."
                    : $"{keyPath}: unknown key; did you mean {Join(path, guess)}?");
            }
            object? value = Convert(property.PropertyType, valueNode, keyPath);
            if (value is null && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.NotNull)
                throw new UserInputException($"{keyPath}: expected a value, got nothing");
            property.SetValue(target, value);
        }
        try
        {
            type.GetMethod("Validate", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.Invoke(target, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is UserInputException inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }
        return target;
    }

    /// <summary>Reads one value as <typeparamref name="T"/> by the same rules as a property of that type.</summary>
    /// <param name="node">The value.</param>
    /// <param name="keyPath">Its key path, for messages (e.g. <c>seed</c>).</param>
    /// <exception cref="UserInputException">The value is not a <typeparamref name="T"/>.</exception>
    public static T Read<T>(YamlNode node, string keyPath) =>
        Convert(typeof(T), node, keyPath) is T value ? value
            : throw new UserInputException($"{keyPath}: expected a value, got nothing");

    /// <summary>The YAML keys a type accepts, mapped to its settable properties.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);

    /// <summary><c>BatchSize</c> -> <c>batch_size</c>.</summary>
    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (boundary) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Writes an options object back as a YAML mapping (for the resolved config).</summary>
    public static YamlMappingNode ToYaml(object options)
    {
        var mapping = new YamlMappingNode();
        foreach (var (key, property) in Properties(options.GetType()))
        {
            object? value = property.GetValue(options);
            if (value is null) continue;
            mapping.Add(key, ToNode(value));
        }
        return mapping;
    }

    static YamlNode ToNode(object value) => value switch
    {
        string s => new YamlScalarNode(s),
        bool b => new YamlScalarNode(b ? "true" : "false"),
        Enum e => new YamlScalarNode(SnakeCase(e.ToString()).Replace('_', '-')),
        double d => new YamlScalarNode(d.ToString("R", CultureInfo.InvariantCulture)),
        float f => new YamlScalarNode(f.ToString("R", CultureInfo.InvariantCulture)),
        IFormattable n when IsNumber(value.GetType()) => new YamlScalarNode(n.ToString(null, CultureInfo.InvariantCulture)),
        System.Collections.IEnumerable list => new YamlSequenceNode(list.Cast<object>().Select(ToNode)) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow },
        _ => ToYaml(value),
    };

    static bool IsNumber(Type t) => t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float);

    static object? Convert(Type type, YamlNode node, string keyPath)
    {
        Type? inner = Nullable.GetUnderlyingType(type);
        if (node is YamlScalarNode { Value: null or "~" or "null" } && (inner != null || !type.IsValueType))
            return null;
        type = inner ?? type;

        if (type == typeof(string)) return Scalar(node, keyPath, "a string");
        if (type == typeof(int) || type == typeof(long)) return ConvertWhole(type, node, keyPath);
        if (type == typeof(double) || type == typeof(float))
        {
            string text = Scalar(node, keyPath, "a number");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                throw new UserInputException(IsNonFiniteWord(text)
                    ? $"{keyPath}: expected a finite number, got {text}"
                    : $"{keyPath}: expected a number, got \"{text}\"");
            if (!double.IsFinite(d))
                throw new UserInputException($"{keyPath}: expected a finite number, got {text}");
            // Every number ends up in float32 tensors or beside them, so one past float32's range can only overflow there.
            if (Math.Abs(d) > float.MaxValue)
                throw new UserInputException($"{keyPath}: {text} is beyond the range of 32-bit floats (at most about 3.4e38 in size); give a smaller number");
            return type == typeof(float) ? (float)d : d;
        }
        if (type == typeof(bool))
        {
            string text = Scalar(node, keyPath, "true or false");
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw new UserInputException($"{keyPath}: expected true or false, got \"{text}\""),
            };
        }
        if (type.IsEnum)
        {
            string text = Scalar(node, keyPath, "a name");
            string[] names = Enum.GetNames(type);
            string wanted = text.Replace("-", "").Replace("_", "");
            string? match = names.FirstOrDefault(n => string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                var choices = names.Select(n => SnakeCase(n).Replace('_', '-')).ToList();
                throw new UserInputException($"{keyPath}: expected one of {string.Join(", ", choices)}, got \"{text}\"");
            }
            return Enum.Parse(type, match);
        }
        Type? element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() is var g
              && (g == typeof(IReadOnlyList<>) || g == typeof(List<>) || g == typeof(IList<>)) ? type.GetGenericArguments()[0] : null;
        if (element is not null)
        {
            IEnumerable<YamlNode> children = node switch
            {
                YamlSequenceNode sequence => sequence.Children,
                YamlScalarNode { Value: { Length: > 0 } text } => text.Split(',', StringSplitOptions.TrimEntries).Select(item => new YamlScalarNode(item)),
                _ => throw new UserInputException($"{keyPath}: expected a list like [1, 2, 4], got {Describe(node)}"),
            };
            var items = children.Select((child, i) => Convert(element, child, $"{keyPath}[{i}]")).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            if (type.IsArray) return array;
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in array) list.Add(item);
            return list;
        }
        if (node is YamlMappingNode mapping) return Bind(type, mapping, keyPath);
        throw new UserInputException($"{keyPath}: expected a section of keys, got {Describe(node)}");
    }

    static object ConvertWhole(Type type, YamlNode node, string keyPath)
    {
        string text = Scalar(node, keyPath, "a whole number");
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 && (value = (long)d) == d))
        {
            if (type == typeof(int))
            {
                if (value is < int.MinValue or > int.MaxValue)
                    throw new UserInputException($"{keyPath}: {text} is out of range for a whole number");
                return (int)value;
            }
            return value;
        }
        throw new UserInputException($"{keyPath}: expected a whole number, got \"{text}\"");
    }

    /// <summary>YAML's and .NET's spellings of NaN and the infinities (<c>.nan</c>, <c>-.inf</c>, <c>Infinity</c>, <c>∞</c>).</summary>
    static bool IsNonFiniteWord(string text) =>
        text.Trim().TrimStart('+', '-').TrimStart('.').ToLowerInvariant() is "nan" or "inf" or "infinity" or "∞";

    static string Scalar(YamlNode node, string keyPath, string expected) =>
        node is YamlScalarNode scalar ? scalar.Value ?? ""
            : throw new UserInputException($"{keyPath}: expected {expected}, got {Describe(node)}");

    static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"\"{s.Value}\"",
        YamlSequenceNode => "a list",
        _ => "a section",
    };

    static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The known key nearest to <paramref name="key"/> by edit distance, if close enough to be a typo.</summary>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int distance = EditDistance(key, candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
