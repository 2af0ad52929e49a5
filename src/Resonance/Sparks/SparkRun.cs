using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Resonance.Training;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>Where a spark run stands, reported after each measurement.</summary>
/// <param name="Step">The step just measured.</param>
/// <param name="FirstStep">The step the run started from (0, or the snapshot's step).</param>
/// <param name="LastStep">The step the run ends at.</param>
/// <param name="Measures">The measures at <paramref name="Step"/>.</param>
/// <param name="StepsPerSecond">Simulation speed since the previous measurement (wall clock).</param>
public sealed record SparkRunProgress(long Step, long FirstStep, long LastStep, SparkMeasures Measures, double StepsPerSecond);

/// <summary>What a finished spark run produced.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Measures">Every measurement, in step order.</param>
/// <param name="Summary">The headline figures written to <c>summary.json</c>.</param>
/// <param name="Pictures">Every PNG written under <c>plots/</c>.</param>
/// <param name="Frames">The layout animation frames under <c>frames/</c>, in order.</param>
/// <param name="Snapshots">The snapshots under <c>snapshots/</c>, the final one last.</param>
public sealed record SparkRunResult(
    string Directory,
    IReadOnlyList<SparkMeasures> Measures,
    IReadOnlyDictionary<string, double> Summary,
    IReadOnlyList<string> Pictures,
    IReadOnlyList<string> Frames,
    IReadOnlyList<string> Snapshots);

/// <summary>
/// Runs a spark experiment into a run directory: <c>config.yaml</c> (resolved), <c>metrics.jsonl</c> (one object per
/// measurement), <c>summary.json</c> (flat headline figures), <c>plots/*.png</c> (the four panels at the picture
/// steps and the measures over time), <c>frames/layout-*.png</c> (the layout animation) and <c>snapshots/*.npz</c>
/// (to continue from). Every file is written whole (temporary file, then rename). Wall-clock figures are only under
/// keys ending in <c>_s</c> or <c>_per_s</c>; everything else repeats exactly for the same seed, config and device.
/// </summary>
public static class SparkRun
{
    /// <summary>The default run directory for a run started at <paramref name="now"/>: <c>runs/sparks-yyyyMMdd-HHmmss</c>.</summary>
    public static string DefaultDirectory(DateTime now) => Path.Combine("runs", $"sparks-{now:yyyyMMdd-HHmmss}");

    /// <summary>The snapshot to continue from: <paramref name="path"/> itself when it is a file, else the last
    /// <c>snapshots/step-*.npz</c> of the run directory it names.</summary>
    /// <exception cref="UserInputException">Neither a file nor a run directory with a snapshot.</exception>
    public static string LatestSnapshot(string path)
    {
        if (File.Exists(path)) return path;
        string folder = Path.Combine(path, "snapshots");
        var latest = Directory.Exists(folder) ? Directory.GetFiles(folder, "step-*.npz").Order(StringComparer.Ordinal).LastOrDefault() : null;
        return latest ?? throw new UserInputException($"--from-snapshot {path}: neither a snapshot file nor a run directory with snapshots/step-*.npz.");
    }

    /// <summary>Runs <see cref="SparkRunOptions.Steps"/> steps of <paramref name="experiment"/>, from the start or from a snapshot.</summary>
    /// <param name="experiment">The experiment; validated here.</param>
    /// <param name="directory">The run directory; must not already hold a run.</param>
    /// <param name="device">Where the simulation runs.</param>
    /// <param name="continueFrom">A snapshot to continue; its step is the first step of this run. Its neurons and sparks must match.</param>
    /// <param name="progress">Told after each measurement.</param>
    /// <param name="cancellation">Stops the run after the current step; what was written stays valid.</param>
    /// <exception cref="UserInputException">The experiment is out of range, the directory holds a run, or the snapshot does not fit.</exception>
    public static SparkRunResult Execute(
        SparkExperiment experiment, string directory, Device device, SparkSnapshot? continueFrom = null,
        IProgress<SparkRunProgress>? progress = null, CancellationToken cancellation = default)
    {
        experiment.Validate();
        if (File.Exists(Path.Combine(directory, "config.yaml")))
            throw new UserInputException($"--out {directory}: already holds a run; choose another folder.");
        string plots = Path.Combine(directory, "plots"), frames = Path.Combine(directory, "frames"), snapshots = Path.Combine(directory, "snapshots");
        foreach (string folder in new[] { directory, plots, frames, snapshots })
            Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(directory, "config.yaml"), SparkConfig.ToYaml(experiment));

