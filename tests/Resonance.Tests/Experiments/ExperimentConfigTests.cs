using Resonance.Runs;
using Resonance.Experiments;
using Resonance.Models;

namespace Resonance.Tests.Experiments;

public class ExperimentConfigTests
{
    static readonly ModelRegistry Registry = ModelCatalog.CreateDefault();

    const string Valid = """
        model:
          type: rnn
          hidden: 8
        data:
          dataset: synthetic
          samples: 64
        training:
          epochs: 1
          lr: 0.01
        """;

    static Experiment Load(string yaml, params string[] overrides) =>
        ExperimentRunner.Prepare(ConfigDocument.Parse(yaml, "test.yaml"), overrides, null, Registry, "test");

    static string Error(string yaml, params string[] overrides) =>
        Assert.Throws<UserInputException>(() => Load(yaml, overrides)).Message;

    [Fact]
    public void A_valid_file_binds_its_keys_and_keeps_defaults_for_the_rest()
    {
        var experiment = Load(Valid);
        Assert.Equal("rnn", experiment.Model.Type);
        Assert.Equal(1, experiment.Training.Epochs);
        Assert.Equal(0.01, experiment.Training.Lr);
        Assert.Equal(128, experiment.Training.BatchSize);
        Assert.Equal(64, experiment.Data.Samples);
    }

    [Fact]
    public void A_wrong_type_names_the_key_and_the_value()
    {
        Assert.Equal("training.lr: expected a number, got \"fast\"", Error(Valid, "training.lr=fast"));
        Assert.Equal("training.epochs: expected a whole number, got \"2.5\"", Error(Valid, "training.epochs=2.5"));
    }

    [Fact]
    public void A_misspelt_key_suggests_the_right_one()
    {
        Assert.Equal("model.tpye: unknown key; did you mean model.type?", Error(Valid.Replace("type: rnn", "tpye: rnn")));
        Assert.Equal("training.batchsize: unknown key; did you mean training.batch_size?", Error(Valid, "training.batchsize=3"));
        Assert.Equal("trainig: unknown key; did you mean training?", Error(Valid.Replace("training:", "trainig:")));
    }

    [Fact]
    public void An_unknown_section_lists_the_sections_and_a_bad_seed_names_its_value()
    {
        Assert.Equal("optimiser: unknown section; an experiment has name, description, seed, model, data, training, logging, reference.",
            Error(Valid + "\noptimiser:\n  kind: adam\n"));
        Assert.Equal("seed: expected a whole number, got \"nine\"", Error(Valid, "seed=nine"));
        Assert.Equal(1000, Load(Valid, "seed=1e3").Seed);
    }

    /// <summary>Options for the binder's own tests: a list and a nullable number.</summary>
    public sealed record ListOptions
    {
        public IReadOnlyList<int> Steps { get; init; } = [1];
        public double? Target { get; init; } = 0.5;
    }

    static ListOptions BindList(string yaml, params string[] overrides)
    {
        var document = ConfigDocument.Parse(yaml, "test.yaml");
        foreach (string assignment in overrides) document.Set(assignment);
        return ConfigBinder.Bind<ListOptions>(document.Root, "");
    }

    [Fact]
    public void A_list_is_written_in_brackets_or_as_comma_separated_values()
    {
        Assert.Equal([1, 2], BindList("steps: [1, 2]\n").Steps);
        Assert.Equal([0, 10, 20], BindList("steps: [1, 2]\n", "steps=0,10,20").Steps);
        Assert.Equal([5], BindList("", "steps=5").Steps);
        Assert.Empty(BindList("", "steps=[]").Steps);
        Assert.Equal("steps[1]: expected a whole number, got \"x\"",
            Assert.Throws<UserInputException>(() => BindList("", "steps=0, x")).Message);
    }

    [Fact]
    public void Only_a_nullable_property_takes_nothing()
    {
        Assert.Null(BindList("target: ~\n").Target);
        Assert.Equal("steps: expected a value, got nothing", Assert.Throws<UserInputException>(() => BindList("steps: ~\n")).Message);
    }

    [Fact]
    public void An_impossible_value_is_refused_with_its_range()
    {
        Assert.StartsWith("training.lr: expected a number > 0", Error(Valid, "training.lr=-1"));
        Assert.StartsWith("training.batch_size: expected a whole number >= 1", Error(Valid, "training.batch_size=0"));
        Assert.StartsWith("data.train_limit: expected a whole number >= 0", Error(Valid, "data.train_limit=-5"));
    }

