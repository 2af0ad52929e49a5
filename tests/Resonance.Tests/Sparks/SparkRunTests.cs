using System.Text.Json;
using Resonance.Sparks;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Sparks;

public class SparkRunTests
{
    static readonly SparkExperiment Tiny = new()
    {
        Seed = 5,
        Sparks = new SparkOptions { Neurons = 16, SparkCount = 3 },
        Measures = new SparkMeasureOptions { Every = 10, DiagonalBand = 1 },
        Run = new SparkRunOptions { Steps = 20, PictureSteps = [], FrameEvery = 10, SnapshotEvery = 0, ImageSize = 200 },
    };

    static bool IsPng(string path) => File.ReadAllBytes(path).AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

    [Fact]
    public void The_experiment_file_runs_in_a_tiny_form()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", "sparks.yaml");
        var experiment = SparkConfig.Load(path, ["sparks.neurons=24", "sparks.spark_count=4", "run.steps=12", "run.picture_steps=[12]",
            "run.frame_every=6", "run.snapshot_every=0", "run.image_size=200", "measures.every=6"]).Validate();

        var result = SparkRun.Execute(experiment, folder.Combine("run"), TorchSharp.torch.CPU);

        Assert.NotEmpty(result.Pictures);
        Assert.All(result.Pictures, picture => Assert.True(IsPng(picture), picture));
        Assert.True(File.Exists(Path.Combine(folder.Path, "run", "summary.json")));
    }

    [Fact]
    public void A_run_writes_config_metrics_summary_pictures_frames_and_a_snapshot()
    {
        using var folder = new TempFolder();
        string directory = folder.Combine("run");
        var result = SparkRun.Execute(Tiny, directory, TorchSharp.torch.CPU);

        Assert.Equal(SparkConfig.ToYaml(Tiny).Replace("\nseed:", "\nkind: sparks\nseed:"), File.ReadAllText(Path.Combine(directory, "config.yaml")));
        var lines = File.ReadAllLines(Path.Combine(directory, "metrics.jsonl"));
        Assert.Equal([0L, 10, 20], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64()));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "summary.json")));
        Assert.Equal(20, summary.RootElement.GetProperty("last_step").GetDouble());
        Assert.True(summary.RootElement.TryGetProperty("diagonal_bias", out _));
        Assert.Equal("sparks", summary.RootElement.GetProperty("kind").GetString());
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.All(summary.RootElement.EnumerateObject().Where(p => p.Name is not ("kind" or "status" or "started_at")),
            property => Assert.Equal(JsonValueKind.Number, property.Value.ValueKind));

        Assert.Equal(6, result.Pictures.Count);                                // four panels, the sheet, the measures
        Assert.All(result.Pictures, picture => Assert.True(IsPng(picture), picture));
        Assert.Contains(Path.Combine(directory, "plots", "step-00000020-weights.png"), result.Pictures);
        Assert.Equal(["layout-00000000.png", "layout-00000010.png", "layout-00000020.png"], result.Frames.Select(Path.GetFileName));
        Assert.Equal([Path.Combine(directory, "snapshots", "step-00000020.npz")], result.Snapshots);
        Assert.Empty(Directory.GetFiles(directory, "*.tmp", SearchOption.AllDirectories));
    }

    // Everything but the wall-clock figures, which live under keys ending in _s or _per_s.
    static string WithoutWallClock(string json) => string.Join(", ", JsonDocument.Parse(json).RootElement.EnumerateObject()
        .Where(p => !p.Name.EndsWith("_s", StringComparison.Ordinal) && p.Name != "started_at")
        .Select(p => $"{p.Name}={p.Value.GetRawText()}"));

    [Fact]
    public void Two_runs_with_the_same_seed_differ_only_in_wall_clock_figures()
    {
        using var folder = new TempFolder();
        string first = folder.Combine("a"), second = folder.Combine("b");
        var quick = Tiny with { Run = Tiny.Run with { FrameEvery = 0 } };
        SparkRun.Execute(quick, first, TorchSharp.torch.CPU);
        SparkRun.Execute(quick, second, TorchSharp.torch.CPU);
        Assert.Equal(
            WithoutWallClock(File.ReadAllText(Path.Combine(first, "summary.json"))),
            WithoutWallClock(File.ReadAllText(Path.Combine(second, "summary.json"))));
        Assert.Equal(
            File.ReadAllLines(Path.Combine(first, "metrics.jsonl")).Select(WithoutWallClock),
            File.ReadAllLines(Path.Combine(second, "metrics.jsonl")).Select(WithoutWallClock));
        Assert.Contains("elapsed_s", File.ReadAllText(Path.Combine(first, "summary.json")));
        Assert.Contains("steps_per_s", File.ReadAllLines(Path.Combine(first, "metrics.jsonl"))[1]);
    }

    [Fact]
    public void A_run_continued_from_a_snapshot_counts_on_from_its_step()
    {
        using var folder = new TempFolder();
        string first = folder.Combine("first");
        var quick = Tiny with { Run = Tiny.Run with { FrameEvery = 0 } };
        var result = SparkRun.Execute(quick, first, TorchSharp.torch.CPU);
        string next = folder.Combine("next");
        var continued = SparkRun.Execute(quick, next, TorchSharp.torch.CPU, SparkSnapshot.Load(result.Snapshots[^1]));
        Assert.Equal([20L, 30, 40], continued.Measures.Select(m => m.Step));
    }

    [Fact]
    public void A_directory_that_holds_a_run_is_refused()
    {
        using var folder = new TempFolder();
        string directory = folder.Path;
        File.WriteAllText(Path.Combine(directory, "config.yaml"), "seed: 1\n");
        Assert.Equal($"--out {directory}: already holds a run; choose another folder, or continue it with resonance run --resume {directory}",
            Assert.Throws<UserInputException>(() => SparkRun.Execute(Tiny, directory, TorchSharp.torch.CPU)).Message);
    }
}
