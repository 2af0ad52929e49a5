using System.Text.Json.Nodes;
using Resonance.Labs;
using Resonance.Sparks;
using Resonance.Tests.Sparks;

namespace Resonance.Tests.Labs;

public class SparkLabTests
{
    [Fact]
    public async Task A_new_lab_is_paused_at_step_zero_with_its_first_frame_measured()
    {
        await using var lab = SparkLabTesting.Small();
        Assert.Equal("sparks", lab.Kind);
        Assert.Equal(1, lab.Frames.Version);
        var frame = lab.LatestFrame();
        Assert.Equal((0L, 32, 4, 32), (frame.Step, frame.Neurons, frame.SparkCount, frame.WeightSide));
        Assert.Equal(SparkLabFrame.Flags.Measured | SparkLabFrame.Flags.LayoutEnabled, frame.Flags);
        Assert.Equal(0, frame.Measures[0]);
        var state = await lab.Send("state");
        Assert.Equal("paused", (string)state["state"]!);
        Assert.Equal(32, (int)state["settings"]!["sparks.neurons"]!);
        Assert.Equal(SparkLabFrame.MeasureNames.Count, state["measure_names"]!.AsArray().Count);
    }

    [Fact]
    public async Task Step_advances_measures_and_publishes_the_frame_it_reports()
    {
        await using var lab = SparkLabTesting.Small();
        var reply = await lab.Send("step", ("steps", 7));
        Assert.Equal(7, (long)reply["step"]!);
        var frame = lab.LatestFrame();
        Assert.Equal(7, frame.Step);
        Assert.Equal(7, frame.Measures[0]);
        Assert.All(frame.Sparks, s => Assert.InRange(s, 0, 31));
        Assert.All(frame.Activations, a => Assert.InRange(a, 0f, 1f));
    }

    [Fact]
    public async Task Play_streams_frames_until_pause_and_a_paused_lab_stays_still()
    {
        await using var lab = SparkLabTesting.Small();
        Assert.Equal("playing", (string)(await lab.Send("play"))["state"]!);
        var (version, bytes) = await lab.Frames.NextAsync(1, CancellationToken.None);
        while (SparkLabFrame.Decode(bytes).Step < 20) (version, bytes) = await lab.Frames.NextAsync(version, CancellationToken.None);
        Assert.True(SparkLabFrame.Decode(bytes).Flags.HasFlag(SparkLabFrame.Flags.Playing));
        var paused = await lab.Send("pause");
        Assert.Equal("paused", (string)paused["state"]!);
        long step = (long)paused["step"]!;
        Assert.True(step >= 20);
        var last = lab.LatestFrame();
        Assert.Equal(step, last.Step);
        Assert.False(last.Flags.HasFlag(SparkLabFrame.Flags.Playing));
        Assert.Equal(step, (long)(await lab.Send("state"))["step"]!);
        Assert.Equal(step, (long)(await lab.Send("state"))["step"]!);
    }

    [Fact]
    public async Task An_edit_while_paused_takes_effect_and_a_new_size_rebuilds_the_network_at_step_zero()
    {
        await using var lab = SparkLabTesting.Small();
        await lab.Send("step", ("steps", 3));
        var edited = await lab.Send("edit", ("settings", new JsonObject { ["sparks.temperature"] = 0.25, ["layout.enabled"] = false }));
        Assert.Equal(0.25, (double)edited["settings"]!["sparks.temperature"]!);
        Assert.Equal(0.25, (double)lab.Settings["sparks.temperature"]!);
        Assert.Equal(3, (long)edited["step"]!);
        Assert.Equal(1, (int)edited["revision"]!);
        Assert.False(lab.LatestFrame().Flags.HasFlag(SparkLabFrame.Flags.LayoutEnabled));

        await lab.Send("edit", ("settings", new JsonObject { ["sparks.neurons"] = 48 }));
        var frame = lab.LatestFrame();
        Assert.Equal((0L, 48, 2), (frame.Step, frame.Neurons, frame.Revision));
    }

    [Fact]
    public async Task A_restored_snapshot_continues_exactly_as_the_run_it_was_taken_from()
    {
        await using var lab = SparkLabTesting.Small();
        await lab.Send("step", ("steps", 4));
        var taken = await lab.Send("snapshot");
        string id = (string)taken["snapshot"]!["id"]!;
        Assert.True((int)taken["snapshot"]!["bytes"]! > 32 * 32 * 4);
        Assert.NotNull(lab.SnapshotBytes(id));
        await lab.Send("step", ("steps", 6));
        var first = lab.LatestFrame();

        var restored = await lab.Send("restore", ("id", id));
        Assert.Equal(4, (long)restored["step"]!);
        await lab.Send("step", ("steps", 6));
        var again = lab.LatestFrame();
        Assert.Equal(10, again.Step);
        Assert.Equal(first.Weights, again.Weights);
        Assert.Equal(first.Positions, again.Positions);
        Assert.Equal(first.Sparks, again.Sparks);

        await lab.Send("step", ("steps", 2));
        var fromBytes = await lab.Send("restore", ("npz", Convert.ToBase64String(lab.SnapshotBytes(id)!)));
        Assert.Equal(4, (long)fromBytes["step"]!);
    }

    [Fact]
    public async Task Stop_ends_the_lab_its_frame_stream_and_every_later_command()
    {
        var lab = SparkLabTesting.Small();
        await lab.Send("play");
        var stopped = await lab.Send("stop");
        Assert.Equal("stopped", (string)stopped["state"]!);
        Assert.True(lab.Frames.IsCompleted);
        var error = await Assert.ThrowsAsync<LabInputException>(() => lab.Send("state"));
        Assert.Contains("stopped", error.Message);
        await lab.DisposeAsync();
    }

    [Fact]
    public void The_frame_at_the_target_size_is_well_under_100_kB()
    {
        Assert.Equal(82_360, SparkLabFrame.Length(1024, 64, 256));
    }

    [Fact]
    public void A_frame_carries_the_wall_clock_time_of_its_encoding()
    {
        using var simulation = SparkTesting.Simulation(SparkTesting.Frozen(4, 1), new float[16], [0]);
        double before = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        var frame = SparkLabFrame.Decode(SparkLabFrame.Encode(simulation, null, 2, SparkLabFrame.Flags.None, 0, 0, 0));
        double after = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        Assert.Equal(2, frame.Version);
        Assert.InRange(frame.WallClockMs, before, after);
    }

    [Fact]
    public void The_weight_panel_is_the_mean_pooled_matrix_quantised_against_its_max()
    {
        // W[i, j] = (4 i + j) / 16 on a 4 x 4 matrix, pooled to 2 x 2: cell means 2.5, 4.5, 10.5, 12.5 (/ 16); max 12.5 / 16.
        float[] weights = Enumerable.Range(0, 16).Select(v => v / 16f).ToArray();
        using var simulation = SparkTesting.Simulation(SparkTesting.Frozen(4, 1), weights, [0]);
        var frame = SparkLabFrame.Decode(SparkLabFrame.Encode(simulation, null, 2, SparkLabFrame.Flags.None, 0, 0, 0));
        Assert.Equal(2, frame.WeightSide);
        Assert.Equal(12.5f / 16, frame.WeightMax, 6);
        Assert.Equal(new byte[] { 51, 92, 214, 255 }, frame.Weights);    // round(255 * 2.5 / 12.5) = 51, 4.5 -> 91.8, 10.5 -> 214.2
        Assert.All(frame.Measures, m => Assert.True(double.IsNaN(m)));
        Assert.Equal(weights.Length / 4, frame.Activations.Length);
    }
}
