using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Resonance.Tests.Properties;

/// <summary>
/// An experiment file as sections of <c>key: value</c> lines that a property can rename, move, delete and replace, then
/// write back as YAML. Every mapping is a section (written in block style); a list or a single value is kept as its flow
/// text (<c>[64, 128]</c>, <c>0.01</c>), so any text can stand in for it.
/// </summary>
internal sealed class BlockYaml
{
    /// <summary>The entries in file order; a value is a <see cref="BlockYaml"/> (a section) or a string (flow text).</summary>
    public List<(string Key, object Value)> Entries { get; } = [];

    /// <summary>Reads YAML text whose top level is a mapping.</summary>
    public static BlockYaml Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return From((YamlMappingNode)stream.Documents[0].RootNode);
    }

    static BlockYaml From(YamlMappingNode mapping)
    {
        var block = new BlockYaml();
        foreach (var (key, value) in mapping.Children)
            block.Entries.Add((Flow(key), value is YamlMappingNode section ? From(section) : Flow(value)));
        return block;
    }

    static string Flow(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } plain => plain.Value ?? "",
        YamlScalarNode quoted => "\"" + (quoted.Value ?? "").Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Flow)) + "]",
        YamlMappingNode mapping => "{" + string.Join(", ", mapping.Children.Select(p => Flow(p.Key) + ": " + Flow(p.Value))) + "}",
        _ => throw new ArgumentException($"unexpected YAML node {node.GetType().Name}"),
    };

    /// <summary>A deep copy.</summary>
    public BlockYaml Clone()
    {
        var copy = new BlockYaml();
        foreach (var (key, value) in Entries) copy.Entries.Add((key, value is BlockYaml section ? section.Clone() : value));
        return copy;
    }

    /// <summary>Every key path (<c>training.lr</c>), sections and values alike, in file order.</summary>
    public IEnumerable<string> Paths(string prefix = "")
    {
        foreach (var (key, value) in Entries)
        {
            string path = prefix + key;
            yield return path;
            if (value is BlockYaml section)
                foreach (string inner in section.Paths(path + ".")) yield return inner;
        }
    }

    /// <summary>The section holding the key at <paramref name="path"/> and the key's index there, or null when the path is gone.</summary>
    public (BlockYaml Section, int Index)? Locate(string path)
    {
        string[] parts = path.Split('.');
        BlockYaml section = this;
        for (int i = 0; i < parts.Length; i++)
        {
            int index = section.Entries.FindIndex(e => e.Key == parts[i]);
            if (index < 0) return null;
            if (i == parts.Length - 1) return (section, index);
            if (section.Entries[index].Value is not BlockYaml inner) return null;
            section = inner;
        }
        return null;
    }

    /// <summary>Applies <c>a.b.c=value</c> as <c>--set</c> does: the value's text goes in as it is; missing sections are made.</summary>
    public void Set(string assignment)
    {
        int equals = assignment.IndexOf('=');
        string[] parts = assignment[..equals].Split('.');
        BlockYaml section = this;
        foreach (string part in parts[..^1])
        {
            int index = section.Entries.FindIndex(e => e.Key == part);
            if (index < 0) section.Entries.Add((part, section = new BlockYaml()));
            else section = (BlockYaml)section.Entries[index].Value;
        }
        int at = section.Entries.FindIndex(e => e.Key == parts[^1]);
        if (at < 0) section.Entries.Add((parts[^1], assignment[(equals + 1)..]));
        else section.Entries[at] = (parts[^1], assignment[(equals + 1)..]);
    }

    /// <summary>The document as block YAML, two spaces per level.</summary>
    public string Write()
    {
        var text = new StringBuilder();
        Write(text, "");
        return text.ToString();
    }

    void Write(StringBuilder text, string indent)
    {
        foreach (var (key, value) in Entries)
        {
            if (value is BlockYaml { Entries.Count: > 0 } section)
            {
                text.Append(indent).Append(key).Append(":\n");
                section.Write(text, indent + "  ");
            }
            else if (value is BlockYaml) text.Append(indent).Append(key).Append(": {}\n");
            else text.Append(indent).Append(key).Append(((string)value).Length > 0 ? ": " + value : ":").Append('\n');
        }
    }
}