    [Fact]
    public void An_unknown_enum_value_lists_the_choices()
    {
        Assert.Equal("training.schedule: expected one of none, step, cosine, one-cycle, got \"linear\"", Error(Valid, "training.schedule=linear"));
        Assert.Equal(Resonance.Training.ScheduleKind.OneCycle, Load(Valid, "training.schedule=one-cycle").Training.Schedule);
    }

    [Fact]
    public void An_unknown_model_type_is_refused_with_the_known_ones()
    {
        Assert.StartsWith("model.type: unknown model \"transformer\"; choose one of", Error(Valid, "model.type=transformer"));
        Assert.StartsWith("model.type: missing; choose one of", Error("training:\n  epochs: 1\n"));
    }

    [Fact]
    public void A_yaml_syntax_error_names_the_file_line_and_column()
    {
        var message = Assert.Throws<UserInputException>(() => ConfigDocument.Parse("model:\n  type: rnn\n  hidden: [1, 2\n", "bad.yaml")).Message;
        Assert.Matches(@"^bad\.yaml:\d+:\d+: YAML syntax error", message);
    }

    [Fact]
    public void Set_overrides_nested_keys_and_reads_values_as_yaml()
    {
        var experiment = Load(Valid, "training.lr=0.5", "model.hidden=4", "seed=9");
        Assert.Equal(0.5, experiment.Training.Lr);
        Assert.Equal(9, experiment.Seed);
        Assert.Equal("--set training: expected key=value, e.g. --set training.lr=0.001", Error(Valid, "training"));
    }

    [Fact]
    public void The_resolved_config_binds_back_to_the_same_experiment()
    {
        var experiment = Load(Valid, "training.schedule=cosine");
        var again = Experiment.From(experiment.Resolved(), Registry, "test");
        Assert.Equal(experiment.Training, again.Training);
        Assert.Equal(experiment.Data, again.Data);
        Assert.Equal(experiment.Logging, again.Logging);
        Assert.Equal(experiment.Resolved().ToYaml(), again.Resolved().ToYaml());
    }

    const string WithReferences = Valid + """

        reference:
          - { name: "a paper", metric: test_accuracy, value: 0.992, source: "seed 000" }
          - { name: "a baseline not run yet", value: ~ }
        """;

    [Fact]
    public void Reference_figures_bind_with_defaults_and_survive_the_resolved_config()
    {
        var experiment = Load(WithReferences);
        Assert.Equal(2, experiment.References!.Count);
        Assert.Equal(new ReferenceFigure { Name = "a paper", Metric = "test_accuracy", Value = 0.992, Source = "seed 000" }, experiment.References[0]);
        Assert.Null(experiment.References[1].Value);
        Assert.Equal("test_accuracy", experiment.References[1].Metric);
        var again = Experiment.From(experiment.Resolved(), Registry, "test");
        Assert.Equal(experiment.References, again.References);
    }

    [Fact]
    public void A_reference_with_an_unknown_key_or_no_name_is_refused_with_its_path()
    {
        Assert.Equal("reference[0].valeu: unknown key; did you mean reference[0].value?",
            Error(Valid + "\nreference:\n  - { name: x, valeu: 1 }\n"));
        Assert.Equal("reference[0].name: expected a name for the figure.", Error(Valid + "\nreference:\n  - { value: 1 }\n"));
    }

    [Fact]
    public void A_validation_set_as_large_as_mnist_training_file_names_data_validation()
    {
        using var cache = new TempFolder();
        Resonance.Data.MnistDataset.Synthetic(20, 6, seed: 1).Write(cache.Combine(Resonance.Data.MnistDataset.CacheName));
        var options = new DataOptions { Dataset = DatasetKind.Mnist, Validation = 20 };
        var error = Assert.Throws<UserInputException>(() =>
            ExperimentData.Create(options, 1, TorchSharp.torch.CPU, new Resonance.Data.DataCache(cache.Path)));
        Assert.Equal("data.validation: a validation set of 20 leaves no training examples out of the 20 in MNIST's training file; " +
            "use a smaller one (e.g. 5000).", error.Message);
    }

    [Fact]
    public void Every_training_experiment_file_in_the_repository_validates()
    {
        string folder = Path.Combine(RepositoryRoot(), "experiments");
        var files = Directory.GetFiles(folder, "*.yaml").Where(f => ExperimentKinds.CreateDefault().Detect(ConfigDocument.Load(f)).Kind.Name == "training").ToList();
        Assert.NotEmpty(files);
        foreach (string file in files)
            ExperimentRunner.Prepare(ConfigDocument.Load(file), [], null, Registry, Path.GetFileNameWithoutExtension(file));
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Resonance.slnx"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
