using Resonance.Models;

namespace Resonance.Tests.Models;

public class RecurrentBaselineOptionsTests
{
    [Fact]
    public void Defaults_are_hidden_128_and_one_layer_and_valid()
    {
        var options = new RecurrentBaselineOptions();
        Assert.Equal(128, options.Hidden);
        Assert.Equal(1, options.Layers);
        options.Validate();
    }

    [Theory]
    [InlineData(0, 1, "model.hidden: expected a positive whole number, got 0.")]
    [InlineData(-3, 1, "model.hidden: expected a positive whole number, got -3.")]
    [InlineData(16, 0, "model.layers: expected a positive whole number, got 0.")]
    public void Impossible_values_are_refused_with_the_key_named(int hidden, int layers, string message)
    {
        var options = new RecurrentBaselineOptions { Hidden = hidden, Layers = layers };
        Assert.Equal(message, Assert.Throws<UserInputException>(options.Validate).Message);
    }

    [Fact]
    public void Factories_validate_before_building()
    {
        var shape = new ModelShape(2, 3, 4, TaskKind.Classification);
        Assert.Throws<UserInputException>(() => RecurrentBaselines.Lstm(new RecurrentBaselineOptions { Hidden = 0 }, shape, 1));
        Assert.Throws<UserInputException>(() => RecurrentBaselines.FusedGru(new RecurrentBaselineOptions { Layers = 0 }, shape, 1));
    }
}
