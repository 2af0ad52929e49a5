using Resonance.Models;
using Resonance.Studies.TemporalAveraging;
using Resonance.Sweeps;
using static TorchSharp.torch;

namespace Resonance.Tests.Studies;

/// <summary>The studies' estimators and rules on hand-made numbers with known answers.</summary>
[NoCollections]
public class TemporalStudyMeasuresTests
{
    /// <summary>States <c>(T, B, S)</c> from rows of 0/1 strings, one string per iteration, one array per image.</summary>
    static Tensor States(params string[][] images)
    {
        int iterations = images[0].Length, size = images[0][0].Length;
        var values = new float[iterations * images.Length * size];
        for (int t = 0; t < iterations; t++)
            for (int b = 0; b < images.Length; b++)
                for (int s = 0; s < size; s++) values[(t * images.Length + b) * size + s] = images[b][t][s] == '1' ? 1 : 0;
        return tensor(values, [iterations, images.Length, size]);
    }

    [Fact]
    public void Settling_time_is_the_iteration_after_the_last_change_and_a_state_still_changing_at_the_end_is_not_settled()
    {
        using var states = States(
            ["1000", "1100", "1110", "1110", "1110"],   // last change at t = 3, then fixed: τ = 3, settled
            ["0101", "0101", "0101", "0101", "0101"],   // never changes after t = 1: τ = 1, settled
            ["1000", "0100", "1000", "0100", "1000"]);  // a 2-cycle: changes at t = 5, not settled
        var settling = DynamicsMeasures.SettlingTimes(states);
        Assert.Equal([new Settling(3, true), new Settling(1, true), new Settling(5, false)], settling);
    }

    [Fact]
    public void Branching_ratio_averages_next_over_current_activity_over_active_iterations_only()
    {
        // Image 0: A = 1, 2, 4, 0  -> ratios 2, 2, 0 ; image 1: A = 0, 3, 3, 1 -> (t = 1 silent, skipped) 1, 1/3.
        using var counts = tensor(new float[] { 1, 0, 2, 3, 4, 3, 0, 1 }, [4, 2]);
        double expected = (2 + 2 + 0 + 1 + 1.0 / 3) / 5;
        Assert.Equal(expected, DynamicsMeasures.BranchingRatio(counts), 12);
        using var silent = zeros(3, 2);
        Assert.True(double.IsNaN(DynamicsMeasures.BranchingRatio(silent)));
    }

    [Fact]
    public void Active_counts_and_firing_rates_are_read_per_layer()
    {
        // Two layers of 2 units: layer 0 then layer 1 in each state.
        using var states = States(["1000", "1111"], ["1100", "0011"]);
        using var layer0 = DynamicsMeasures.ActiveCounts(states, 0, 2);
        using var layer1 = DynamicsMeasures.ActiveCounts(states, 1, 2);
        Assert.Equal([1f, 2f, 2f, 0f], layer0.data<float>().ToArray());  // (T, B): t = 1 images 0, 1; t = 2 images 0, 1
        Assert.Equal([0f, 0f, 2f, 2f], layer1.data<float>().ToArray());
        double[][] rates = DynamicsMeasures.FiringRates(states, 2);
        Assert.Equal([0.75, 0.5], rates[0]);
        Assert.Equal([0.0, 1.0], rates[1]);
    }

    [Fact]
    public void Answer_changes_count_images_fixed_and_broken_by_averaging()
    {
        long[] labels = [0, 1, 2, 3, 4, 5];
        long[] first = [0, 9, 9, 3, 4, 9];       // right on 0, 3, 4
        long[] averaged = [0, 1, 9, 9, 4, 5];    // right on 0, 1, 4, 5
        var changes = AnswerChanges.Count(first, averaged, labels);
        Assert.Equal(new AnswerChanges(Fixed: 2, Broken: 1, FirstRight: 3, AveragedRight: 4, Total: 6), changes);
        Assert.Equal(2.0 / 6, changes.FixedFraction, 12);
        Assert.Throws<ArgumentException>(() => AnswerChanges.Count(first[..5], averaged, labels));
    }

    [Theory]
    [InlineData(0.90, 0.01, 0.85, 0.02, Verdict.FirstHigher)]    // 0.89 > 0.87: apart
    [InlineData(0.85, 0.02, 0.90, 0.01, Verdict.SecondHigher)]
    [InlineData(0.90, 0.03, 0.85, 0.03, Verdict.NoDifference)]   // 0.87 < 0.88: the intervals overlap
    [InlineData(0.90, 0.025, 0.85, 0.025, Verdict.NoDifference)] // touching at 0.875 is not apart
    [InlineData(0.90, double.NaN, 0.10, 0.01, Verdict.NoDifference)] // an unknown interval decides nothing
    public void Comparison_reports_a_difference_only_when_the_intervals_are_apart(double meanA, double halfA, double meanB, double halfB, Verdict expected)
    {
        Assert.Equal(expected, Comparison.Of(new MeanInterval(meanA, halfA, 3), new MeanInterval(meanB, halfB, 3)));
    }

    [Fact]
    public void Comparison_on_seed_values_uses_the_t_interval()
    {
        // a = {0.90, 0.91, 0.92}: mean 0.91, s = 0.01, h = 4.303 * 0.01 / √3 = 0.02484; b = {0.80, 0.81, 0.82}: 0.81 ± 0.02484.
        var a = MeanInterval.Of([0.90, 0.91, 0.92]);
        var b = MeanInterval.Of([0.80, 0.81, 0.82]);
        var c = MeanInterval.Of([0.87, 0.90, 0.93]);     // 0.90 ± 0.0745: overlaps a
        Assert.Equal(0.02484, a.HalfWidth, 4);
        Assert.Equal("temporal higher", Comparison.Describe(Comparison.Of(a, b), "temporal", "mlp"));
        Assert.Equal("no difference", Comparison.Describe(Comparison.Of(a, c), "temporal", "mlp"));
        Assert.Equal("0.910 ± 0.025", Comparison.Format(a));
    }

    [Fact]
    public void The_averaged_answer_after_T_iterations_is_the_output_of_the_net_run_for_T_iterations()
    {
        var shape = new ModelShape(28, 10, 28, TaskKind.Classification);
        var options = new TemporalAveragingOptions { Hidden = 24, Layers = 2, Iterations = 3, Feedback = true };
        using var three = new TemporalAveragingNet(options, shape, seed: 5);
        using var five = new TemporalAveragingNet(options with { Iterations = 5 }, shape, seed: 5);
        three.eval();
        five.eval();
        using var images = rand([4, 28, 28], generator: global::Resonance.Runtime.RandomStreams.Generator(11));
        var (readouts, states) = IterationRun.Run(three, images, 5, evalSeed: 1, keepStates: true);
        using var averaged = IterationRun.Averaged(readouts);
        using (no_grad())
        {
            Assert.True(averaged[2].allclose(three.forward(images), rtol: 1e-5, atol: 1e-5));
            Assert.True(averaged[4].allclose(five.forward(images), rtol: 1e-5, atol: 1e-5));
        }
        Assert.Equal([5L, 4L, 48L], states!.shape);
        Assert.True(states.eq(0).logical_or(states.eq(1)).all().item<bool>());
    }
}
