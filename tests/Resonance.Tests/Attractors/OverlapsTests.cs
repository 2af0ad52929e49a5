using Resonance.Attractors;
using static TorchSharp.torch;

namespace Resonance.Tests.Attractors;

public class OverlapsTests
{
    [Fact]
    public void Overlap_reaction_and_retention_read_a_hand_made_trajectory()
    {
        // One net, one cue, N = 4, memory m = [1, 1, -1, -1]; states over T = 4 steps, the first 2 with the cue on.
        using var memory = tensor(new float[] { 1, 1, -1, -1 }).reshape(1, 1, 4);
        using var states = tensor(new float[]
        {
            1, 1, -1, -1,        // overlap 1
            1, 1, 1, -1,         // 0.5
            0, 0, 0, 0,          // 0
            -1, -1, 1, 1,        // -1
        }).reshape(1, 1, 4, 4);

        using var overlaps = Overlaps.Of(states, memory);
        Assert.Equal(new float[] { 1, 0.5f, 0, -1 }, overlaps.data<float>().ToArray());

        var measures = Overlaps.Measure(overlaps, presentSteps: 2);
        Assert.Equal(0.75, measures.Reaction.item<float>(), 6);
        Assert.Equal(-0.5, measures.Retention.item<float>(), 6);
        Assert.Equal(-1, measures.Final.item<float>(), 6);
    }

    [Fact]
    public void A_cue_given_only_as_the_initial_state_has_no_reaction()
    {
        using var overlaps = tensor(new float[] { 0.2f, 0.6f, 1f }).reshape(1, 1, 3);
        var measures = Overlaps.Measure(overlaps, presentSteps: 0);
        Assert.True(float.IsNaN(measures.Reaction.item<float>()));
        Assert.Equal(0.6, measures.Retention.item<float>(), 6);
    }

    [Fact]
    public void Masked_mean_ignores_padding()
    {
        using var values = tensor(new float[] { 1, 3, 100, 2, 2, 2 }).reshape(2, 3);
        using var mask = tensor(new float[] { 1, 1, 0, 1, 1, 1 }).reshape(2, 3);
        Assert.Equal(new float[] { 2, 2 }, Overlaps.MaskedMean(values, mask).data<float>().ToArray());
    }
}
