using System.Diagnostics;
using Resonance.Attractors.Studies;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Runs;
using Resonance.Runtime;
using Resonance.Sparks;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;
using Resonance.Training;

namespace Resonance.Tests.Runs;

/// <summary>Sizes that would need more memory than the machine has, or run for ever, are refused at once through the CLI
/// with one line naming the key and the largest value that fits (or the cap), exit code 2 and no run folder.</summary>
public class SizeLimitTests
{
    /// <summary>A built-in experiment, one or more <c>--set</c> overrides, and the key the refusal must name.</summary>
    public static TheoryData<string, string[], string> HugeSizes() => new()
    {
        { "quickstart", ["model.hidden=10000000"], "model.hidden" },
        { "sparks", ["run.steps=2000000000"], "run.steps" },
        { "quickstart", ["model.layers=100000000"], "model.layers" },
        { "quickstart", ["model.reasoning_steps=999999"], "model.reasoning_steps" },
        { "quickstart", ["model.reasoning_steps=2000000"], "model.reasoning_steps" },
        { "resonator-curriculum", ["model.curriculum=[{epoch: 0, reasoning_steps: 900000}]"], "model.curriculum[].reasoning_steps" },
        { "quickstart", ["training.epochs=100000000"], "training.epochs" },
        { "sine-regression", ["training.batch_size=2000000000", "data.samples=20000000"], "training.batch_size" },
        { "sine-regression", ["data.samples=2000000000"], "data.samples" },
        { "sine-regression", ["data.test_limit=2000000000"], "data.test_limit" },
        { "sine-regression", ["data.steps=999999"], "data.steps" },
        { "sine-regression", ["data.steps=2000000000"], "data.steps" },
        { "sine-regression", ["data.dataset=synthetic", "data.features=1000000000"], "data.features" },
        { "sine-regression", ["data.dataset=synthetic", "data.classes=2000000000"], "data.classes" },
        { "attractor-capacity", ["network.neurons=10000000"], "network.neurons" },
        { "attractor-capacity", ["network.neurons=1024", "network.present_steps=999999"], "network.present_steps" },
        { "attractor-capacity", ["network.present_steps=1000000000"], "network.present_steps" },
        { "attractor-capacity", ["network.neurons=1024", "network.retain_steps=999999"], "network.retain_steps" },
        { "attractor-capacity", ["network.retain_steps=1000000000"], "network.retain_steps" },
        { "attractor-capacity", ["network.hidden_neurons=1000000000"], "network.hidden_neurons" },
        { "attractor-capacity", ["training.noise_cues=1000000000"], "training.noise_cues" },
        { "attractor-capacity", ["training.epochs=1000000000"], "training.epochs" },
        { "attractor-capacity", ["capacity.memories=100000000"], "capacity.memories" },
        { "attractor-capacity", ["capacity.repeats=1000000"], "capacity.repeats" },
        { "attractor-activations", ["activations.memories=100000000"], "activations.memories" },
        { "attractor-basins", ["basins.memories=100000000"], "basins.memories" },
        { "attractor-basins", ["basins.trials=1000000000"], "basins.trials" },
        { "attractor-classical", ["classical.memories=100000000"], "classical.memories" },
        { "attractor-classical", ["classical.trials=1000000000"], "classical.trials" },
        { "attractor-boundary", ["boundary.neurons=1000000"], "boundary.neurons" },
        { "attractor-boundary", ["boundary.neurons=4096", "boundary.banks=64", "boundary.load_grid=4"], "boundary." },
        { "attractor-boundary", ["per_rule.learned-basin.training.noise_cues=1000000000"], "per_rule.learned-basin.training.noise_cues" },
        { "attractor-modern", ["modern.neurons=10000000"], "modern.neurons" },
        { "attractor-modern", ["modern.memories=1000000000"], "modern.memories" },
        { "attractor-modern", ["modern.queries=1000000000"], "modern.queries" },
        { "attractor-modern", ["modern.neurons=65536", "modern.memories=1048576", "modern.queries=65536"], "modern." },
    };

