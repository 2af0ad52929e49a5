using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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

    /// <summary>The largest experiment file read, in bytes: far above any real one, small enough that a wrong path
    /// (a device, a data file) is refused at once instead of read into memory.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The deepest nesting of sections and lists accepted; a real experiment uses four or five levels.
    /// The YAML tree is built recursively, so a bound this low keeps any document from exhausting the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most values a document may hold once its aliases (<c>*name</c>) are expanded.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Reads a YAML file.</summary>
    /// <exception cref="UserInputException">The file is missing, a folder, larger than <see cref="MaxFileBytes"/> (a device such
    /// as /dev/zero included), not text, empty, not valid YAML (the message names line and column), or not plain (see <see cref="Parse"/>).</exception>
    /// <remarks>A pipe (<c>resonance run &lt;(cat x.yaml)</c>) is read like a file: the bound on what is read, not the kind of
    /// file, keeps a wrong path from filling memory.</remarks>
    public static ConfigDocument Load(string path)
    {
        if (Directory.Exists(path))
            throw new UserInputException($"{path}: a folder, not an experiment file; give the path to a .yaml file (see experiments/).");
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such experiment file; give the path to a .yaml file (see experiments/).");
        string text = ReadText(path);
        var document = Read(text, path, out string? syntaxError);
        if (document is null && syntaxError is null)
            throw new UserInputException($"{path}: the file is empty{(string.IsNullOrWhiteSpace(text) ? "" : " (only comments)")}; " +
                "write the experiment's sections in it (see experiments/ for examples).");
        return From(document, syntaxError, path);
    }

    /// <summary>The file's text, read no further than <see cref="MaxFileBytes"/> (a device such as /dev/zero never ends).</summary>
    static string ReadText(string path)
    {
        const string Limit = "1 MiB";
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
                throw new UserInputException($"{path}: larger than an experiment file may be ({Limit}); give the .yaml file itself.");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var buffer = new byte[MaxFileBytes + 1];
            int length = 0, read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0) length += read;
            if (length > MaxFileBytes)
                throw new UserInputException($"{path}: larger than an experiment file may be ({Limit}), or a device that never ends; give the .yaml file itself.");
            if (Array.IndexOf(buffer, (byte)0, 0, length) >= 0)
                throw new UserInputException($"{path}: not a text file (it holds zero bytes); give the experiment's .yaml file.");
            return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer, 0, length).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read it ({e.Message}); check the path and its permissions.");
        }
    }

    /// <summary>Parses YAML text.</summary>
    /// <exception cref="UserInputException">The text is not valid YAML, holds more than one document, nests deeper than
    /// <see cref="MaxDepth"/>, has a key that is a list or a section, or its top level is not a mapping.</exception>
    public static ConfigDocument Parse(string text, string source) =>
        From(Read(text, source, out string? syntaxError), syntaxError, source);

    static ConfigDocument From(YamlDocument? document, string? syntaxError, string source)
    {
        if (syntaxError is not null)
            throw new UserInputException($"{source}:{syntaxError}");
        if (document is null)
            return new ConfigDocument(new YamlMappingNode(), source);
        if (document.RootNode is not YamlMappingNode root)
            throw new UserInputException($"{source}: the experiment must be a mapping of sections (a name, then its key: value lines indented below it).");
        RefuseNonScalarKeys(root, source, "", withPositions: true);
        return new ConfigDocument(root, source);
    }

    /// <summary>
    /// Reads one YAML document, or null for none. Syntax errors come back in <paramref name="syntaxError"/> as
    /// <c>line:column: YAML syntax error: reason</c>; a second document, or nesting deeper than <see cref="MaxDepth"/>, is refused.
    /// </summary>
    /// <remarks>The events are scanned once first, without building anything: YamlDotNet's parser keeps its own stack, but
    /// its tree (<see cref="YamlStream"/>) recurses once per level, which a document of 100,000 brackets would overflow.</remarks>
    static YamlDocument? Read(string text, string source, out string? syntaxError, bool withPositions = true)
    {
        string At(Mark mark, bool column = true) => withPositions ? $":{mark.Line}" + (column ? $":{mark.Column}" : "") : "";
        syntaxError = null;
        Mark last = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(text));
            int depth = 0, documents = 0;
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                switch (current)
                {
                    case DocumentStart when ++documents > 1:
                        throw new UserInputException($"{source}{At(current.Start, column: false)}: a second YAML document (after ---), which would be ignored; " +
                            "an experiment is one document, so remove the --- line and what follows it, or put that in a file of its own.");
                    case SequenceStart or MappingStart when ++depth > MaxDepth:
                        throw new UserInputException($"{source}{At(current.Start)}: nested more than {MaxDepth} levels deep; " +
                            "an experiment is sections of key: value lines (check for unclosed [ or {).");
                    case SequenceEnd or MappingEnd:
                        depth--;
                        break;
                }
                last = current.End;
            }
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : stream.Documents[0];
        }
        catch (YamlException e)
        {
            string reason = (e.InnerException?.Message ?? e.Message).Trim();
            int paren = reason.IndexOf("): ", StringComparison.Ordinal);
            if (reason.StartsWith('(') && paren > 0) reason = reason[(paren + 3)..]; // drop YamlDotNet's own position prefix
            syntaxError = $"{e.Start.Line}:{e.Start.Column}: YAML syntax error: {reason}";
            return null;
        }
        catch (Exception e) when (e is not UserInputException)
        {
            // YamlDotNet's scanner and parser fail this way on some cut-off flow collections ({a: [1 at the end of a file):
            // the text is broken just after the last event it read.
            syntaxError = $"{last.Line}:{last.Column}: YAML syntax error: the text breaks off or is malformed after this point (check for an unclosed [, {{ or quote).";
            return null;
        }
    }

    /// <summary>Refuses a key that is a list or a section (<c>[a, b]: 1</c>, <c>? {a: 1}</c>), anywhere in the tree, and a tree
    /// that its aliases make deeper than <see cref="MaxDepth"/> (an alias inside the value it names) or larger than
    /// <see cref="MaxValues"/>. Walks with its own stack; a key's path is spelt out only for the message.</summary>
    static void RefuseNonScalarKeys(YamlNode top, string source, string topPath, bool withPositions)
    {
        var visited = new List<(int Parent, string Segment)>();
        var pending = new Stack<(YamlNode Node, int Parent, string Segment, int Depth)>();
        pending.Push((top, -1, topPath, 0));
        string PathOf(int index)
        {
            var segments = new List<string>();
            for (; index >= 0; index = visited[index].Parent) segments.Add(visited[index].Segment);
            segments.Reverse();
            return string.Concat(segments.Select((segment, i) => i == 0 || segment.StartsWith('[') ? segment : "." + segment)).TrimStart('.');
        }
        while (pending.TryPop(out var item))
        {
            if (visited.Count >= MaxValues)
                throw new UserInputException($"{source}: more than {MaxValues:N0} values once its aliases (*name) are expanded; write the values out instead of repeating aliases.");
            if (item.Depth > MaxDepth)
                throw new UserInputException($"{source}: nested more than {MaxDepth} levels deep once its aliases (*name) are expanded; " +
                    "check for an alias inside the value it names.");
            visited.Add((item.Parent, item.Segment));
            int index = visited.Count - 1;
            switch (item.Node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        if (key is not YamlScalarNode name)
                        {
                            string path = PathOf(index);
                            throw new UserInputException($"{source}{(withPositions ? $":{key.Start.Line}:{key.Start.Column}" : "")}: {(path.Length > 0 ? $"in {path}, " : "")}" +
                                $"a key is {(key is YamlSequenceNode ? "a list" : "a section")}; a key must be a plain name, as in hidden: 64.");
                        }
                        pending.Push((value, index, name.Value ?? "", item.Depth + 1));
                    }
                    break;
                case YamlSequenceNode sequence:
                    for (int i = 0; i < sequence.Children.Count; i++) pending.Push((sequence.Children[i], index, $"[{i}]", item.Depth + 1));
                    break;
            }
        }
    }

    /// <summary>A document over a tree built in code (e.g. from <see cref="ConfigBinder.ToYaml"/>), to override or write out.</summary>
    public static ConfigDocument Create(YamlMappingNode root, string source) => new(root, source);

    /// <summary>A deep copy (overrides never touch the original).</summary>
    public ConfigDocument Clone() => Parse(ToYaml(), Source);

    /// <summary>
    /// Applies <c>a.b.c=value</c>: the value is read as YAML (a number, a word, a list like <c>[1, 2]</c>);
    /// missing intermediate mappings are created.
    /// </summary>
    /// <exception cref="UserInputException">The override has no '=' or an empty key, walks through a non-mapping,
    /// or puts a value where the document has a section.</exception>
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
        if (parts.Length > MaxDepth)
            throw new UserInputException($"--set {Shorten(assignment)}: the key has more than {MaxDepth} parts; write it as section.key, e.g. training.lr");

        string source = $"--set {Shorten(assignment)}";
        var document = Read("value: " + value, source, out string? syntaxError, withPositions: false);
        YamlNode parsed = syntaxError is null && document?.RootNode is YamlMappingNode { Children.Count: 1 } single
            ? single.Children[new YamlScalarNode("value")]
            : new YamlScalarNode(value);
        RefuseNonScalarKeys(parsed, source, key, withPositions: false);

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
        var last = new YamlScalarNode(parts[^1]);
        if (node.Children.TryGetValue(last, out var existing) && existing is YamlMappingNode { Children.Count: > 0 } section && parsed is not YamlMappingNode)
            throw new UserInputException($"--set {Shorten(assignment)}: {key} is a section; set a key inside it, e.g. --set {Example(key, section)}");
        node.Children[last] = parsed;
        overridden[parsed] = assignment;
    }

    /// <summary>The nodes that <see cref="Set"/> put in, with the assignment each came from (their lines are not the file's).</summary>
    readonly Dictionary<YamlNode, string> overridden = new(ReferenceEqualityComparer.Instance);

    /// <summary><c>model.type=rnn</c>: the section's first key with its value, as an example of an override inside it.</summary>
    static string Example(string path, YamlMappingNode section)
    {
        var (key, value) = section.Children.First();
        return $"{path}.{(key as YamlScalarNode)?.Value}={(value is YamlScalarNode { Value: { Length: > 0 } text } ? text : "...")}";
    }

    static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>Reads a scalar at a dotted path, or null when absent.</summary>
    /// <param name="path">The dotted key path (<c>model.type</c>).</param>
    /// <param name="expected">What the key holds, for the message when it holds a list or a section (<c>a model name</c>).</param>
    /// <exception cref="UserInputException">The key holds a list or a section.</exception>
    public string? GetScalar(string path, string expected = "a single value")
    {
        YamlNode? node = Root;
        foreach (string part in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out node))
                return null;
        }
        return node as YamlScalarNode is { } scalar ? scalar.Value
            : throw new UserInputException($"{path}: expected {expected}, got {(node is YamlSequenceNode ? "a list" : "a section")}.");
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
        if (node is YamlMappingNode section) return section;
        if (overridden.TryGetValue(node, out string? assignment))
            throw new UserInputException($"--set {Shorten(assignment)}: {name} is a section; set a key inside it, e.g. --set {name}.KEY=VALUE");
        throw new UserInputException($"{Source}:{node.Start.Line}:{node.Start.Column}: {name}: expected a section (key: value lines), got {(node is YamlSequenceNode ? "a list" : "a single value")}.");
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
