using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Training;

/// <summary>
/// A run's folder, as DESIGN.md fixes it: <c>config.yaml</c> (resolved), <c>metrics.jsonl</c>,
/// <c>summary.json</c>, <c>checkpoints/</c>, <c>tensorboard/</c> event files and <c>plots/*.png</c>.
/// </summary>
public sealed class RunDirectory
{
    public RunDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

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

    /// <summary>The default folder for a new run: <c>runs/&lt;experiment&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (a suffix keeps it unique).</summary>
    public static string DefaultPath(string experimentName, DateTime now, string root = "runs")
    {
        string stem = System.IO.Path.Combine(root, $"{experimentName}-{now:yyyyMMdd-HHmmss}");
        string path = stem;
        for (int i = 2; Directory.Exists(path); i++) path = $"{stem}-{i}";
        return path;
    }

    /// <summary>Creates the folder layout.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(CheckpointsPath);
        Directory.CreateDirectory(PlotsPath);
    }

    /// <summary>Whether the folder looks like a run (has a config).</summary>
    public bool Exists => File.Exists(ConfigPath);

    /// <summary>Reads summary.json, or null when there is none (yet) or it is unreadable.</summary>
    public JsonObject? ReadSummary()
    {
        try
        {
            return File.Exists(SummaryPath) ? JsonNode.Parse(File.ReadAllText(SummaryPath)) as JsonObject : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes summary.json atomically (flat keys; timing keys end in <c>_s</c> or <c>_per_s</c>).</summary>
    public void WriteSummary(IReadOnlyDictionary<string, object?> summary)
    {
        var json = new JsonObject();
        foreach (var (key, value) in summary) json[key] = JsonValues.From(value);
        AtomicFile.WriteAllText(SummaryPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
