using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Resonance.Analysis;
using Resonance.Data;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Training;

namespace Resonance.Tests.Analysis;

/// <summary><c>resonance analyze</c> end to end on a tiny resonator trained briefly on (synthetic) row-wise MNIST.</summary>
public class RunAnalysisTests
{
    const string TinyResonator = """
        name: tiny-resonator
        seed: 2
        model:
          type: resonator
          hidden: 8
          reasoning_steps: 1
          leak_gate: true
          initial_threshold: 0.5
        data:
          dataset: mnist
          view: row
          train_limit: 96
          test_limit: 40
        training:
          epochs: 1
          lr: 0.01
          batch_size: 32
        logging:
          plots: false
        """;

    static readonly string[] Tiny =
    [
        "analysis.batch=24", "analysis.test_examples=40", "analysis.fixed_points.initial_states=12", "analysis.fixed_points.max_iterations=150",
        "analysis.lyapunov.warmup_steps=10", "analysis.lyapunov.steps=30", "analysis.lyapunov.exponents=3", "analysis.lyapunov_trajectories=2",
        "analysis.kick_neurons=5", "analysis.max_reasoning_steps=3",
    ];

    /// <summary>A trained tiny resonator in <c>folder/run</c>, its MNIST (synthetic, 120 + 40 images) in <c>folder/cache</c>.</summary>
    static RunDirectory TrainedRun(TempFolder folder)
    {
        MnistDataset.Synthetic(120, 40, seed: 1).Write(folder.Combine("cache", MnistDataset.CacheName));
        var run = new RunDirectory(folder.Combine("run"));
        TrainingHarness.Start(TrainingHarness.Experiment(TinyResonator), run);
        return run;
    }

    static RunOutcome Analyse(RunDirectory run, IRunEvents events, params string[] more)
    {
        var (options, yaml) = RunAnalysis.Bind([.. Tiny, .. more], seed: 1);
        var context = new RunContext(TorchSharp.torch.CPU, new DataCache(Path.Combine(run.Path, "..", "cache")), events, CancellationToken.None);
        return RunAnalysis.Run(run.Path, options, yaml, context);
    }

    static Dictionary<string, string> Hashes(RunDirectory run) =>
        Directory.EnumerateFiles(run.Path, "*", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(run.Path, file).StartsWith("analysis", StringComparison.Ordinal))
            .ToDictionary(file => Path.GetRelativePath(run.Path, file), file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));

    /// <summary>The shape written in a .npy header, e.g. <c>(24, 29, 3)</c>.</summary>
    static string NpyShape(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'], bytes[..6]);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, BitConverter.ToUInt16(bytes, 8));
        int start = header.IndexOf("'shape': ", StringComparison.Ordinal) + 9;
        return header[start..(header.IndexOf(')', start) + 1)];
    }

    [Fact]
    public void A_trained_resonator_is_analysed_into_its_analysis_folder_and_nothing_else_of_the_run_changes()
    {
        using var folder = new TempFolder();
        var run = TrainedRun(folder);
        var before = Hashes(run);
        var events = new List<RunEvent>();

        var outcome = Analyse(run, new RunEventRelay(events.Add));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(before, Hashes(run));
        var json = JsonNode.Parse(File.ReadAllText(RunAnalysis.JsonOf(run.Path)))!.AsObject();
        Assert.Equal("analysis", (string?)json["kind"]);
        Assert.Equal("completed", (string?)json["status"]);
        Assert.Equal("checkpoints/best.ckpt", (string?)json["checkpoint"]);
        Assert.Equal(40, (long)json["test_examples"]!);
        double accuracy = (double)json["test_accuracy"]!;
        var ablations = json["detail"]!["ablations"]!;
        Assert.Equal(accuracy, (double)ablations["full_accuracy"]!);                       // the same examples, the same forward pass
        Assert.Equal(accuracy, (double)ablations["accuracy_by_reasoning_steps"]![1]!);     // trained with 1 reasoning step
        Assert.Equal(4, ablations["accuracy_by_reasoning_steps"]!.AsArray().Count);
        Assert.Equal(5, ablations["kick_neurons"]!.AsArray().Count);
        Assert.Equal(8, (int)ablations["neurons_silenced"]!);
        Assert.InRange((double)json["no_spikes_accuracy"]!, 0, 1);

        var fixedPoints = json["detail"]!["fixed_points"]!;
        int points = fixedPoints["points"]!.AsArray().Count;
        Assert.Equal(points, (int)json["fixed_points"]! + (int)json["slow_points"]!);
        Assert.Equal((int)json["fixed_points"]!, (int)json["stable_points"]! + (int)json["saddle_points"]! + (int)json["unstable_points"]!);
        Assert.All(fixedPoints["points"]!.AsArray(), p => Assert.InRange((int)p!["readout_class"]!, 0, 9));
        Assert.Equal($"({points}, 24)", NpyShape(Path.Combine(RunAnalysis.FolderOf(run.Path), "fixed_points.npy")));  // state [v, y, s] of 8 neurons
        Assert.Equal("(24, 29, 3)", NpyShape(Path.Combine(RunAnalysis.FolderOf(run.Path), "pca_trajectories.npy")));  // 28 rows + 1 reasoning step
        Assert.Equal("(24,)", NpyShape(Path.Combine(RunAnalysis.FolderOf(run.Path), "pca_labels.npy")));
        Assert.Equal(3, json["detail"]!["lyapunov"]!["exponents"]!.AsArray().Count);
        Assert.True((double)json["lyapunov_max"]! >= (double)json["detail"]!["lyapunov"]!["exponents"]![2]!);
        foreach (string plot in new[] { "pca.png", "lyapunov.png", "eigenvalues.png", "ablations.png" })
            Assert.True(File.Exists(Path.Combine(RunAnalysis.FolderOf(run.Path), "plots", plot)), plot);

        Assert.Equal("analysis", Assert.IsType<RunStarted>(events[0]).Kind);
        Assert.Contains(events, e => e is RunProgress { Stage: "fixed points" });
        Assert.Equal(4, events.OfType<FigureWritten>().Count());
        Assert.Equal(RunStatus.Completed, Assert.IsType<RunEnded>(events[^1]).Status);
    }

    [Fact]
    public void Analysing_again_replaces_the_analysis_atomically_and_runs_shows_the_run_as_analysed()
    {
        using var folder = new TempFolder();
        var run = TrainedRun(folder);
        Assert.Null(RunListing.Read(run.Path)!.Analysis);
        Analyse(run, NullRunEvents.Instance, "analysis.parts=pca");

        Analyse(run, NullRunEvents.Instance, "analysis.parts=pca", "analysis.batch=16");

        var json = JsonNode.Parse(File.ReadAllText(RunAnalysis.JsonOf(run.Path)))!;
        Assert.Equal(16, (int)json["detail"]!["pca"]!["sequences"]!);
        Assert.Null(json["fixed_points"]);
        Assert.Empty(Directory.EnumerateFiles(RunAnalysis.FolderOf(run.Path), "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(RunAnalysis.JsonOf(run.Path), RunListing.Read(run.Path)!.Analysis);
        var (code, output) = CliHarness.Run("runs", "--root", folder.Path, "--json");
        Assert.Equal(0, code);
        Assert.Equal(RunAnalysis.JsonOf(run.Path), (string?)JsonNode.Parse(output)![0]!["analysis"]);
    }
}
