using System.Globalization;
using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>One run folder as a listing shows it: its summary (when readable), kind, status, age, and what is wrong with it.</summary>
/// <param name="Path">The run folder.</param>
/// <param name="Name">The folder's name.</param>
/// <param name="Kind">The experiment kind from summary.json (or config.yaml), or null when neither says.</param>
/// <param name="Status">summary.json's status, or null.</param>
/// <param name="StartedAt">When it started (summary.json's <c>started_at</c>, else the folder's time).</param>
/// <param name="Summary">summary.json, or null when it is missing or unreadable.</param>
/// <param name="Problem">Why the folder is half-written or damaged, or null.</param>
public sealed record RunEntry(string Path, string Name, string? Kind, string? Status, DateTimeOffset StartedAt, JsonObject? Summary, string? Problem)
{
    /// <summary>The run's <c>analysis/analysis.json</c> (written by <c>resonance analyze</c>), or null when it has none.</summary>
    public string? Analysis { get; init; }
}

/// <summary>
/// Finds the runs under a folder for <c>resonance runs</c> and the studio. A folder counts as a run when it has a
/// <c>config.yaml</c> or a <c>summary.json</c>; one that is half-written or damaged is listed with the reason, never skipped
/// silently, and never stops the listing.
/// </summary>
public static class RunListing
{
    /// <summary>The runs directly under <paramref name="root"/>, newest first.</summary>
    public static IReadOnlyList<RunEntry> Find(string root)
    {
        var entries = new List<RunEntry>();
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(root).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--root {root}: cannot be read ({e.Message.Split('\n')[0]}).", e);
        }
        foreach (string folder in folders)
            if (Read(folder) is { } entry) entries.Add(entry);
        return entries.OrderByDescending(e => e.StartedAt).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>One folder as a run entry, or null when it is not a run at all.</summary>
    public static RunEntry? Read(string folder)
    {
        var run = new RunDirectory(folder);
        bool hasConfig = File.Exists(run.ConfigPath), hasSummary = File.Exists(run.SummaryPath);
        if (!hasConfig && !hasSummary) return null;
        DateTimeOffset folderTime;
        try
        {
            folderTime = Directory.GetLastWriteTime(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folderTime = DateTimeOffset.MinValue;
        }
        var summary = run.TryReadSummary(out string? problem);
        if (!hasConfig) problem = "no config.yaml";
        string? kind = Text(summary, "kind") ?? KindFromConfig(run.ConfigPath);
        string? status = Text(summary, "status");
        var started = Text(summary, "started_at") is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at : folderTime;
        if (summary is not null && status is null)
            problem ??= summary["status"] is { } odd ? $"summary.json's status is {Shorten(odd.ToJsonString())}, not a string" : "summary.json has no status";
        string analysis = System.IO.Path.Combine(run.Path, "analysis", "analysis.json");
        return new RunEntry(run.Path, run.Name, kind, status, started, summary, problem) { Analysis = File.Exists(analysis) ? analysis : null };
    }

    static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    static string? Text(JsonObject? summary, string key) =>
        summary?[key] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>The <c>kind:</c> line of a config, read as text (a damaged config still shows its kind).</summary>
    static string? KindFromConfig(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 1 << 20) return null;
            foreach (string line in File.ReadLines(path))
                if (line.StartsWith("kind:", StringComparison.Ordinal))
                    return line["kind:".Length..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>A run's age in a few characters: <c>45 s</c>, <c>12 min</c>, <c>3 h</c>, <c>2 d</c>.</summary>
    public static string Age(DateTimeOffset startedAt, DateTimeOffset now)
    {
        var age = now - startedAt;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalSeconds < 90 ? $"{age.TotalSeconds:0} s"
            : age.TotalMinutes < 90 ? $"{age.TotalMinutes:0} min"
            : age.TotalHours < 36 ? $"{age.TotalHours:0} h"
            : $"{age.TotalDays:0} d";
    }
}
