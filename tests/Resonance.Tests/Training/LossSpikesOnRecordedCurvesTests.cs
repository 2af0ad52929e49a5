using System.Globalization;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Tests.Experiments;
using Resonance.Training;

namespace Resonance.Tests.Training;

/// <summary>The loss-spike detector, with each experiment's own settings, on batch-loss curves recorded from real runs
/// (Fixtures/*.txt; the header of each file gives the command that produced it).</summary>
public class LossSpikesOnRecordedCurvesTests
{
    /// <summary>The batch losses of a fixture, step 1 first.</summary>
    static double[] Curve(string name) =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Training", "Fixtures", name))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => double.Parse(line, CultureInfo.InvariantCulture))];

    /// <summary>The training section of an experiment file in experiments/, as a run of it would bind it.</summary>
    static TrainingOptions Training(string experiment)
    {
        string file = Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", experiment + ".yaml");
        return ExperimentRunner.Prepare(ConfigDocument.Load(file), [], null, ModelCatalog.CreateDefault(), experiment).Training;
    }

    [Fact]
    public void The_quickstart_curve_has_no_spike_where_the_ratio_alone_found_25_in_ordinary_late_training_noise()
    {
        var options = Training("quickstart");
        var losses = Curve("quickstart-batch-losses.txt");
        Assert.Equal(1876, losses.Length);

        Assert.Empty(Spikes(losses, options));
        var ratioAlone = Spikes(losses, options, madFactor: 0); // what the run printed
        Assert.Equal(25, ratioAlone.Count);
        Assert.All(ratioAlone, s => Assert.InRange(s.Ratio, 3.0, 5.0));
        // the noisiest of them stands 6.9 robust σ above its median (step 1870, 5.0x), below the default of 8
        double noisiest = ratioAlone.Max(s => (s.Loss - s.RunningMedian) / s.RunningSigma);
        Assert.InRange(noisiest, 6.8, 7.0);
        Assert.True(noisiest < LossSpikeDetector.DefaultMadFactor);
    }

    [Fact]
    public void The_curriculum_jump_from_4_to_8_reasoning_steps_is_the_one_spike_and_stands_far_above_the_noise()
    {
        var options = Training("resonator-curriculum");
        var losses = Curve("curriculum-batch-losses.txt");
        Assert.Equal(262, losses.Length);

        var spike = Assert.Single(Spikes(losses, options));
        Assert.Equal(241, spike.Step); // the first batch with 8 reasoning steps (40 batches an epoch, stage from epoch 6)
        Assert.Equal(3.8723, spike.Loss);
        Assert.Equal(0.371, spike.RunningMedian, 4);
        Assert.Equal(10.44, spike.Ratio, 2);
        // 42 robust σ above the median: caught for any spike_mad_factor up to 42, far above the default
        Assert.InRange((spike.Loss - spike.RunningMedian) / spike.RunningSigma, 42.0, 43.0);
        Assert.Equal([241L], Spikes(losses, options, madFactor: 0).Select(s => s.Step)); // the ratio alone finds the same
    }

    static List<LossSpike> Spikes(double[] losses, TrainingOptions options, double? madFactor = null)
    {
        var detector = new LossSpikeDetector(options.SpikeFactor, options.SpikeWindow, null, options.SpikeMinRise, madFactor ?? options.SpikeMadFactor);
        var spikes = new List<LossSpike>();
        for (int i = 0; i < losses.Length; i++)
            if (detector.Observe(i + 1, losses[i]).Spike is { } spike) spikes.Add(spike);
        return spikes;
    }
}
