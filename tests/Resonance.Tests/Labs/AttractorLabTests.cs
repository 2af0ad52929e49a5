using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Tests.Labs;

public class AttractorLabTests
{
    static AttractorLab Lab(JsonObject settings) => new(settings);

    static JsonObject Frame(JsonObject reply) => reply["frame"]!.AsObject();

    static JsonObject Net(JsonObject frame, int index) => frame["nets"]![index]!.AsObject();

    static double[] Numbers(JsonNode? array) => [.. JsonNode.Parse(array!.ToJsonString())!.AsArray().Select(v => v!.GetValue<double>())];

    [Fact]
    public async Task With_few_memories_a_clean_cue_stays_at_overlap_one_in_both_nets()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 64, ["memories"] = 3, ["left_rule"] = "pseudo-inverse", ["right_rule"] = "hebbian", ["level"] = 0.0, ["speed"] = 0 });
        var reply = await lab.Send("run", ("steps", 5));
        var frame = Frame(reply);
        Assert.Equal(5, (int)frame["step"]!);
        Assert.Equal(0, (int)frame["target"]!);
        for (int side = 0; side < 2; side++)
        {
            Assert.Equal(1.0, (double)Net(frame, side)["target_overlap"]!, 6);
            Assert.Equal(1.0, Numbers(Net(frame, side)["overlaps"])[0], 6);
            Assert.Equal(3, Numbers(Net(frame, side)["overlaps"]).Length);
        }
    }

    [Fact]
    public async Task A_cue_with_ten_percent_flips_at_low_load_is_retrieved_by_the_hebbian_rule()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 100, ["memories"] = 3, ["left_rule"] = "storkey", ["right_rule"] = "hebbian", ["level"] = 0.1, ["speed"] = 0 });
        var cued = Frame(await lab.Send("pick", ("memory", 2)));
        Assert.Equal(0.8, (double)Net(cued, 1)["target_overlap"]!, 6);                       // 10 of 100 flipped: 1 - 2 * 0.1
        var frame = Frame(await lab.Send("run", ("steps", 10)));
        Assert.Equal(2, (int)frame["target"]!);
        Assert.Equal(1.0, (double)Net(frame, 1)["target_overlap"]!, 6);
        Assert.Equal(1.0, (double)Net(frame, 0)["target_overlap"]!, 6);
    }

    [Fact]
    public async Task Energy_never_rises_along_asynchronous_retrieval_in_a_hebbian_net()
    {
        await using var lab = Lab(new JsonObject
        {
            ["neurons"] = 64, ["memories"] = 8, ["left_rule"] = "hebbian", ["right_rule"] = "hebbian", ["update"] = "async-sign", ["level"] = 0.3,
        });
        var energies = new List<double> { (double)Net(Frame(await lab.Send("state")), 0)["energy"]! };
        for (int t = 0; t < 8; t++) energies.Add((double)Net(Frame(await lab.Send("step")), 0)["energy"]!);
        for (int t = 1; t < energies.Count; t++) Assert.True(energies[t] <= energies[t - 1] + 1e-5, $"energy rose at step {t}: {energies[t - 1]} -> {energies[t]}");
        Assert.True(energies[^1] < energies[0]);
    }

    [Fact]
    public async Task The_learned_net_trains_on_the_lab_thread_and_holds_its_memories()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 64, ["memories"] = 3, ["epochs"] = 150, ["level"] = 0.1, ["speed"] = 0 });
        var state = await lab.Send("state");
        Assert.Equal("learned-dense", (string)Net(Frame(state), 0)["rule"]!);
        Assert.Null(Net(Frame(state), 0)["energy"]);
        var frame = Frame(await lab.Send("run", ("steps", 10)));
        Assert.Equal(1.0, (double)Net(frame, 0)["target_overlap"]!, 2);
    }

    [Fact]
    public async Task A_drawn_pattern_becomes_the_target_and_reset_returns_to_its_cue()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 16, ["memories"] = 2, ["left_rule"] = "hebbian", ["level"] = 0.0 });
        var pattern = new JsonArray([.. Enumerable.Range(0, 16).Select(i => (JsonNode)(i % 3 == 0 ? 1 : -1))]);
        var drawn = Frame(await lab.Send("draw", ("pattern", pattern)));
        Assert.Null(drawn["target"]);
        Assert.Equal(Numbers(pattern), Numbers(drawn["cue"]));
        await lab.Send("step");
        var reset = Frame(await lab.Send("reset"));
        Assert.Equal(0, (int)reset["step"]!);
        Assert.Equal(Numbers(pattern), Numbers(Net(reset, 0)["state"]));
    }

    [Fact]
    public async Task A_load_sweep_shows_the_hebbian_net_breaking_as_memories_rise()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 64, ["memories"] = 2, ["left_rule"] = "pseudo-inverse", ["right_rule"] = "hebbian", ["level"] = 0.1, ["trials"] = 2 });
        var reply = await lab.Send("sweep_load", ("p_values", new JsonArray(2, 30)));
        var sweep = reply["sweep"]!.AsObject();
        Assert.Equal([2.0, 30.0], Numbers(sweep["loads"]));
        var hebbian = Numbers(sweep["right"]!["success"]);
        Assert.Equal(1.0, hebbian[0]);
        Assert.True(hebbian[1] < 0.5, $"hebbian at load 30/64 retrieved {hebbian[1]}");
        Assert.Equal(2, (int)sweep["done"]!);
    }

    [Fact]
    public async Task Bad_commands_and_settings_are_refused_naming_the_field()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 16, ["memories"] = 2, ["left_rule"] = "hebbian" });
        async Task<string?> Field(string type, params (string, JsonNode?)[] values) =>
            (await Assert.ThrowsAsync<LabInputException>(() => lab.Send(type, values))).Field;
        Assert.Equal("memory", await Field("pick", ("memory", 2)));
        Assert.Equal("pattern", await Field("draw", ("pattern", new JsonArray(1, -1))));
        Assert.Equal("pattern", await Field("draw", ("pattern", new JsonArray([.. Enumerable.Range(0, 16).Select(i => (JsonNode)(i == 5 ? 0.5 : 1))]))));
        Assert.Equal("kind", await Field("corrupt", ("kind", "blur")));
        Assert.Equal("level", await Field("corrupt", ("level", 7)));
        Assert.Equal("neurons", await Field("configure", ("settings", new JsonObject { ["neurons"] = 50 })));
        Assert.Equal("memories", await Field("configure", ("settings", new JsonObject { ["memories"] = 17 })));
        Assert.Equal("right_rule", await Field("configure", ("settings", new JsonObject { ["right_rule"] = "oja" })));
        Assert.Equal("p_values", await Field("sweep_load", ("p_values", new JsonArray(3, 3))));
        Assert.Equal("steps", await Field("run", ("steps", 0)));
        Assert.Equal("neurons", Assert.Throws<LabInputException>(() => LabFactory.Create("attractor", new JsonObject { ["neurons"] = 20 })).Field);
        Assert.Equal(16, (int)lab.Settings["neurons"]!);
    }

    [Fact]
    public async Task A_run_at_a_finite_speed_unfolds_one_frame_per_step()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 16, ["memories"] = 2, ["left_rule"] = "hebbian", ["speed"] = 1000 });
        long version = lab.Frames.Version;
        Assert.Equal("running", (string)(await lab.Send("run", ("steps", 5)))["state"]!);
        var steps = new List<int>();
        while (steps.Count == 0 || steps[^1] < 5)
        {
            (version, var bytes) = await lab.Frames.NextAsync(version, CancellationToken.None);
            steps.Add((int)JsonNode.Parse(bytes)!["step"]!);
        }
        Assert.Equal(steps.Order(), steps);
        Assert.Equal("ready", (string)(await lab.Send("state"))["state"]!);
    }
    [Fact]
    public async Task A_cancelled_configure_is_a_clean_error_and_the_lab_keeps_its_nets_and_settings()
    {
        await using var lab = Lab(new JsonObject { ["neurons"] = 16, ["memories"] = 2, ["left_rule"] = "hebbian", ["level"] = 0.0, ["speed"] = 0 });
        long version = lab.Frames.Version;
        var configure = lab.HandleAsync(new JsonObject
        {
            ["type"] = "configure", ["settings"] = new JsonObject { ["left_rule"] = "learned-dense", ["epochs"] = 5000 },
        });
        while (true)
        {
            (version, var bytes) = await lab.Frames.NextAsync(version, CancellationToken.None);
            if ((string)JsonNode.Parse(bytes)!["type"]! == "training") break;               // the learned net is training now
        }
        var cancelled = await lab.Send("cancel");                                           // answered while configure runs
        Assert.True((bool)cancelled["cancelled"]!);
        var error = await Assert.ThrowsAsync<LabInputException>(() => configure);
        Assert.Equal("configure: cancelled; the lab keeps the settings and nets it had.", error.Message);
        var state = await lab.Send("state");
        Assert.Equal("hebbian", (string)state["settings"]!["left_rule"]!);
        Assert.Equal(0, (int)state["revision"]!);
        var run = Frame(await lab.Send("run", ("steps", 3)));
        Assert.Equal(1.0, (double)Net(run, 0)["target_overlap"]!, 6);                      // the hebbian net still retrieves
    }
}
