using Resonance.Experiments;
using Resonance.Sweeps;

namespace Resonance.Tests.Sweeps;

public class SweepSpecTests
{
    [Fact]
    public void Grid_values_split_on_commas_outside_brackets()
    {
        var axis = SweepSpec.ParseGrid("model.sizes=[64,64],[128, 128],32");
        Assert.Equal("model.sizes", axis.Key);
        Assert.Equal(["[64,64]", "[128, 128]", "32"], axis.Values);
    }

    [Theory]
    [InlineData("training.lr", "expected key=v1,v2")]
    [InlineData("=1,2", "expected key=v1,v2")]
    [InlineData("training.lr=1,,2", "an empty value")]
    [InlineData("training..lr=1", "expected key=v1,v2")]
    public void A_bad_grid_is_refused_with_the_form_to_use(string text, string message) =>
        Assert.Contains(message, Assert.Throws<UserInputException>(() => SweepSpec.ParseGrid(text)).Message);

    [Fact]
    public void Random_ranges_read_low_high_and_log()
    {
        var axis = SweepSpec.ParseRandom("training.lr=1e-4:1e-2:log");
        Assert.Equal(("training.lr", 1e-4, 1e-2, true), (axis.Key, axis.Low, axis.High, axis.Log));
        Assert.Equal(1e-3, axis.At(0.5), 12);                      // the geometric middle
        Assert.Equal(1.5, SweepSpec.ParseRandom("x=1:2").At(0.5), 12);
    }

    [Theory]
    [InlineData("x=2:1", "must be below high")]
    [InlineData("x=0:1:log", "needs low > 0")]
    [InlineData("x=a:1", "two numbers")]
    [InlineData("x=1:2:ln", "two numbers")]
    public void A_bad_random_range_is_refused(string text, string message) =>
        Assert.Contains(message, Assert.Throws<UserInputException>(() => SweepSpec.ParseRandom(text)).Message);

    [Fact]
    public void Validation_names_each_mistake()
    {
        string Refused(SweepSpec spec) => Assert.Throws<UserInputException>(() => spec.Validate()).Message;
        Assert.Contains("nothing to sweep", Refused(new SweepSpec()));
        Assert.Contains("swept twice", Refused(new SweepSpec { Grid = [new("a", ["1"]), new("a", ["2"])] }));
        Assert.Contains("use --seeds", Refused(new SweepSpec { Grid = [new("seed", ["1", "2"])] }));
        Assert.Contains("more than 10,000", Refused(new SweepSpec { Grid = [new("a", [.. Enumerable.Range(0, 200).Select(i => $"{i}")])], Seeds = 51 }));
        Assert.Contains("give --random", Refused(new SweepSpec { Grid = [new("a", ["1"])], Samples = 3 }));
        Assert.Contains("--time", Refused(new SweepSpec { Seeds = 2, Slurm = new SlurmOptions(Time: "1:00; rm -rf /") }));
        Assert.Equal(2, new SweepSpec { Seeds = 2 }.Validate().Seeds);
    }

    [Fact]
    public void A_sweep_section_is_read_and_the_command_line_adds_to_it()
    {
        var document = ConfigDocument.Parse("""
            name: x
            sweep:
              grid: {training.lr: [0.001, 0.003], model.sizes: [[8, 8], [16]]}
              random: {training.clip_grad_norm: "0.5:2"}
              samples: 2
              seeds: 3
              slurm: {partition: debug, time: "00:10:00", cpus: 2}
            """, "f.yaml");
        var (experiment, spec) = SweepSetup.Split(document);
        Assert.False(experiment.Root.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("sweep")));
        Assert.Equal(["0.001", "0.003"], spec.Grid[0].Values);
        Assert.Equal(["[8, 8]", "[16]"], spec.Grid[1].Values);
        Assert.Equal((0.5, 2.0, false), (spec.Random[0].Low, spec.Random[0].High, spec.Random[0].Log));
        Assert.Equal((2, 3, "debug", "00:10:00", 2), (spec.Samples, spec.Seeds, spec.Slurm!.Partition, spec.Slurm.Time, spec.Slurm.Cpus));

        var merged = spec.With(new SweepSpec { Grid = [new("training.lr", ["0.01"])], Seeds = 5 }, seedsGiven: false, samplesGiven: false, parallelGiven: false);
        Assert.Equal(["0.01"], merged.Grid.Single(a => a.Key == "training.lr").Values);
        Assert.Equal(3, merged.Seeds); // not given on the command line: the file's stands
    }

    [Fact]
    public void An_unknown_sweep_key_gets_a_near_miss()
    {
        var document = ConfigDocument.Parse("sweep:\n  seds: 3\n", "f.yaml");
        var error = Assert.Throws<UserInputException>(() => SweepSetup.Split(document));
        Assert.Contains("f.yaml:2: sweep.seds: unknown key; did you mean seeds?", error.Message);
    }
}
