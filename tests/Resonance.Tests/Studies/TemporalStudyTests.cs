using Resonance.Data;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Studies.TemporalAveraging;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Studies;

/// <summary>Each temporal study in a tiny form, on a small synthetic MNIST, produces its tables with the right rows and its plots;
/// bad files are refused with one line naming the key.</summary>
[NoCollections]
public class TemporalStudyTests
{
    /// <summary>Overrides that shrink any temporal study to seconds: 2 seeds, few images, one epoch, small nets.</summary>
    internal static readonly string[] TinyCommon =
    [
        "seeds=2", "data.train_limit=64", "data.test_limit=40", "training.epochs=1", "training.batch_size=16", "training.eval_batch_size=32",
        "model.hidden=16", "model.iterations=4", "mlp.hidden=16",
    ];

    /// <summary>Each study's own tiny overrides.</summary>
    internal static readonly IReadOnlyDictionary<TemporalStudyKind, string[]> Tiny = new Dictionary<TemporalStudyKind, string[]>
    {
        [TemporalStudyKind.Robustness] = ["robustness.eval_iterations=[1, 2, 6]"],
        [TemporalStudyKind.FewExamples] = ["few_examples.sizes=[8, 32]", "few_examples.steps=3"],
        [TemporalStudyKind.Dynamics] = ["dynamics.iterations=6", "dynamics.images=24", "dynamics.digits=[1, 2]"],
        [TemporalStudyKind.Completion] = ["completion.strip_images=1"],
    };

    static string File(string name) => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", name);

    /// <summary>Runs an experiment file's tiny form on a synthetic MNIST of 64 training and 40 test images.</summary>
    static (RunOutcome Outcome, string Folder) RunTiny(TempFolder folder, string fileName, params string[] more)
    {
        MnistDataset.Synthetic(64, 40, seed: 3).Write(folder.Combine("cache", MnistDataset.CacheName));
        var kinds = ExperimentKinds.CreateDefault();
        var (kind, bare) = kinds.Detect(ConfigDocument.Load(File(fileName)));
        Assert.Equal("temporal-study", kind.Name);
        var study = TemporalStudy.From(bare, "probe");
        var prepared = kind.Prepare(bare, [.. TinyCommon, .. Tiny[study.Kind], .. more], null, "probe");
        string output = folder.Combine("run");
        var context = new RunContext(TorchSharp.torch.CPU, new DataCache(folder.Combine("cache")), NullRunEvents.Instance, CancellationToken.None);
        return (RunLauncher.Start(kind, prepared, new RunDirectory(output), context), output);
    }

    static void AssertPlots(string folder, params string[] names)
    {
        foreach (string name in names)
            Assert.True(new FileInfo(Path.Combine(folder, "plots", name)).Length > 1000, $"plots/{name} missing or empty");
    }

