using System.Reflection;

namespace Resonance.Cli;

/// <summary>The experiment files of <c>experiments/</c>, embedded in the tool so <c>resonance run NAME</c> works from anywhere.</summary>
internal static class EmbeddedExperiments
{
    const string Prefix = "experiments/";

    /// <summary>The experiment run by a bare <c>resonance run</c>.</summary>
    public const string Default = "quickstart";

    /// <summary>Names of the embedded experiments (file names without .yaml).</summary>
    public static IReadOnlyList<string> Names =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".yaml".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>The text of an embedded experiment, or null.</summary>
    public static string? Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + name + ".yaml");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
