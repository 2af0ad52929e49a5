namespace Resonance.Data;

/// <summary>
/// The data cache: <c>$RESONANCE_HOME</c>, or <c>~/.cache/resonance</c> when unset. Each dataset lives in a
/// folder of its own (e.g. <c>mnist/</c>) that appears only once complete.
/// </summary>
public sealed class DataCache
{
    /// <summary>The environment variable that moves the cache.</summary>
    public const string HomeVariable = "RESONANCE_HOME";

    public DataCache(string root) => Root = Path.GetFullPath(root);

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>The cache named by the environment.</summary>
    /// <exception cref="UserInputException"><c>RESONANCE_HOME</c> names a file.</exception>
    public static DataCache FromEnvironment()
    {
        string? home = Environment.GetEnvironmentVariable(HomeVariable);
        if (string.IsNullOrWhiteSpace(home))
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "resonance");
        else if (File.Exists(home))
            throw new UserInputException($"{HomeVariable}={home}: is a file; point it at a folder for the data cache (or unset it for ~/.cache/resonance).");
        return new DataCache(home);
    }

    /// <summary>The folder of a dataset (which may not exist yet).</summary>
    public string DatasetPath(string name) => Path.Combine(Root, name);

    /// <summary>The datasets present: folders directly under the root, excluding in-progress temp folders.</summary>
    public IReadOnlyList<string> Datasets() =>
        Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>()
                .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
}
