using Resonance.Runs;
using Resonance.Runtime;
using ScottPlot;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 2: the seed's phase-3 activation sweep (tanh, relu, linear, sigmoid) and phase 4's ablation (with and without
/// symmetry and the fixed-point loss). Every arm of every activation is one net of one batched program; a net that
/// explodes is reported as diverged at its epoch.
/// </summary>
internal static class ActivationsStudy
{
    /// <summary>What each arm changes: symmetry, fixed-point loss, and whether it keeps the seed's phase-3 regimen and L2.</summary>
    public static readonly IReadOnlyDictionary<ActivationVariant, (bool Symmetric, bool FixedPoint, bool Phase3Settings, string Meaning)> Arms =
        new Dictionary<ActivationVariant, (bool, bool, bool, string)>
        {
            [ActivationVariant.Phase3] = (false, false, true, "the progress summary's phase 3: free W_self, no fixed-point loss, batch regimen, phase3_l2"),
            [ActivationVariant.Plain] = (false, false, false, "phase-4 regimen and L2, free W_self, no fixed-point loss"),
            [ActivationVariant.Symmetric] = (true, false, false, "phase-4 regimen and L2, symmetric W_self only"),
            [ActivationVariant.FixedPoint] = (false, true, false, "phase-4 regimen and L2, fixed-point loss only"),
            [ActivationVariant.Phase4] = (true, true, false, "the progress summary's phase 4: symmetric W_self and fixed-point loss"),
        };

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (ActivationsOptions)study.Options;
        int n = study.Network.Neurons;
        var nets = (from activation in options.Activations from variant in options.Variants select (activation, variant)).ToList();
        using var bank = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, "memories"), n, options.Memories);
        var plans = nets.Select(net =>
        {
            var arm = Arms[net.variant];
            string label = $"{Name(net.activation)}_{Name(net.variant)}";
            return new AttractorNetPlan(label, bank, new AttractorNetSpec(RandomStreams.Derive(study.Seed, $"net.{label}"), net.activation, arm.Symmetric),
                arm.Phase3Settings ? Regimen.Batch : study.Training.Regimen,
                arm.FixedPoint ? study.Training.FixedPointWeight : 0,
                arm.Phase3Settings ? options.Phase3L2 : study.Training.L2);
        }).ToList();
        context.Note("train", $"{plans.Count} nets ({options.Activations.Count} activations x {options.Variants.Count} arms), N = {n}, {options.Memories} memories, up to {study.Training.Epochs} epochs");
        using var result = AttractorTrainer.Train(plans, study.Network, study.Training, context.Device, context.Log("train"), context.TrainingProgress("train"), context.Cancellation);

        var rows = new List<IReadOnlyList<string>>();
        var summary = new Dictionary<string, object?>();
        for (int i = 0; i < nets.Count; i++)
        {
            var (activation, variant) = nets[i];
            var plan = plans[i];
            var outcome = result.Outcomes[i];
            rows.Add(
            [
                Name(activation), Name(variant), plan.Spec.Symmetric ? "yes" : "no", plan.FixedPointWeight > 0 ? OptionChecks.Format(plan.FixedPointWeight) : "off",
                Name(plan.Regimen), StudyTable.Compact(plan.L2), outcome.Describe(), StudyTable.Whole(outcome.Epoch),
                StudyTable.Number(outcome.Reaction), StudyTable.Number(outcome.Retention),
            ]);
            summary[$"{plan.Label}_status"] = outcome.Describe();
            summary[$"{plan.Label}_diverged"] = outcome.Status == NetStatus.Diverged;
            summary[$"{plan.Label}_epoch"] = outcome.Epoch;
            summary[$"{plan.Label}_reaction"] = outcome.Reaction;
            summary[$"{plan.Label}_retention"] = outcome.Retention;
        }
        summary["diverged"] = result.Outcomes.Count(o => o.Status == NetStatus.Diverged);
        summary["training_wall_s"] = result.Seconds;
        var table = new StudyTable("activations",
            $"Activation sweep and ablation: N = {n}, {options.Memories} memories, up to {study.Training.Epochs} epochs",
            ["activation", "arm", "symmetric", "fixed-point gamma", "regimen", "L2", "outcome", "epoch", "avg reaction", "avg retention"], rows,
            [.. options.Variants.Select(v => $"- {Name(v)}: {Arms[v].Meaning}."),
             $"Divergence: a state entry beyond {OptionChecks.Format(study.Training.DivergenceLimit)} in magnitude, or NaN; the net is frozen and reported, the study goes on.",
             "Seed, phase 3 (2 memories): tanh ≈ 0.56 retention, relu and linear diverged, sigmoid ≈ 0.31; phase 4 (tanh, symmetric, fixed point): 0.998 retention."]);

        var plots = new List<string> { Bars(result.Outcomes, nets, options, Path.Combine(context.PlotsPath, "activations.png")) };
        bool failed = result.Outcomes.All(o => o.Status == NetStatus.Diverged);
        return new StudyOutcome([table], summary, plots, failed,
            $"{result.Outcomes.Count(o => o.Status == NetStatus.Diverged)} of {nets.Count} nets diverged; {result.Outcomes.Count(o => o.Status == NetStatus.Converged)} converged");
    }

    static string Bars(IReadOnlyList<AttractorNetOutcome> outcomes, List<(Activation Activation, ActivationVariant Variant)> nets, ActivationsOptions options, string path)
    {
        var plot = new Plot();
        plot.Title("Retention by activation and arm (× = diverged)", size: 14);
        int arms = options.Variants.Count;
        double width = 0.8 / arms;
        var bars = new List<Bar>();
        for (int i = 0; i < nets.Count; i++)
        {
            int a = options.Activations.ToList().IndexOf(nets[i].Activation), v = options.Variants.ToList().IndexOf(nets[i].Variant);
            double x = a + (v - (arms - 1) / 2.0) * width;
            var outcome = outcomes[i];
            bool diverged = outcome.Status == NetStatus.Diverged;
            bars.Add(new Bar { Position = x, Value = diverged ? 0 : outcome.Retention, Size = width * 0.9, FillColor = AttractorPlots.Palette[v % AttractorPlots.Palette.Length] });
            if (diverged)
            {
                var marker = plot.Add.Text("×", x, 0.03);
                marker.LabelFontSize = 18;
                marker.LabelFontColor = Colors.Black;
                marker.LabelAlignment = Alignment.LowerCenter;
            }
        }
        plot.Add.Bars(bars);
        for (int v = 0; v < arms; v++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Name(options.Variants[v]), FillColor = AttractorPlots.Palette[v % AttractorPlots.Palette.Length] });
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, options.Activations.Count).Select(i => (double)i).ToArray(), options.Activations.Select(a => Name(a)).ToArray());
        plot.Axes.SetLimitsY(0, 1.1);
        plot.YLabel("avg retention (final weights, clean cues)");
        plot.ShowLegend(Alignment.UpperRight);
        return AttractorPlots.Save(plot, path);
    }

    static string Name(Enum value) => CapacityStudy.ConfigName(value);
}
