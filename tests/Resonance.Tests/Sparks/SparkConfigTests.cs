using Resonance.Experiments;
using Resonance.Sparks;
using Resonance.Tests.Experiments;

namespace Resonance.Tests.Sparks;

public class SparkConfigTests
{
    static string Error(string yaml, params string[] overrides) =>
        Assert.Throws<UserInputException>(() => SparkConfig.Parse(yaml, "sparks.yaml", overrides)).Message;

    [Fact]
    public void Yaml_sets_the_keys_it_names_and_leaves_the_rest_at_their_defaults()
    {
        var experiment = SparkConfig.Parse("""
            seed: 9
            sparks:
              neurons: 64
              epsilon: 0.2
            run:
              picture_steps: [0, 50]
            """);
        Assert.Equal(9, experiment.Seed);
        Assert.Equal(64, experiment.Sparks.Neurons);
        Assert.Equal(0.2, experiment.Sparks.Epsilon);
        Assert.Equal([0, 50], experiment.Run.PictureSteps);
        Assert.Equal(new SparkOptions().Temperature, experiment.Sparks.Temperature);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_its_path()
    {
        Assert.Equal("sparks.epsilom: unknown key; did you mean sparks.epsilon?", Error("sparks:\n  epsilom: 0.1\n"));
        Assert.Equal("sprks: unknown key; did you mean sparks?", Error("sprks:\n  epsilon: 0.1\n"));
        Assert.Equal("model: unknown section; a spark experiment has seed, sparks, layout, measures, run.", Error("model:\n  type: rnn\n"));
    }

    [Fact]
    public void A_value_out_of_range_is_refused_when_validated()
    {
        var experiment = SparkConfig.Parse("sparks:\n  epsilon: 1.5\n");
        Assert.Equal("sparks.epsilon: expected a number in [0, 1], got 1.5.",
            Assert.Throws<UserInputException>(() => experiment.Validate()).Message);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_refused()
    {
        Assert.Equal("sparks.neurons: expected a whole number, got \"many\"", Error("sparks:\n  neurons: many\n"));
        Assert.Equal("seed: expected a whole number, got \"three\"", Error("seed: three\n"));
        Assert.Equal("sparks.yaml:1:9: sparks: expected a section (key: value lines), got a single value.", Error("sparks: 3\n"));
    }

    [Fact]
    public void Set_overrides_one_key()
    {
        var experiment = SparkConfig.ApplyOverrides(new SparkExperiment(),
            ["sparks.temperature=0.3", "run.picture_steps=0,10,20", "layout.enabled=false", "seed=5"]);
        Assert.Equal(0.3, experiment.Sparks.Temperature);
        Assert.Equal([0, 10, 20], experiment.Run.PictureSteps);
        Assert.False(experiment.Layout.Enabled);
        Assert.Equal(5, experiment.Seed);
        Assert.Equal(new SparkOptions().Neurons, experiment.Sparks.Neurons);
        Assert.Equal("sparks.temprature: unknown key; did you mean sparks.temperature?",
            Assert.Throws<UserInputException>(() => SparkConfig.ApplyOverrides(experiment, ["sparks.temprature=0.3"])).Message);
        Assert.StartsWith("--set sparks.epsilon: expected key=value",
            Assert.Throws<UserInputException>(() => SparkConfig.ApplyOverrides(experiment, ["sparks.epsilon"])).Message);
    }

    [Fact]
    public void Overrides_apply_before_a_section_is_checked()
    {
        const string yaml = "layout:\n  max_move: 2\n";
        Assert.StartsWith("layout.max_move: expected a number in [0, 1]", Error(yaml));
        Assert.Equal(0.5, SparkConfig.Parse(yaml, overrides: ["layout.max_move=0.5"]).Layout.MaxMove);
    }

    [Fact]
    public void Written_yaml_reads_back_to_the_same_experiment()
    {
        var experiment = new SparkExperiment
        {
            Seed = 42,
            Sparks = new SparkOptions { Neurons = 100, SparkCount = 7, Epsilon = 0.125, MemoryBias = -0.5 },
            Layout = new SparkLayoutOptions { Enabled = false, Repulsion = 0.2 },
            Run = new SparkRunOptions { Steps = 77, PictureSteps = [1, 2] },
        };
        string yaml = SparkConfig.ToYaml(experiment);
        var back = SparkConfig.Parse(yaml);
        Assert.Equal(yaml, SparkConfig.ToYaml(back));
        Assert.Equal(experiment.Sparks, back.Sparks);
        Assert.Equal(experiment.Layout, back.Layout);
        Assert.Equal(experiment.Measures, back.Measures);
        Assert.Equal(experiment.Run.PictureSteps, back.Run.PictureSteps);
    }

    [Fact]
    public void Every_property_of_every_section_is_written_under_its_key()
    {
        var written = SparkConfig.ToDocument(new SparkExperiment());
        Assert.Equal(SparkConfig.TopLevelKeys, ConfigBinder.Properties(typeof(SparkExperiment)).Keys);
        Assert.Equal(SparkConfig.TopLevelKeys, written.Root.Children.Keys.Select(k => k.ToString()));
        foreach (var (section, type) in new[] { ("sparks", typeof(SparkOptions)), ("layout", typeof(SparkLayoutOptions)),
                     ("measures", typeof(SparkMeasureOptions)), ("run", typeof(SparkRunOptions)) })
            Assert.Equal(ConfigBinder.Properties(type).Keys, written.Section(section).Children.Keys.Select(k => k.ToString()));
        Assert.Contains("  spark_count: 16\n", SparkConfig.ToYaml(new SparkExperiment()));
        Assert.Contains("  picture_steps: [0, 1000, 5000, 10000]\n", SparkConfig.ToYaml(new SparkExperiment()));
    }

    [Fact]
    public void The_experiment_file_in_the_repository_is_valid()
    {
        string path = Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", "sparks.yaml");
        var experiment = SparkConfig.Load(path).Validate();
        Assert.Equal(10_000, experiment.Run.Steps);
    }
}
