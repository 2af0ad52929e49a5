using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

public class SparkConfigTests
{
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
        var error = Assert.Throws<UserInputException>(() => SparkConfig.Parse("sparks:\n  epsilom: 0.1\n", "sparks.yaml"));
        Assert.StartsWith("sparks.yaml: unknown key sparks.epsilom; known keys: sparks.neurons, sparks.spark_count,", error.Message);
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
        Assert.Equal("sparks.yaml: sparks.neurons: expected a whole number, got \"many\".",
            Assert.Throws<UserInputException>(() => SparkConfig.Parse("sparks:\n  neurons: many\n", "sparks.yaml")).Message);
        Assert.Equal("sparks.yaml: sparks: expected a section of keys, got a value.",
            Assert.Throws<UserInputException>(() => SparkConfig.Parse("sparks: 3\n", "sparks.yaml")).Message);
    }

    [Fact]
    public void Set_overrides_one_key()
    {
        var experiment = SparkConfig.ApplyOverride(new SparkExperiment(), "sparks.temperature=0.3");
        experiment = SparkConfig.ApplyOverride(experiment, "run.picture_steps=0,10,20");
        experiment = SparkConfig.ApplyOverride(experiment, "layout.enabled=false");
        Assert.Equal(0.3, experiment.Sparks.Temperature);
        Assert.Equal([0, 10, 20], experiment.Run.PictureSteps);
        Assert.False(experiment.Layout.Enabled);
        Assert.Equal("--set sparks.temprature=0.3: unknown key sparks.temprature; known keys: " +
            string.Join(", ", SparkConfig.Settings.Select(s => s.Key).Where(k => k.StartsWith("sparks.", StringComparison.Ordinal))) + ".",
            Assert.Throws<UserInputException>(() => SparkConfig.ApplyOverride(experiment, "sparks.temprature=0.3")).Message);
        Assert.StartsWith("--set sparks.epsilon: expected key=value",
            Assert.Throws<UserInputException>(() => SparkConfig.ApplyOverride(experiment, "sparks.epsilon")).Message);
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
    public void Every_key_of_the_table_is_written()
    {
        string yaml = SparkConfig.ToYaml(new SparkExperiment());
        foreach (var setting in SparkConfig.Settings)
            Assert.Contains(setting.Key.Split('.')[^1] + ": ", yaml);
    }

    [Fact]
    public void The_experiment_file_in_the_repository_is_valid()
    {
        string path = Path.Combine(RepositoryRoot(), "experiments", "sparks.yaml");
        var experiment = SparkConfig.Load(path).Validate();
        Assert.Equal(10_000, experiment.Run.Steps);
    }

    static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Resonance.slnx")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