    [Fact]
    public void Robustness_has_a_row_per_net_condition_and_T_and_a_comparison_per_condition()
    {
        using var folder = new TempFolder();
        var (outcome, run) = RunTiny(folder, "temporal-robustness.yaml");

        Assert.Equal(RunStatus.Completed, outcome.Status);
        var (main, comparison) = (outcome.Tables[0], outcome.Tables[1]);
        const int Conditions = 1 + 4 + 4 + 5 + 1;          // clean, gaussian, salt and pepper, random occlusion, half
        int[] iterations = [1, 2, 4, 6];                      // eval_iterations and the trained T = 4
        Assert.Equal(2 * Conditions * iterations.Length + Conditions, main.Rows.Count);
        Assert.Equal(Conditions, comparison.Rows.Count);
        Assert.Contains(main.Rows, row => row[0] == "temporal" && row[1] == "salt-and-pepper" && row[2] == "0.17" && row[3] == "4 (trained)");
        Assert.Contains(main.Rows, row => row[0] == "mlp" && row[1] == "half-occlusion" && row[3] == "—");
        Assert.All(main.Rows, row => Assert.Equal("2", row[^1]));
        Assert.All(main.Rows, row => Assert.InRange(double.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture), 0, 1));
        Assert.All(comparison.Rows, row => Assert.Contains(row[5], new[] { "temporal higher", "mlp higher", "no difference" }));
        Assert.Equal(2 * Conditions, outcome.Tables[2].Rows.Count);   // the temporal nets' averaged answer at T = 1, 4 (trained) and 6
        Assert.Equal(["net", "corruption", "level", "T = 1", "T = 4", "T = 6", "T = 4 vs T = 1"], outcome.Tables[2].Columns);
        Assert.True(System.IO.File.Exists(Path.Combine(run, "table-comparison.csv")));
        AssertPlots(run, "accuracy-vs-level.png", "accuracy-vs-iterations.png");
    }

    [Fact]
    public void Few_examples_has_a_row_per_net_and_size_and_trains_every_size_for_the_same_steps()
    {
        using var folder = new TempFolder();
        var (outcome, run) = RunTiny(folder, "temporal-few-examples.yaml");

        var main = outcome.Tables[0];
        Assert.Equal(["temporal", "temporal", "mlp", "mlp"], main.Rows.Select(r => r[0]));
        Assert.Equal(["8", "32", "8", "32"], main.Rows.Select(r => r[1]));
        Assert.Equal(2, outcome.Tables[1].Rows.Count);
        var trained = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(line => line["stage"]?.GetValue<string>() == "train").ToList();
        Assert.Equal(2 * 2 * 2, trained.Count);                // seeds x sizes x nets
        Assert.All(trained, line => Assert.Equal(3, line["steps"]!.GetValue<long>()));
        AssertPlots(run, "accuracy-vs-train-images.png");
    }

    [Fact]
    public void Dynamics_has_both_homeostasis_arms_a_rate_per_layer_and_iteration_and_rasters()
    {
        using var folder = new TempFolder();
        var (outcome, run) = RunTiny(folder, "temporal-dynamics.yaml");

        var (main, rates) = (outcome.Tables[0], outcome.Tables[1]);
        Assert.Equal(["off", "on"], main.Rows.Select(r => r[0]));
        Assert.Contains("branching_ratio_layer1", main.Columns);
        Assert.Equal(2 * 2 * 6, rates.Rows.Count);             // arms x layers x iterations
        AssertPlots(run, "firing-rates.png", "rasters.png");
    }

    [Fact]
    public void Completion_has_a_row_per_net_and_occlusion_and_a_strip()
    {
        using var folder = new TempFolder();
        var (outcome, run) = RunTiny(folder, "temporal-completion.yaml");

        var main = outcome.Tables[0];
        Assert.Equal(["temporal", "temporal", "temporal+feedback", "temporal+feedback"], main.Rows.Select(r => r[0]));
        Assert.Equal(["half-occlusion", "random-occlusion 0.3"], main.Rows.Take(2).Select(r => r[1]));
        foreach (var line in MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l["stage"]?.GetValue<string>() == "completion"))
        {
            long first = line["first_right"]!.GetValue<long>(), averaged = line["averaged_right"]!.GetValue<long>();
            Assert.Equal(averaged - first, line["fixed"]!.GetValue<long>() - line["broken"]!.GetValue<long>());
        }
        AssertPlots(run, "completion-strip.png");
    }

    [Theory]
    [InlineData("study=robustnes", "study: unknown study \"robustnes\"; did you mean robustness?")]
    [InlineData("seeds=1", "seeds: expected a whole number in [2, 50], got 1.")]
    [InlineData("mlp.hidden=0", "mlp.hidden: expected a positive whole number, got 0.")]
    [InlineData("robustness.salt_and_pepper=[0.1, 1.5]", "robustness.salt_and_pepper[]: expected a number in [0, 1], got 1.5.")]
    [InlineData("robustness.eval_iterations=[]", "robustness.eval_iterations: expected a list with at least one entry, got [].")]
    [InlineData("dynamics.iterations=4", "dynamics: this section belongs to study dynamics, but the file says study: robustness; remove it or change study.")]
    [InlineData("modle.hidden=3", "modle: unknown key; did you mean model?")]
    public void A_bad_robustness_file_is_refused_with_one_line_naming_the_key(string assignment, string message)
    {
        var (kind, bare) = ExperimentKinds.CreateDefault().Detect(ConfigDocument.Load(File("temporal-robustness.yaml")));
        var error = Assert.Throws<UserInputException>(() => kind.Prepare(bare, [assignment], null, "probe"));
        Assert.Equal(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("temporal-completion.yaml", "completion.occlusions=[half, quarter]", "completion.occlusions: \"quarter\" is neither half nor a fraction of the image in (0, 1] (e.g. 0.3).")]
    [InlineData("temporal-dynamics.yaml", "dynamics.raster_layer=2", "dynamics.raster_layer: the net has 2 layer(s) (model.layers), so the layer drawn is 0 to 1; got 2.")]
    [InlineData("temporal-few-examples.yaml", "few_examples.sizes=[100, 100]", "few_examples.sizes: the list names an entry twice; give each once.")]
    public void Bad_study_sections_are_refused_with_one_line_naming_the_key(string file, string assignment, string message)
    {
        var (kind, bare) = ExperimentKinds.CreateDefault().Detect(ConfigDocument.Load(File(file)));
        Assert.Equal(message, Assert.Throws<UserInputException>(() => kind.Prepare(bare, [assignment], null, "probe")).Message);
    }
}