    [Theory]
    [MemberData(nameof(HugeSizes))]
    public void A_huge_size_is_refused_at_once_naming_the_key_and_what_fits(string experiment, string[] overrides, string key)
    {
        using var folder = new TempFolder();
        string output = folder.Combine("run");
        var clock = Stopwatch.StartNew();
        var (code, text) = CliHarness.Run(["run", experiment, "--out", output, "--device", "cpu", .. overrides.SelectMany(o => new[] { "--set", o })]);
        clock.Stop();

        Assert.True(code == 2, $"exit {code}: {text}");
        string line = Assert.Single(text.Trim().Split('\n'));
        Assert.StartsWith($"error: {key}", line);
        Assert.True(line.Contains("the largest that fits is") || line.Contains("above the cap of") || line.Contains("expected a whole number in ["),
            $"no bound in: {line}");
        Assert.False(Directory.Exists(output), "a run folder was created");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public void A_memory_refusal_gives_the_estimate_the_machine_and_the_largest_that_fits()
    {
        var (code, text) = CliHarness.Run("run", "quickstart", "--device", "cpu", "--set", "model.hidden=10000000");

        Assert.Equal(2, code);
        Assert.Matches(@"^error: model\.hidden: 10000000 needs about [\d.]+ [KMGTPEZY]iB of memory, more than this machine's [\d.]+ [KMGTPEZY]iB; the largest that fits is \d+\.$",
            text.Trim());
    }

    [Fact]
    public void The_largest_that_fits_does_fit_and_one_more_does_not()
    {
        var model = new RecurrentBaselineOptions { Hidden = 1_000_000 };
        var data = new DataOptions();
        var training = new TrainingOptions();
        long budget = 1L << 30;

        var error = Assert.Throws<UserInputException>(() => training.EnsureFits(model, data, budget));
        long largest = long.Parse(error.Message[(error.Message.LastIndexOf(' ') + 1)..].TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(training.MemoryBytes(model with { Hidden = (int)largest }, data) <= budget);
        Assert.True(training.MemoryBytes(model with { Hidden = (int)largest + 1 }, data) > budget);
    }

    [Fact]
    public void The_estimate_of_a_known_model_matches_its_formula()
    {
        // LSTM, hidden 128, one layer, row MNIST (28 steps of 28 features, 10 classes), batch 128:
        // parameters 4 * 128 * (28 + 128 + 2) + 10 * 129 = 82,186; activations 28 * 1 * 128 * 8 = 28,672 floats per example;
        // data 2 * 70,000 * 784 floats.
        double expected = 4.0 * (5 * 82_186 + 128 * 28_672 + 2.0 * 70_000 * 784);
        Assert.Equal(expected, new TrainingOptions().MemoryBytes(new RecurrentBaselineOptions(), new DataOptions()), 6);
    }

    public static TheoryData<string> ExperimentFiles() => EveryExperimentFileTests.ExperimentFiles();

    /// <summary>The sizes the shipped experiments use fit in 4 GiB, so no machine that can run them refuses them.</summary>
    [Theory]
    [MemberData(nameof(ExperimentFiles))]
    public void Every_shipped_experiment_fits_a_small_machine(string fileName)
    {
        const long SmallMachine = 4L << 30;
        var document = ConfigDocument.Load(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", fileName));
        var (kind, bare) = ExperimentKinds.CreateDefault().Detect(document);
        switch (kind.Name)
        {
            case "training":
                var experiment = Experiment.From(bare, ModelCatalog.CreateDefault(), "probe");
                experiment.Training.EnsureFits((IModelSize)experiment.ModelOptions, experiment.Data, SmallMachine);
                break;
            case "attractor":
                StudyMemory.Ensure(AttractorStudy.From(bare, "probe"), SmallMachine);
                break;
            case "sparks":
                SparkConfig.From(bare).Validate(SmallMachine);
                break;
            case "reconstruction":
                Resonance.Reconstruction.ReconstructionExperiment.From(bare).EnsureFits(SmallMachine);
                break;
            case "temporal-study":
                var study = Resonance.Studies.TemporalAveraging.TemporalStudy.From(bare, "probe");
                var data = new DataOptions { Dataset = DatasetKind.Mnist, View = MnistView.Row, Normalise = false, TrainLimit = study.Data.TrainLimit };
                study.Training.EnsureFits(study.Model, data, SmallMachine);
                study.Training.EnsureFits(study.Model with { Feedback = true }, data, SmallMachine);
                study.Training.EnsureFits(study.Mlp, data, SmallMachine);
                break;
            default:
                throw new InvalidOperationException($"no size check for kind {kind.Name}; add one here");
        }
    }

    [Fact]
    public void Byte_counts_read_in_binary_units()
    {
        Assert.Equal("512 bytes", MemoryBudget.Bytes(512));
        Assert.Equal("1.5 KiB", MemoryBudget.Bytes(1536));
        Assert.Equal("298 GiB", MemoryBudget.Bytes(298.0 * (1L << 30)));
        Assert.Equal("1.6 TiB", MemoryBudget.Bytes(1.6 * (1L << 40)));
    }
}
