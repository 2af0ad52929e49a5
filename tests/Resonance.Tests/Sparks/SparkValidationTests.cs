using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

public class SparkValidationTests
{
    static string Refusal(SparkOptions options, long? memory = null) =>
        Assert.Throws<UserInputException>(() => options.Validate(memory)).Message;

    [Fact]
    public void More_sparks_than_neurons_is_refused_with_the_allowed_range()
    {
        Assert.Equal("sparks.spark_count: expected a whole number in [1, sparks.neurons = 4], got 5.",
            Refusal(new SparkOptions { Neurons = 4, SparkCount = 5 }));
    }

    [Theory]
    [InlineData(nameof(SparkOptions.HebbianRate), "sparks.hebbian_rate")]
    [InlineData(nameof(SparkOptions.WeightDecay), "sparks.weight_decay")]
    [InlineData(nameof(SparkOptions.MemoryRate), "sparks.memory_rate")]
    [InlineData(nameof(SparkOptions.MemoryDecay), "sparks.memory_decay")]
    [InlineData(nameof(SparkOptions.ActivationGain), "sparks.activation_gain")]
    [InlineData(nameof(SparkOptions.ActivationDecay), "sparks.activation_decay")]
    public void A_negative_rate_is_refused_naming_the_rate(string property, string key)
    {
        var options = property switch
        {
            nameof(SparkOptions.HebbianRate) => new SparkOptions { HebbianRate = -0.1 },
            nameof(SparkOptions.WeightDecay) => new SparkOptions { WeightDecay = -0.1 },
            nameof(SparkOptions.MemoryRate) => new SparkOptions { MemoryRate = -0.1 },
            nameof(SparkOptions.MemoryDecay) => new SparkOptions { MemoryDecay = -0.1 },
            nameof(SparkOptions.ActivationGain) => new SparkOptions { ActivationGain = -0.1 },
            _ => new SparkOptions { ActivationDecay = -0.1 },
        };
        Assert.Equal($"{key}: expected a number in [0, 1], got -0.1.", Refusal(options));
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    public void Epsilon_outside_the_unit_interval_is_refused(double epsilon)
    {
        Assert.Equal($"sparks.epsilon: expected a number in [0, 1], got {OptionChecks.Format(epsilon)}.",
            Refusal(new SparkOptions { Epsilon = epsilon }));
    }

    [Fact]
    public void A_network_too_large_for_memory_is_refused_with_the_largest_that_fits()
    {
        long eightGiB = 8L << 30;
        string message = Refusal(new SparkOptions { Neurons = 100_000 }, eightGiB);
        Assert.Equal(
            "sparks.neurons: 100000 neurons need about 298 GiB (32 bytes per neuron pair), more than the 8 GiB of memory here; " +
            "expected a whole number in [2, 16384].", message);
        new SparkOptions { Neurons = 16_384, SparkCount = 1 }.Validate(eightGiB);
    }

    [Fact]
    public void Temperature_must_be_positive()
    {
        Assert.Equal("sparks.temperature: expected a number > 0, got 0.", Refusal(new SparkOptions { Temperature = 0 }));
    }

    [Fact]
    public void One_neuron_is_too_few()
    {
        Assert.StartsWith("sparks.neurons: expected a whole number in [2, ", Refusal(new SparkOptions { Neurons = 1, SparkCount = 1 }));
    }

    [Fact]
    public void Layout_and_measure_settings_are_checked_too()
    {
        Assert.Equal("layout.max_move: expected a number > 0, got 0.",
            Assert.Throws<UserInputException>(() => new SparkLayoutOptions { MaxMove = 0 }.Validate()).Message);
        Assert.Equal("measures.diagonal_band: expected a whole number in [0, sparks.neurons - 1 = 9], got 10.",
            Assert.Throws<UserInputException>(() => new SparkMeasureOptions { DiagonalBand = 10 }.Validate(10)).Message);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new SparkExperiment().Validate();
    }
}