        using var simulation = continueFrom is null
            ? new SparkSimulation(experiment.Sparks, experiment.Seed, device, experiment.Layout)
            : SparkSimulation.Restore(continueFrom, device, experiment);
        long first = simulation.Step, last = first + experiment.Run.Steps;
        var run = experiment.Run;
        var pictureSteps = run.PictureSteps.Select(s => (long)s).ToHashSet();
        double threshold = experiment.Measures.GraphThreshold;

        var measures = new List<SparkMeasures>();
        var metrics = new StringBuilder();
        var pictures = new List<string>();
        var frameFiles = new List<string>();
        var snapshotFiles = new List<string>();
        var wall = Stopwatch.StartNew();
        double simulationSeconds = 0, intervalSeconds = 0;
        long intervalSteps = 0;
        SparkMeasures? latest = null;

        while (true)
        {
            long step = simulation.Step;
            if (step == first || step == last || step % experiment.Measures.Every == 0)
            {
                latest = SparkMeasures.Take(simulation, experiment.Measures);
                measures.Add(latest);
                double rate = intervalSteps > 0 ? intervalSteps / intervalSeconds : 0;
                metrics.AppendLine(MetricsLine(latest, wall.Elapsed.TotalSeconds, rate));
                AtomicFile.WriteAllText(Path.Combine(directory, "metrics.jsonl"), metrics.ToString());
                progress?.Report(new SparkRunProgress(step, first, last, latest, rate));
                intervalSteps = 0;
                intervalSeconds = 0;
            }
            bool picture = step == last || pictureSteps.Contains(step);
            bool frame = run.FrameEvery > 0 && (step % run.FrameEvery == 0 || step == last);
            bool snapshot = step == last || (run.SnapshotEvery > 0 && step % run.SnapshotEvery == 0 && step != first);
            if (picture || frame)
            {
                var state = simulation.Capture(latest);
                if (picture)
                    pictures.AddRange(SparkPlots.SavePanels(state, plots, threshold, run.ImageSize));
                if (frame)
                    frameFiles.Add(SparkPlots.SaveLayoutFrame(state, Path.Combine(frames, $"layout-{step:D8}.png"), threshold, run.ImageSize));
            }
            if (snapshot)
            {
                string file = Path.Combine(snapshots, $"step-{step:D8}.npz");
                simulation.Snapshot(experiment).Save(file);
                snapshotFiles.Add(file);
            }
            if (step >= last || cancellation.IsCancellationRequested) break;

            var clock = Stopwatch.StartNew();
            simulation.Advance();
            double seconds = clock.Elapsed.TotalSeconds;
            simulationSeconds += seconds;
            intervalSeconds += seconds;
            intervalSteps++;
        }

        pictures.Add(SparkPlots.SaveMeasures(measures, Path.Combine(plots, "metrics.png")));
        var summary = Summary(experiment, measures, first, simulation.Step, wall.Elapsed.TotalSeconds, simulationSeconds);
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new SparkRunResult(directory, measures, summary, pictures, frameFiles, snapshotFiles);
    }

    static Dictionary<string, double> Summary(
        SparkExperiment experiment, List<SparkMeasures> measures, long first, long last, double elapsed, double simulationSeconds)
    {
        var summary = new Dictionary<string, double>
        {
            ["first_step"] = first,
            ["last_step"] = last,
            ["neurons"] = experiment.Sparks.Neurons,
            ["spark_count"] = experiment.Sparks.SparkCount,
            ["seed"] = experiment.Seed,
        };
        foreach (var (key, value) in measures[0].ToMetrics())
            summary[key + "_first"] = value;
        foreach (var (key, value) in measures[^1].ToMetrics())
            summary[key] = value;
        summary["elapsed_s"] = Math.Round(elapsed, 3);
        summary["steps_per_s"] = simulationSeconds > 0 ? Math.Round((last - first) / simulationSeconds, 1) : 0;
        return summary;
    }

    static string MetricsLine(SparkMeasures measures, double elapsed, double rate)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", measures.Step);
            foreach (var (key, value) in measures.ToMetrics())
            {
                if (double.IsFinite(value)) json.WriteNumber(key, value);
                else json.WriteNull(key);
            }
            json.WriteNumber("elapsed_s", Math.Round(elapsed, 3));
            json.WriteNumber("steps_per_s", Math.Round(rate, 1));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
