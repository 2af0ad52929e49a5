using System.Text.Json.Nodes;
using Resonance.Attractors.Studies;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Studies.TemporalAveraging;
using Resonance.Tests.Attractors;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;
using Resonance.Tests.Studies;

namespace Resonance.Tests.Runs;

/// <summary>Every file in experiments/, of every kind, runs through <c>resonance run</c> in a tiny form into the common run
/// directory layout, so none of them rots; <c>resonance runs</c> then lists each with its kind, status and figures.</summary>
public class EveryExperimentFileTests
{
    public static TheoryData<string> ExperimentFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(ExperimentsFolder, "*.yaml").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    static string ExperimentsFolder => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments");

    /// <summary>The kind a file is run as, and <c>--set</c> overrides that shrink it to a second or so.</summary>
    internal static (string Kind, string[] Overrides) Tiny(string fileName)
    {
        var document = ConfigDocument.Load(Path.Combine(ExperimentsFolder, fileName));
        var (kind, bare) = ExperimentKinds.CreateDefault().Detect(document);
        switch (kind.Name)
        {
            case "training":
                return (kind.Name, ["training.epochs=1", "data.train_limit=48", "data.test_limit=32", "data.validation=16", "data.samples=48",
                    "training.batch_size=16", "training.target_accuracy=~", "training.eval_batch_size=64", "logging.tensorboard=false"]);
            case "attractor":
                var study = AttractorStudy.From(bare, "probe");
                return (kind.Name, [
                    "network.neurons=16", "network.present_steps=2", "network.retain_steps=4", "training.epochs=3", "training.log_every=1",
                    .. AttractorStudyTests.Tiny[study.Kind],
                    .. study.PerRule.Keys.Select(rule => $"per_rule.{RuleMemories.Name(rule)}.training.epochs=3")]);
            case "sparks":
                return (kind.Name, ["sparks.neurons=24", "sparks.spark_count=4", "run.steps=12", "run.picture_steps=[12]", "run.frame_every=6",
                    "run.snapshot_every=6", "run.image_size=200", "measures.every=6"]);
            case "reconstruction":
                var reconstruction = Resonance.Reconstruction.ReconstructionExperiment.From(bare);
                return (kind.Name, [
                    "data.steps=1500", "evaluation.test_steps=200", "evaluation.warmup=20", "evaluation.starts=3", "evaluation.horizon=100",
                    "evaluation.lyapunov_steps=100",
                    .. reconstruction.Trained ? new[] { "training.epochs=2", "training.batches_per_epoch=3", "training.sequence_length=20", "training.select_steps=200" } : [],
                    .. reconstruction.ModelType == Resonance.Reconstruction.ReconstructionModelType.Esn ? new[] { "model.units=40" } : [],
                    .. reconstruction.Systems.Count > 0 ? new[] { "systems=[lorenz63,rossler]" } : []]);
            case "temporal-study":
                return (kind.Name, [.. TemporalStudyTests.TinyCommon, .. TemporalStudyTests.Tiny[TemporalStudy.From(bare, "probe").Kind]]);
            default:
                throw new InvalidOperationException($"no tiny form for kind {kind.Name}; add one here");
        }
    }

    /// <summary>Runs a file through the CLI in its tiny form; returns the run folder.</summary>
    internal static string RunTiny(string fileName, string runsRoot)
    {
        var (_, overrides) = Tiny(fileName);
        string output = Path.Combine(runsRoot, Path.GetFileNameWithoutExtension(fileName));
        var (code, text) = CliHarness.Run(["run", Path.Combine(ExperimentsFolder, fileName), "--out", output, "--device", "cpu",
            .. overrides.SelectMany(o => new[] { "--set", o })]);
        Assert.True(code == 0, $"exit {code}: {text}");
        return output;
    }

    [Theory]
    [MemberData(nameof(ExperimentFiles))]
    public void Runs_in_a_tiny_form_into_the_common_run_directory(string fileName)
    {
        using var folder = new TempFolder();
        string run = RunTiny(fileName, folder.Path);
        string kind = Tiny(fileName).Kind;

        Assert.True(File.Exists(Path.Combine(run, "config.yaml")));
        Assert.StartsWith($"kind: {kind}\n", string.Concat(File.ReadLines(Path.Combine(run, "config.yaml")).SkipWhile(l => l.StartsWith('#')).Take(1).Select(l => l + "\n")));
        Assert.NotEmpty(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")));
        var summary = new RunDirectory(run).ReadSummary()!;
        Assert.Equal(kind, summary["kind"]!.GetValue<string>());
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(summary["started_at"]!.GetValue<string>(), out _));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "plots"), "*.png"));
        Assert.All(summary, pair => Assert.True(pair.Value is null or JsonValue, $"{pair.Key} is not flat"));
    }

    [Fact]
    public void Runs_lists_every_kind_with_status_age_and_figures()
    {
        using var folder = new TempFolder();
        foreach (string file in new[] { "sine-regression.yaml", "attractor-capacity.yaml", "sparks.yaml" })
            RunTiny(file, folder.Path);

        var (code, table) = CliHarness.Run("runs", "--root", folder.Path);

        Assert.Equal(0, code);
        Assert.Matches(@"sine-regression\s*│\s*training\s*│\s*completed\s*│\s*\d+ s\s*│\s*test loss", table);
        Assert.Matches(@"attractor-capacity\s*│\s*attractor\s*│\s*completed\s*│\s*\d+ s\s*│\s*study capacity", table);
        Assert.Matches(@"sparks\s*│\s*sparks\s*│\s*completed\s*│\s*\d+ s\s*│\s*last step 12\s+modularity", table);

        var (_, onlySparks) = CliHarness.Run("runs", "--root", folder.Path, "--kind", "sparks", "--json");
        var listed = JsonNode.Parse(onlySparks)!.AsArray();
        Assert.Equal("sparks", Assert.Single(listed)!["kind"]!.GetValue<string>());
    }
}
