using CsCheck;

namespace Resonance.Tests.Properties;

/// <summary>One change a careless user makes to an experiment file; <see cref="Apply"/> makes it on a copy of the tree.</summary>
/// <param name="Description">What it does, for the failure report.</param>
/// <param name="Apply">Changes the tree in place; a mutation whose key is gone (an earlier one removed it) does nothing.</param>
/// <param name="Replaced">The key whose value it replaces, if any: no tiny override may mask the new value.</param>
internal sealed record FileMutation(string Description, Action<BlockYaml> Apply, string? Replaced = null)
{
    public override string ToString() => Description;

    /// <summary>The value a moved or renamed key carries: small when it lands on a size key (see <see cref="BadValues.SizeKeys"/>).</summary>
    static object Carried(string newPath, object value) => BadValues.IsSize(newPath) && value is string ? "2" : value;

    /// <summary>Every kind of change, to keys at <paramref name="paths"/> of the file.</summary>
    public static Gen<FileMutation> For(IReadOnlyList<string> paths)
    {
        var path = Gen.OneOf([.. paths]);
        var replace = path.SelectMany(p => BadValues.For(p).Select(value => new FileMutation($"{p}: {value}", tree =>
        {
            if (tree.Locate(p) is var (section, index)) section.Entries[index] = (section.Entries[index].Key, value);
        }, p)));
        var delete = path.Select(p => new FileMutation($"delete {p}", tree =>
        {
            if (tree.Locate(p) is var (section, index)) section.Entries.RemoveAt(index);
        }));
        var rename = path.SelectMany(p => BadValues.KeyNear(p[(p.LastIndexOf('.') + 1)..]).Select(name => new FileMutation($"rename {p} to {name}", tree =>
        {
            if (tree.Locate(p) is var (section, index)) section.Entries[index] = (name, Carried(name, section.Entries[index].Value));
        })));
        var duplicate = Gen.Select(path, Gen.Bool).SelectMany((p, same) => (same ? Gen.Const("") : BadValues.For(p)).Select(value =>
            new FileMutation(same ? $"duplicate {p}" : $"duplicate {p} as {value}", tree =>
            {
                if (tree.Locate(p) is var (section, index))
                    section.Entries.Insert(index + 1, (section.Entries[index].Key, same ? section.Entries[index].Value : value));
            })));
        var nest = Gen.Select(path, Gen.OneOf("same", "extra", "model", "training")).Select((p, inner) => new FileMutation($"nest {p} under {inner}", tree =>
        {
            if (tree.Locate(p) is not var (section, index)) return;
            var (key, value) = section.Entries[index];
            var wrapper = new BlockYaml();
            wrapper.Entries.Add((inner == "same" ? key : inner, Carried(key, value)));
            section.Entries[index] = (key, wrapper);
        }));
        var move = Gen.Select(path, path).Select((from, to) => new FileMutation($"move {from} into {to}", tree =>
        {
            if (tree.Locate(from) is not var (source, index) || from == to || to.StartsWith(from + ".", StringComparison.Ordinal)) return;
            var (key, value) = source.Entries[index];
            source.Entries.RemoveAt(index);
            var target = tree.Locate(to) is var (parent, at) && parent.Entries[at].Value is BlockYaml section ? section : tree;
            target.Entries.Add((key, Carried(key, value)));
        }));
        var add = Gen.Select(Gen.OneOf([.. paths.Where(p => !p.Contains('.')), ""]), Gen.OneOf("x", "unknown_key", "kind", "name", "seed", "study", "sparks", "model"),
            BadValues.Any).Select((under, key, value) => new FileMutation($"add {(under.Length > 0 ? under + "." : "")}{key}: {value}", tree =>
        {
            var target = under.Length > 0 && tree.Locate(under) is var (parent, at) && parent.Entries[at].Value is BlockYaml section ? section : tree;
            target.Entries.Add((key, value));
        }));
        return Gen.Frequency((6, replace), (2, delete), (2, rename), (1, duplicate), (1, nest), (1, move), (1, add));
    }
}

/// <summary>Damage to the text of an experiment file: cut off, an unclosed bracket, a tab, a line gone.</summary>
/// <param name="Description">What it does, for the failure report.</param>
/// <param name="Apply">Returns the damaged text.</param>
internal sealed record TextDamage(string Description, Func<string, string> Apply)
{
    public override string ToString() => Description;

    static readonly string[] Snippets =
    [
        "[", "{", "]", "}", "\t", "\"", "'", ": ", "- ", "&a ", "*a", "!!binary ", "---\n", "...\n", "%YAML 1.1\n", "\uFEFF", "? ",
        "|", ">", "#", "\n  \t", "\n", ",", "\\", "\u2028", "\r", "<<: *a\n", "&a [1]\n",
    ];

    /// <summary>Every kind of damage; positions are fractions of the text's length.</summary>
    public static readonly Gen<TextDamage> Any = Gen.Frequency(
        (3, Gen.Double[0, 1].Select(at => new TextDamage($"cut at {at:F3}", text => text[..(int)(at * text.Length)]))),
        (3, Gen.Select(Gen.Double[0, 1], Gen.OneOf(Snippets)).Select((at, snippet) => new TextDamage(
            $"insert {System.Text.Json.JsonSerializer.Serialize(snippet)} at {at:F3}", text => text.Insert((int)(at * text.Length), snippet)))),
        (1, Gen.Double[0, 1].Select(at => new TextDamage($"tab-indent the line at {at:F3}", text => OnLine(text, at, line => "\t" + line.TrimStart(' '))))),
        (1, Gen.Double[0, 1].Select(at => new TextDamage($"unindent the line at {at:F3}", text => OnLine(text, at, line => line.TrimStart(' '))))),
        (1, Gen.Double[0, 1].Select(at => new TextDamage($"indent the line at {at:F3}", text => OnLine(text, at, line => "   " + line)))),
        (1, Gen.Double[0, 1].Select(at => new TextDamage($"delete the line at {at:F3}", text => OnLine(text, at, _ => null)))),
        (1, Gen.Const(new TextDamage("CRLF line ends", text => text.Replace("\n", "\r\n")))));

    static string OnLine(string text, double at, Func<string, string?> change)
    {
        var lines = text.Split('\n').ToList();
        int index = Math.Min((int)(at * lines.Count), lines.Count - 1);
        string? changed = change(lines[index]);
        if (changed is null) lines.RemoveAt(index);
        else lines[index] = changed;
        return string.Join('\n', lines);
    }
}
