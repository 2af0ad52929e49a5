using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>
/// A run's folder, the same for every experiment kind: <c>config.yaml</c> (fully resolved, with <c>kind</c>),
/// <c>metrics.jsonl</c> (appended line by line), <c>summary.json</c> (flat; always <c>kind</c>, <c>status</c>,
/// <c>started_at</c>), <c>plots/</c>, and the kind's own extras (<c>checkpoints/</c>, <c>tensorboard/</c>,
/// <c>snapshots/</c>, tables).
/// </summary>
/// <remarks>
/// The rules that keep a user's files safe live here: a new run goes only into a folder that does not exist or is
/// empty (never into one that holds a run or anything else); <see cref="Create"/> is called only after the
/// experiment was validated and its data and model built, so an early failure leaves no folder behind; the summary
/// says <c>running</c> from the first moment, so a run killed outright is visible as such.
/// </remarks>
public sealed class RunDirectory
{
    DateTimeOffset? startedAt;

    /// <exception cref="UserInputException">The path is empty or holds a character no path may hold.</exception>
    public RunDirectory(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
            throw new UserInputException($"run folder \"{path.Replace("\0", "\\0")}\": not a folder name; give a path such as runs/my-run (with --out or --resume).");
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public string ConfigPath => System.IO.Path.Combine(Path, "config.yaml");
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string SummaryPath => System.IO.Path.Combine(Path, "summary.json");
    public string CheckpointsPath => System.IO.Path.Combine(Path, "checkpoints");
    public string LastCheckpointPath => System.IO.Path.Combine(CheckpointsPath, "last.ckpt");
    public string BestCheckpointPath => System.IO.Path.Combine(CheckpointsPath, "best.ckpt");
    public string TensorBoardPath => System.IO.Path.Combine(Path, "tensorboard");
    public string PlotsPath => System.IO.Path.Combine(Path, "plots");

    /// <summary>The experiment kind, once <see cref="Create"/> or <see cref="Open"/> has run.</summary>
    public string? Kind { get; private set; }

    /// <summary>Where progress and figures go; every metrics line written through <see cref="OpenMetrics"/> is reported too.</summary>
    public IRunEvents Events { get; set; } = NullRunEvents.Instance;

    /// <summary>The default folder for a new run: <c>ROOT/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (a suffix keeps it unique).</summary>
    /// <exception cref="UserInputException">The name is not a plain folder name (it would put the run outside <paramref name="root"/>).</exception>
    public static string DefaultPath(string name, DateTime now, string root = "runs")
    {
        CheckName(name);
        string stem = System.IO.Path.Combine(root, $"{name}-{now:yyyyMMdd-HHmmss}");
        string path = stem;
        for (int i = 2; Directory.Exists(path) || File.Exists(path); i++) path = $"{stem}-{i}";
        return path;
    }

    /// <summary>Refuses a run name that is not one plain folder name.</summary>
    /// <exception cref="UserInputException">Empty, a path, <c>.</c> or <c>..</c>, or too long.</exception>
    public static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || System.IO.Path.IsPathRooted(name))
            throw new UserInputException($"name: \"{name}\" is not a plain name; the run folder is runs/<name>-<time>, so give a name without '/' or '..' (or choose the folder with --out).");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 200)
            throw new UserInputException($"name: {name.Length} characters is too long for a folder name; keep it under 200.");
    }

    /// <summary>Checks that a new run can go here, before anything is built: the folder is new or empty.</summary>
    /// <exception cref="UserInputException">The path is a file, lies under a file, holds a run or other files, or its name is too long.</exception>
    public void CheckNew()
    {
        if (System.IO.Path.GetFileName(Path).Length > 255)
            throw new UserInputException($"--out {Path}: the folder name is longer than the file system allows (255 bytes); choose a shorter one.");
        if (File.Exists(Path))
            throw new UserInputException($"--out {Path}: is a file; give a folder that does not exist yet (or an empty one).");
        for (string? parent = System.IO.Path.GetDirectoryName(Path); parent is not null; parent = System.IO.Path.GetDirectoryName(parent))
            if (File.Exists(parent))
                throw new UserInputException($"--out {Path}: {parent} is a file, so no folder can be made under it; choose another --out.");
        if (!Directory.Exists(Path)) return;
        if (Exists || File.Exists(SummaryPath))
            throw new UserInputException($"--out {Path}: already holds a run; choose another folder, or continue it with resonance run --resume {Path}");
        if (Directory.EnumerateFileSystemEntries(Path).Any())
            throw new UserInputException($"--out {Path}: the folder is not empty and is not a run; give a new or empty folder so nothing in it is overwritten.");
    }

    /// <summary>Creates the folder and its <c>plots/</c>, writes <c>config.yaml</c> and a summary that says <c>running</c>.</summary>
    /// <param name="kind">The experiment kind.</param>
    /// <param name="resolvedConfig">The fully resolved config as YAML, with its <c>kind</c> key.</param>
    /// <exception cref="UserInputException">The folder is not new or empty (see <see cref="CheckNew"/>), or cannot be written.</exception>
    public void Create(string kind, string resolvedConfig)
    {
        CheckNew();
        Kind = kind;
        startedAt = DateTimeOffset.Now;
        Guard("create the run folder", () =>
        {
            Directory.CreateDirectory(Path);
            Directory.CreateDirectory(PlotsPath);
            AtomicFile.WriteAllText(ConfigPath, resolvedConfig);
        });
        WriteSummary(new Dictionary<string, object?> { ["status"] = "running" });
    }

    /// <summary>Opens an existing run to continue it: reads its kind and start time from <c>summary.json</c>.</summary>
    /// <exception cref="UserInputException">Not a run folder.</exception>
    public void Open(string kind)
    {
        if (!Exists)
            throw new UserInputException($"{Path}: not a run directory (no config.yaml); give a folder that resonance run created.");
        Kind = kind;
        var summary = TryReadSummary(out _);
        if (summary?["started_at"] is JsonValue value && DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var started))
            startedAt = started;
        startedAt ??= DateTimeOffset.Now;
    }

    /// <summary>Whether the folder looks like a run (has a config).</summary>
    public bool Exists => File.Exists(ConfigPath);

    /// <summary>Opens <c>metrics.jsonl</c> for appending; each line written is also reported to <see cref="Events"/>.</summary>
    /// <param name="keepThroughStep">On a resume: drop lines after this step (and a torn last line) first.</param>
    public MetricsLog OpenMetrics(long? keepThroughStep = null) =>
        Guard("open metrics.jsonl", () => new MetricsLog(MetricsPath, keepThroughStep, Events));

    /// <summary>Reads summary.json, or null when there is none (yet) or it is unreadable.</summary>
    public JsonObject? ReadSummary() => TryReadSummary(out _);

    /// <summary>Reads summary.json; when it cannot, says why in <paramref name="problem"/> (missing, not JSON, a duplicate key, ...).</summary>
    public JsonObject? TryReadSummary(out string? problem)
    {
        problem = null;
        try
        {
            if (!File.Exists(SummaryPath))
            {
                problem = "no summary.json";
                return null;
            }
            var info = new FileInfo(SummaryPath);
            if (info.Length > 16 << 20)
            {
                problem = $"summary.json is {info.Length:N0} bytes, far more than a summary";
                return null;
            }
            if (JsonNode.Parse(File.ReadAllText(SummaryPath), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is not JsonObject summary)
            {
                problem = "summary.json is not a JSON object";
                return null;
            }
            return summary;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            problem = $"summary.json unreadable: {e.Message.Split('\n')[0]}";
            return null;
        }
    }

    /// <summary>
    /// Writes summary.json atomically: <c>kind</c>, <c>status</c> (from <paramref name="summary"/>, else <c>running</c>),
    /// <c>started_at</c>, then the kind's flat figures. Timing keys end in <c>_s</c> or <c>_per_s</c>.
    /// </summary>
    public void WriteSummary(IReadOnlyDictionary<string, object?> summary)
    {
        var json = new JsonObject
        {
            ["kind"] = Kind ?? (summary.TryGetValue("kind", out var k) ? k?.ToString() : null),
            ["status"] = summary.TryGetValue("status", out var status) && status is not null ? status.ToString() : "running",
            ["started_at"] = (startedAt ?? DateTimeOffset.Now).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in summary)
            if (key is not ("kind" or "status" or "started_at")) json[key] = JsonValues.From(value);
        string text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        Guard("write summary.json", () => AtomicFile.WriteAllText(SummaryPath, text));
    }

    /// <summary>Runs a file-system action, turning the file system's refusals (read-only, full disk, a file in the way)
    /// into one message that names the run folder.</summary>
    /// <exception cref="UserInputException">The action failed with an I/O or permission error.</exception>
    public T Guard<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException io && !AtomicFile.IsDiskFull(io)))
        {
            throw new UserInputException($"{Path}: could not {what}: {e.Message.Split('\n')[0]} (check free space and permissions, or choose another --out).", e);
        }
    }

    /// <inheritdoc cref="Guard{T}(string, Func{T})"/>
    public void Guard(string what, Action action) => Guard(what, () => { action(); return 0; });
}
