using Resonance.Experiments;
using Resonance.Runs;

namespace Resonance.Studio;

/// <summary>One experiment the page may start.</summary>
/// <param name="Name">What the page shows and sends back (a built-in name, or a file name under <c>experiments/</c>).</param>
/// <param name="Kind">Its experiment kind.</param>
/// <param name="Source"><c>built-in</c>, or the file's path relative to the working folder.</param>
/// <param name="CliArgument">What <c>resonance run</c> is given: the built-in name, or the file's full path.</param>
public sealed record ExperimentEntry(string Name, string Kind, string Source, string CliArgument);

/// <summary>
/// The experiments the studio may start: the built-in ones (the project's <c>experiments/*.yaml</c>, embedded in the CLI)
/// and the <c>*.yaml</c> files of an <c>experiments/</c> folder the studio was pointed at. The page names one of them;
/// it never sends a path, so no request can make the studio read another file.
/// </summary>
public sealed class ExperimentCatalog
{
    readonly Dictionary<string, (ExperimentEntry Entry, Func<ConfigDocument> Load)> entries = new(StringComparer.Ordinal);
    readonly ExperimentKinds kinds;

    /// <param name="builtIn">Built-in experiments: name and YAML text.</param>
    /// <param name="folder">A folder of experiment files (its <c>*.yaml</c>, not below), or null.</param>
    /// <param name="kinds">The experiment kinds (the default registry when null).</param>
    public ExperimentCatalog(IReadOnlyDictionary<string, string> builtIn, string? folder, ExperimentKinds? kinds = null)
    {
        this.kinds = kinds ?? ExperimentKinds.CreateDefault();
        foreach (var (name, text) in builtIn.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            Add(name, "built-in", name, () => ConfigDocument.Parse(text, $"{name} (built-in)"));
        if (folder is null || !Directory.Exists(folder)) return;
        foreach (string file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (entries.ContainsKey(name) || name.Length == 0) continue;
            string full = Path.GetFullPath(file);
            Add(name, Path.GetRelativePath(Environment.CurrentDirectory, full), full, () => ConfigDocument.Load(full));
        }
    }

    void Add(string name, string source, string argument, Func<ConfigDocument> load)
    {
        string kind;
        try
        {
            kind = kinds.Detect(load()).Kind.Name;
        }
        catch (UserInputException)
        {
            return; // a file that does not read as an experiment is not offered
        }
        entries[name] = (new ExperimentEntry(name, kind, source, argument), load);
    }

    /// <summary>Every experiment offered, by name.</summary>
    public IReadOnlyList<ExperimentEntry> All => entries.Values.Select(e => e.Entry).ToList();

    /// <summary>Validates a start request the way <c>resonance run</c> would, without building anything.</summary>
    /// <returns>The experiment and the run's name (the folder is <c>ROOT/&lt;name&gt;-&lt;time&gt;</c>).</returns>
    /// <exception cref="UserInputException">An unknown experiment, or a bad <c>--set</c> pair (the message names the key).</exception>
    public (ExperimentEntry Entry, string RunName) Check(string name, IReadOnlyList<string> overrides, long? seed)
    {
        if (!entries.TryGetValue(name, out var found))
        {
            string? guess = ConfigBinder.Closest(name, entries.Keys);
            throw new UserInputException($"experiment: no experiment called \"{Shorten(name)}\"" +
                (guess is null ? $"; pick one of {string.Join(", ", entries.Keys)}." : $"; did you mean {guess}?"));
        }
        var (kind, bare) = kinds.Detect(found.Load());
        var prepared = kind.Prepare(bare, overrides, seed, name);
        RunDirectory.CheckName(prepared.Name);
        return (found.Entry, prepared.Name);
    }

    static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
