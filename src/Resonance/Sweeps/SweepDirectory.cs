using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Runs;

namespace Resonance.Sweeps;

/// <summary>Where a point of a sweep stands, read from its run folder.</summary>
public enum PointState
{
    /// <summary>No run folder yet (or an empty one).</summary>
    Pending,
    /// <summary>The run says <c>running</c>: alive (Slurm, another process) or killed outright.</summary>
    Running,
    /// <summary>Stopped on request; continue it with <c>--resume</c> where the kind resumes.</summary>
    Interrupted,
    /// <summary>Ended <c>completed</c>.</summary>
    Completed,
    /// <summary>Ended <c>failed</c> or <c>diverged</c>; a re-run of the same seed would fail the same way, so it is not re-run.</summary>
    Failed,
    /// <summary>A folder that is not a readable run (half-made, damaged summary); it is moved aside and the point started again.</summary>
    Damaged,
}

/// <summary>
/// A sweep's folder. It is a run folder of kind <c>sweep</c> (<c>config.yaml</c>, <c>summary.json</c>, <c>plots/</c>), so
/// <c>resonance runs</c> lists it as one row, and it holds the children:
/// <code>
/// config.yaml        kind: sweep, the sweep: section, the experiment: section (re-runnable: resonance sweep config.yaml)
/// points.json        the fingerprint, the swept keys and every point (name, setting, seed, values)
/// points/p000.yaml   each point's fully resolved experiment (what its run is started from)
/// runs/p000/         each point's ordinary run folder
/// logs/p000.log      each child's console output (local), logs/slurm-JOB_TASK.out (Slurm)
/// sweep.sbatch       the Slurm batch script (with --slurm), slurm.json the submitted job
/// table.md, table.csv, runs.csv, plots/   written when the results are collected
/// </code>
/// </summary>
public sealed class SweepDirectory(string path)
{
    /// <summary>The sweep folder.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The folder as a run (kind <c>sweep</c>).</summary>
    public RunDirectory Run { get; } = new(System.IO.Path.GetFullPath(path));

    public string PlanPath => System.IO.Path.Combine(Path, "points.json");
    public string PointsPath => System.IO.Path.Combine(Path, "points");
    public string RunsPath => System.IO.Path.Combine(Path, "runs");
    public string LogsPath => System.IO.Path.Combine(Path, "logs");
    public string ScriptPath => System.IO.Path.Combine(Path, "sweep.sbatch");
    public string SlurmJobPath => System.IO.Path.Combine(Path, "slurm.json");
    public string TablePath => System.IO.Path.Combine(Path, "table.csv");
    public string TableMarkdownPath => System.IO.Path.Combine(Path, "table.md");
    public string RunsTablePath => System.IO.Path.Combine(Path, "runs.csv");

    /// <summary>A point's resolved experiment file.</summary>
    public string PointConfig(SweepPoint point) => System.IO.Path.Combine(PointsPath, point.Name + ".yaml");

    /// <summary>A point's run folder.</summary>
    public RunDirectory PointRun(SweepPoint point) => new(System.IO.Path.Combine(RunsPath, point.Name));

    /// <summary>A point's console log (local sweeps).</summary>
    public string PointLog(SweepPoint point) => System.IO.Path.Combine(LogsPath, point.Name + ".log");

    /// <summary>Whether the folder holds a sweep (its point list).</summary>
    public bool Exists => File.Exists(PlanPath);

    /// <summary>Reads the point list.</summary>
    /// <exception cref="UserInputException">Not a sweep folder, or its point list is damaged.</exception>
    public SweepPlan ReadPlan()
    {
        if (!Exists)
            throw new UserInputException($"{Path}: not a sweep folder (no points.json); give a folder that resonance sweep created.");
        try
        {
            return SweepPlan.FromJson(JsonNode.Parse(File.ReadAllText(PlanPath)), PlanPath);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{PlanPath}: unreadable ({e.Message.Split('\n')[0]}); it is written by resonance sweep.", e);
        }
    }

    /// <summary>Where <paramref name="point"/> stands.</summary>
    public PointState State(SweepPoint point)
    {
        var run = PointRun(point);
        if (!Directory.Exists(run.Path) || (!run.Exists && !Directory.EnumerateFileSystemEntries(run.Path).Any())) return PointState.Pending;
        if (!run.Exists) return PointState.Damaged;
        return (run.ReadSummary()?["status"] as JsonValue)?.ToString() switch
        {
            "completed" => PointState.Completed,
            "failed" or "diverged" => PointState.Failed,
            "interrupted" => PointState.Interrupted,
            "running" => PointState.Running,
            _ => PointState.Damaged,
        };
    }

    /// <summary>Moves a point's run folder aside to <c>runs/NAME.old-N</c> (never deleted) so the point can start again.</summary>
    /// <returns>Where it went.</returns>
    public string MoveAside(SweepPoint point)
    {
        string from = PointRun(point).Path, to = from + ".old-1";
        for (int i = 2; Directory.Exists(to) || File.Exists(to); i++) to = $"{from}.old-{i}";
        Run.Guard($"move {point.Name}'s run aside", () => Directory.Move(from, to));
        return to;
    }

    /// <summary>Writes a file of the sweep atomically.</summary>
    public void Write(string file, string text) => Run.Guard($"write {System.IO.Path.GetFileName(file)}", () => AtomicFile.WriteAllText(file, text));

    /// <summary>The default folder for a sweep: <c>ROOT/NAME-sweep-FINGERPRINT</c>, the same for the same sweep.</summary>
    public static string DefaultPath(string root, string name, SweepPlan plan)
    {
        RunDirectory.CheckName(name);
        return System.IO.Path.Combine(root, $"{name}-sweep-{plan.Fingerprint}");
    }
}
