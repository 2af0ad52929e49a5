using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Studio.Tests;

/// <summary>
/// Commands of several pages reach a lab in an order no page controls: one queued behind a <c>stop</c> or behind a
/// <c>configure</c> that changes N or P must be refused in one line (or applied to the settings it meets), never run against
/// a simulation that is gone or a memory bank of another size (an "internal error in the lab" on the page).
/// </summary>
public sealed class LabCommandRaceTests
{
    static JsonObject Command(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public async Task Commands_queued_behind_a_stop_are_refused_in_one_line()
    {
        await using var lab = new SparkLab(Command("""{"sparks.neurons": 64, "sparks.spark_count": 8}"""));
        // All four pass the check on this thread before the stop runs on the lab thread (the steps keep it busy).
        var busy = lab.HandleAsync(Command("""{"type": "step", "steps": 2000}"""));
        var stop = lab.HandleAsync(Command("""{"type": "stop"}"""));
        var late = new[]
        {
            lab.HandleAsync(Command("""{"type": "step", "steps": 1}""")),
            lab.HandleAsync(Command("""{"type": "edit", "settings": {"sparks.temperature": 0.3}}""")),
            lab.HandleAsync(Command("""{"type": "snapshot"}""")),
        };
        Assert.Equal(2000L, (long)(await busy)["step"]!);
        Assert.Equal("stopped", (string?)(await stop)["state"]);
        foreach (var command in late)
        {
            var refused = await Assert.ThrowsAsync<LabInputException>(() => command);
            Assert.EndsWith("the lab was stopped; start a new one.", refused.Message);
        }
    }

    [Fact]
    public async Task A_pick_queued_behind_a_configure_is_checked_against_the_new_number_of_memories()
    {
        await using var lab = new AttractorLab(Command("""{"neurons": 64, "memories": 5, "epochs": 20, "left_rule": "hebbian"}"""));
        var configure = lab.HandleAsync(Command("""{"type": "configure", "settings": {"memories": 2}}"""));
        var pick = lab.HandleAsync(Command("""{"type": "pick", "memory": 4}"""));
        var shrink = lab.HandleAsync(Command("""{"type": "configure", "settings": {"neurons": 16, "memories": 2}}"""));
        var pattern = lab.HandleAsync(new JsonObject { ["type"] = "draw", ["pattern"] = new JsonArray([.. Enumerable.Range(0, 64).Select(_ => (JsonNode)1)]) });

        Assert.Equal("2", (await configure)["settings"]!["memories"]!.ToJsonString());
        var refused = await Assert.ThrowsAsync<LabInputException>(() => pick);
        Assert.Equal("memory", refused.Field);
        await shrink;
        var wrongLength = await Assert.ThrowsAsync<LabInputException>(() => pattern);
        Assert.Equal("pattern", wrongLength.Field);
        Assert.Contains("at most 16 entries", wrongLength.Message);
    }

    [Fact]
    public async Task Two_configures_in_flight_both_apply()
    {
        await using var lab = new AttractorLab(Command("""{"neurons": 16, "memories": 2, "epochs": 20, "left_rule": "hebbian"}"""));
        var first = lab.HandleAsync(Command("""{"type": "configure", "settings": {"seed": 9}}"""));
        var second = lab.HandleAsync(Command("""{"type": "configure", "settings": {"gain": 2}}"""));
        await first;
        var settings = (await second)["settings"]!;
        Assert.Equal("9", settings["seed"]!.ToJsonString());
        Assert.Equal(2.0, double.Parse(settings["gain"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
