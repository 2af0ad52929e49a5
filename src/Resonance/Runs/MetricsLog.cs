using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>
/// <c>metrics.jsonl</c>: one JSON object per logged step, appended and flushed line by line. Every line carries
/// <c>step</c>; wall-clock values go only under keys ending in <c>_s</c> or <c>_per_s</c>.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    readonly StreamWriter writer;
    readonly IRunEvents events;

    /// <summary>Opens the log for appending. When <paramref name="keepThroughStep"/> is given (a resume), lines
    /// after that step, and a torn last line, are dropped first so the log continues exactly where the checkpoint stands.</summary>
    /// <param name="path">The file.</param>
    /// <param name="keepThroughStep">On a resume, the checkpoint's step.</param>
    /// <param name="events">Told of every line written (<see cref="RunMetrics"/>).</param>
    public MetricsLog(string path, long? keepThroughStep = null, IRunEvents? events = null)
    {
        Path = path;
        this.events = events ?? NullRunEvents.Instance;
        if (keepThroughStep is long step && File.Exists(path))
        {
            var kept = Read(path).Where(line => line["step"]?.GetValue<long>() <= step).Select(line => line.ToJsonString());
            AtomicFile.WriteAllText(path, string.Concat(kept.Select(l => l + "\n")));
        }
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public string Path { get; }

    /// <summary>Appends one line. Values are numbers, strings or booleans; non-finite numbers are written as strings ("NaN").</summary>
    public void Write(IReadOnlyDictionary<string, object?> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
            json[key] = JsonValues.From(value);
        writer.WriteLine(json.ToJsonString());
        writer.Flush();
        events.Report(new RunMetrics(json));
    }

    /// <summary>Reads every well-formed line of a metrics file (a torn last line from a crash is skipped).</summary>
    public static List<JsonObject> Read(string path)
    {
        var lines = new List<JsonObject>();
        if (!File.Exists(path)) return lines;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonNode.Parse(line) is JsonObject obj) lines.Add(obj);
            }
            catch (JsonException)
            {
                // a line cut short by a kill; everything before it stands
            }
        }
        return lines;
    }

    /// <summary>Whether a metrics key holds a wall-clock figure (excluded from determinism comparisons).</summary>
    public static bool IsTimingKey(string key) => key.EndsWith("_s", StringComparison.Ordinal) || key.EndsWith("_per_s", StringComparison.Ordinal);

    public void Dispose() => writer.Dispose();
}
