using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Resonance.Experiments;

/// <summary>
/// An experiment file as a YAML tree: parsed with line and column kept for messages, overridable with
/// <c>--set a.b=value</c>, and serialisable back to YAML (the run directory's resolved <c>config.yaml</c>).
/// </summary>
public sealed class ConfigDocument
{
    ConfigDocument(YamlMappingNode root, string source)
    {
        Root = root;
        Source = source;
    }

    /// <summary>The top-level mapping.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>Where the document came from (a path, or a name for embedded text), used in messages.</summary>
    public string Source { get; }

    /// <summary>Reads a YAML file.</summary>
    /// <exception cref="UserInputException">The file is missing or is not valid YAML (the message names line and column).</exception>
    public static ConfigDocument Load(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such experiment file; give the path to a .yaml file (see experiments/).");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses YAML text.</summary>
    /// <exception cref="UserInputException">The text is not valid YAML, or its top level is not a mapping.</exception>
    public static ConfigDocument Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            string reason = (e.InnerException?.Message ?? e.Message).Trim();
            int paren = reason.IndexOf("): ", StringComparison.Ordinal);
            if (reason.StartsWith('(') && paren > 0) reason = reason[(paren + 3)..]; // drop YamlDotNet's own position prefix
            throw new UserInputException(
                $"{source}:{e.Start.Line}:{e.Start.Column}: YAML syntax error: {reason}");
        }
        if (stream.Documents.Count == 0)
            return new ConfigDocument(new YamlMappingNode(), source);
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new UserInputException($"{source}: the experiment must be a mapping of sections (a name, then its key: value lines indented below it).");
        return new ConfigDocument(root, source);
    }

    /// <summary>A document over a tree built in code (e.g. from <see cref="ConfigBinder.ToYaml"/>), to override or write out.</summary>
    public static ConfigDocument Create(YamlMappingNode root, string source) => new(root, source);

    /// <summary>A deep copy (overrides never touch the original).</summary>
    public ConfigDocument Clone() => Parse(ToYaml(), Source);

    /// <summary>
    /// Applies <c>a.b.c=value</c>: the value is read as YAML (a number, a word, a list like <c>[1, 2]</c>);
    /// missing intermediate mappings are created.
    /// </summary>
    /// <exception cref="UserInputException">The override has no '=' or an empty key, or walks through a non-mapping.</exception>
    public void Set(string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new UserInputException($"--set {assignment}: expected key=value, e.g. --set training.lr=0.001");
        string key = assignment[..equals].Trim();
        string value = assignment[(equals + 1)..];
        string[] parts = key.Split('.');
        if (parts.Any(string.IsNullOrWhiteSpace))
            throw new UserInputException($"--set {assignment}: the key \"{key}\" has an empty part; write it as section.key, e.g. training.lr");

        YamlNode parsed;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(key + ": " + value));
            parsed = ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode(key)];
        }
        catch (YamlException)
        {
            parsed = new YamlScalarNode(value);
        }

        YamlMappingNode node = Root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var name = new YamlScalarNode(parts[i]);
            if (!node.Children.TryGetValue(name, out var child))
            {
                child = new YamlMappingNode();
                node.Children[name] = child;
            }
            node = child as YamlMappingNode
                ?? throw new UserInputException($"--set {assignment}: {string.Join('.', parts[..(i + 1)])} is a value, not a section.");
        }
        node.Children[new YamlScalarNode(parts[^1])] = parsed;
    }

    /// <summary>Reads a scalar at a dotted path, or null when absent.</summary>
    public string? GetScalar(string path)
    {
        YamlNode? node = Root;
        foreach (string part in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out node))
                return null;
        }
        return (node as YamlScalarNode)?.Value;
    }

    /// <summary>The top-level value at <paramref name="key"/> read as <typeparamref name="T"/> (see <see cref="ConfigBinder.Read{T}"/>),
    /// or <paramref name="fallback"/> when the key is absent.</summary>
    /// <exception cref="UserInputException">The value is not a <typeparamref name="T"/>.</exception>
    public T Value<T>(string key, T fallback) =>
        Root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ConfigBinder.Read<T>(node, key) : fallback;

    /// <summary>The section at a top-level key, or an empty mapping when absent.</summary>
    /// <exception cref="UserInputException">The key holds a value that is not a mapping.</exception>
    public YamlMappingNode Section(string name)
    {
        if (!Root.Children.TryGetValue(new YamlScalarNode(name), out var node) || node is YamlScalarNode { Value: null or "" or "~" or "null" })
            return new YamlMappingNode();
        return node as YamlMappingNode
            ?? throw new UserInputException($"{Source}:{node.Start.Line}:{node.Start.Column}: {name}: expected a section (key: value lines), got a single value.");
    }

    /// <summary>Refuses a top-level key that is not one of <paramref name="sections"/>: a near miss is answered with
    /// "did you mean", anything else with the list.</summary>
    /// <param name="sections">The keys this kind of document has at the top.</param>
    /// <param name="what">The kind of document, for the message (<c>an experiment</c>).</param>
    /// <exception cref="UserInputException">A key is not one of <paramref name="sections"/>.</exception>
    public void RefuseUnknownSections(IReadOnlyList<string> sections, string what)
    {
        foreach (string key in Root.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value ?? ""))
            if (!sections.Contains(key) && key != "kind") // kind: names the experiment kind; the kinds registry reads it
            {
                string? guess = ConfigBinder.Closest(key, sections);
                throw new UserInputException(guess is null
                    ? $"{key}: unknown section; {what} has {string.Join(", ", sections)}."
                    : $"{key}: unknown key; did you mean {guess}?");
            }
    }

    /// <summary>The document as YAML text.</summary>
    public string ToYaml()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(Root)).Save(writer, assignAnchors: false);
        string text = writer.ToString().TrimEnd();
        if (text.EndsWith("...", StringComparison.Ordinal)) text = text[..^3].TrimEnd();
        return text + "\n";
    }
}
