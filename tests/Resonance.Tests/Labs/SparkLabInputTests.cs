using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Tests.Labs;

public class SparkLabInputTests
{
    static async Task<LabInputException> Refused(ILab lab, JsonObject command) =>
        await Assert.ThrowsAsync<LabInputException>(() => lab.HandleAsync(command));

    [Fact]
    public async Task An_unknown_or_missing_type_is_refused_naming_the_type()
    {
        await using var lab = SparkLabTesting.Small();
        var unknown = await Refused(lab, new JsonObject { ["type"] = "jump" });
        Assert.Equal("type", unknown.Field);
        Assert.Contains("play, pause, step", unknown.Message);
        Assert.Equal("type", (await Refused(lab, new JsonObject())).Field);
        Assert.Equal("type", (await Refused(lab, new JsonObject { ["type"] = 3 })).Field);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_naming_it()
    {
        await using var lab = SparkLabTesting.Small();
        var error = await Refused(lab, new JsonObject { ["type"] = "play", ["speed"] = 2 });
        Assert.Equal("speed", error.Field);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    [InlineData("null")]
    [InlineData("[1]")]
    public async Task Steps_out_of_range_or_of_the_wrong_type_are_refused_naming_steps(string steps)
    {
        await using var lab = SparkLabTesting.Small();
        var command = JsonNode.Parse($"{{\"type\": \"step\", \"steps\": {steps}}}")!.AsObject();
        if (steps == "null")
        {
            Assert.Equal(1, (long)(await lab.HandleAsync(command))["step"]!);      // null is absent: one step
            return;
        }
        var error = await Refused(lab, command);
        Assert.Equal("steps", error.Field);
        Assert.StartsWith("steps: expected a whole number in [1, 10000]", error.Message);
    }

    [Fact]
    public async Task An_out_of_range_setting_comes_back_with_the_engines_message_and_its_key()
    {
        await using var lab = SparkLabTesting.Small();
        var error = await Refused(lab, SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.epsilon"] = 2 })));
        Assert.Equal("sparks.epsilon", error.Field);
        Assert.Equal("sparks.epsilon: expected a number in [0, 1], got 2.", error.Message);
        Assert.Equal(0.05, (double)lab.Settings["sparks.epsilon"]!);
    }

    [Fact]
    public async Task Settings_checked_across_sections_name_their_key()
    {
        await using var lab = SparkLabTesting.Small();
        var error = await Refused(lab, SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.spark_count"] = 40 })));
        Assert.Equal("sparks.spark_count", error.Field);
        var big = await Refused(lab, SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.neurons"] = 5000 })));
        Assert.Equal("sparks.neurons", big.Field);
    }

    [Fact]
    public async Task Unknown_settings_wrong_types_and_non_finite_numbers_are_refused_naming_the_key()
    {
        await using var lab = SparkLabTesting.Small();
        async Task<LabInputException> Edit(string key, JsonNode? value) =>
            await Refused(lab, SparkLabTesting.Command("edit", ("settings", new JsonObject { [key] = value })));
        var typo = await Edit("sparks.temprature", 0.2);
        Assert.Equal(("sparks.temprature", "sparks.temprature: unknown setting; did you mean sparks.temperature?"), (typo.Field, typo.Message));
        Assert.Equal("layout.enabled", (await Edit("layout.enabled", 1)).Field);
        Assert.Equal("sparks.temperature", (await Edit("sparks.temperature", "0.2")).Field);
        Assert.Equal("sparks.temperature", (await Edit("sparks.temperature", JsonValue.Create(double.NaN))).Field);
        Assert.Equal("sparks.neurons", (await Edit("sparks.neurons", 32.5)).Field);
        Assert.Equal("run.steps", (await Edit("run.steps", 5)).Field);
        Assert.Equal("settings", (await Refused(lab, SparkLabTesting.Command("edit", ("settings", 3)))).Field);
    }

    [Fact]
    public async Task Edits_step_and_restore_are_refused_while_playing()
    {
        await using var lab = SparkLabTesting.Small();
        await lab.Send("play");
        var edit = await Refused(lab, SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.temperature"] = 0.3 })));
        Assert.Equal("edit: the simulation is playing; pause it first.", edit.Message);
        await Refused(lab, SparkLabTesting.Command("step"));
        await lab.Send("pause");
    }

    [Fact]
    public async Task A_bad_snapshot_is_refused_naming_what_was_sent()
    {
        await using var lab = SparkLabTesting.Small();
        Assert.Equal("npz", (await Refused(lab, SparkLabTesting.Command("restore", ("npz", "not base64!")))).Field);
        var notZip = await Refused(lab, SparkLabTesting.Command("restore", ("npz", Convert.ToBase64String([1, 2, 3]))));
        Assert.Equal("npz", notZip.Field);
        Assert.DoesNotContain(Path.GetTempPath(), notZip.Message);
        Assert.Equal("id", (await Refused(lab, SparkLabTesting.Command("restore", ("id", "snapshot-9")))).Field);
        Assert.Equal("id", (await Refused(lab, SparkLabTesting.Command("restore"))).Field);
    }

    [Fact]
    public void Bad_settings_at_creation_are_refused_naming_the_key()
    {
        var error = Assert.Throws<LabInputException>(() => LabFactory.Create("sparks", new JsonObject { ["frame.max_per_second"] = 0 }));
        Assert.Equal("frame.max_per_second", error.Field);
        Assert.Equal("kind", Assert.Throws<LabInputException>(() => LabFactory.Create("gas", null)).Field);
    }
}
