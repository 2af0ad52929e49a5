using Resonance.Runs;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 1: the seed's capacity table. One net per memory count (and repeat), trained together as one batched program
/// with the strict convergence rule; the seed's own figures beside ours.
/// </summary>
internal static class CapacityStudy
{
    /// <summary>The seed's phase-5 table (N = 64, 2000 epochs, strict convergence): converged, epoch, avg reaction, avg retention.</summary>
    public static readonly IReadOnlyDictionary<int, (bool Converged, int Epoch, double Reaction, double Retention)> SeedFigures =
        new Dictionary<int, (bool, int, double, double)>
        {
            [5] = (true, 291, 1.000, 0.992),
            [10] = (false, 2000, 0.997, 0.999),
            [15] = (false, 2000, 0.996, 0.998),
            [20] = (false, 2000, 0.947, 0.846),
        };

    /// <summary>The nets of the study, in table order: label, memory count, repeat.</summary>
    public static List<(string Label, int Memories, int Repeat)> Nets(CapacityOptions options) =>
        [.. from r in Enumerable.Range(0, options.Repeats)
            from p in options.Memories
            select (options.Repeats > 1 ? $"p{p}_r{r}" : $"p{p}", p, r)];

    /// <summary>Trains the study's nets (no files written): the engine of the study and of its benchmark row.</summary>
    public static AttractorTrainingResult Train(AttractorStudy study, Device device,
        Action<IReadOnlyDictionary<string, object?>>? log = null, IProgress<AttractorTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var options = (CapacityOptions)study.Options;
        int n = study.Network.Neurons;
        var nets = Nets(options);
        var banks = Enumerable.Range(0, options.Repeats)
            .Select(r => MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, $"memories.r{r}"), n, options.Memories.Max())).ToArray();
        var plans = nets.Select(net => AttractorNetPlan.Of(net.Label, banks[net.Repeat].narrow(0, 0, net.Memories),
            RandomStreams.Derive(study.Seed, $"net.p{net.Memories}.r{net.Repeat}"), study.Network, study.Training)).ToList();
        try
        {
            return AttractorTrainer.Train(plans, study.Network, study.Training, device, log, progress, cancellation);
        }
        finally
        {
            foreach (var plan in plans) plan.Memories.Dispose();
            foreach (var bank in banks) bank.Dispose();
        }
    }

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (CapacityOptions)study.Options;
        int n = study.Network.Neurons;
        context.Note("train", $"{options.Memories.Count * options.Repeats} nets of N = {n} ({string.Join(", ", options.Memories)} memories), up to {study.Training.Epochs} epochs, one batched program");
        using var result = Train(study, context.Device, context.Log("train"), context.TrainingProgress("train"), context.Cancellation);

        var nets = Nets(options);
        var rows = new List<IReadOnlyList<string>>();
        var summary = new Dictionary<string, object?>();
        for (int i = 0; i < nets.Count; i++)
        {
            var outcome = result.Outcomes[i];
            var (label, p, repeat) = nets[i];
            bool hasSeed = SeedFigures.TryGetValue(p, out var seed) && n == 64;
            var row = new List<string> { StudyTable.Whole(p), StudyTable.Number((double)p / n, 3) };
            if (options.Repeats > 1) row.Add(StudyTable.Whole(repeat));
            rows.Add(
            [
                .. row,
                outcome.Status == NetStatus.Converged ? "yes" : outcome.Describe(),
                StudyTable.Whole(outcome.Epoch), StudyTable.Number(outcome.Reaction), StudyTable.Number(outcome.Retention), StudyTable.Number(outcome.Seconds, 1),
                hasSeed ? (seed.Converged ? "yes" : "no") : "", hasSeed ? StudyTable.Whole(seed.Epoch) : "",
                hasSeed ? StudyTable.Number(seed.Reaction) : "", hasSeed ? StudyTable.Number(seed.Retention) : "",
            ]);
            summary[$"{label}_converged"] = outcome.Status == NetStatus.Converged;
            summary[$"{label}_status"] = outcome.Describe();
            summary[$"{label}_epoch"] = outcome.Epoch;
            summary[$"{label}_reaction"] = outcome.Reaction;
            summary[$"{label}_retention"] = outcome.Retention;
            summary[$"{label}_wall_s"] = outcome.Seconds;
        }
        summary["nets"] = nets.Count;
        summary["converged"] = result.Outcomes.Count(o => o.Status == NetStatus.Converged);
        summary["epochs_run"] = result.EpochsRun;
        summary["training_wall_s"] = result.Seconds;
        var table = new StudyTable("capacity", $"Capacity: N = {n}, up to {study.Training.Epochs} epochs, strict convergence (reaction and retention >= {OptionChecks.Format(study.Training.ConvergenceThreshold)} for {study.Training.ConvergenceEpochs} epochs)",
            ["memories", "P/N", .. (options.Repeats > 1 ? new[] { "repeat" } : []), "converged?", "epoch", "avg reaction", "avg retention", "wall s", "seed: converged?", "seed: epoch", "seed: avg reaction", "seed: avg retention"],
            rows,
            [$"All nets trained together as one batched program: {result.Seconds:F1} s for {result.EpochsRun} epochs (the wall s column is when each net stopped).",
             $"Regimen {ConfigName(study.Training.Regimen)}, lr {OptionChecks.Format(study.Training.Lr)}, gamma {OptionChecks.Format(study.Training.FixedPointWeight)}, L2 {StudyTable.Compact(study.Training.L2)}, " +
             $"{study.Network.PresentSteps} present + {study.Network.RetainSteps} retain steps, {ConfigName(study.Network.Activation)}, symmetric W_self {(study.Network.Symmetric ? "yes" : "no")}.",
             "Seed columns: the phase-5 table of the progress summary (RNN Weight Learning, 2026) (N = 64, its own unstated protocol details), for comparison."]);

        var plots = new List<string>();
        if (result.Outcomes.Any(o => o.History.Count > 0))
        {
            var retention = result.Outcomes.Select(o => new PlotSeries($"P = {o.Memories}{(options.Repeats > 1 ? $" ({o.Label})" : "")}",
                o.History.Select(h => (double)h.Epoch).ToArray(), o.History.Select(h => h.Retention).ToArray(), Markers: false)).ToList();
            var reaction = result.Outcomes.Select(o => new PlotSeries($"P = {o.Memories}{(options.Repeats > 1 ? $" ({o.Label})" : "")}",
                o.History.Select(h => (double)h.Epoch).ToArray(), o.History.Select(h => h.Reaction).ToArray(), Markers: false)).ToList();
            var threshold = new[] { (study.Training.ConvergenceThreshold, "threshold") };
            plots.Add(AttractorPlots.SaveSheet(
            [
                AttractorPlots.Lines($"Retention while training (N = {n})", "epoch", "avg retention (clean cues)", retention, threshold, yLimits: (0, 1.02)),
                AttractorPlots.Lines($"Reaction while training (N = {n})", "epoch", "avg reaction (clean cues)", reaction, threshold, yLimits: (0, 1.02)),
            ], Path.Combine(context.PlotsPath, "capacity.png"), columns: 2));
        }
        bool failed = result.Outcomes.All(o => o.Status == NetStatus.Diverged);
        int converged = result.Outcomes.Count(o => o.Status == NetStatus.Converged);
        return new StudyOutcome([table], summary, plots, failed,
            failed ? "every net diverged" : $"{converged} of {nets.Count} nets converged; training took {result.Seconds:F1} s");
    }

    internal static string ConfigName(Enum value) => Experiments.ConfigBinder.SnakeCase(value.ToString()).Replace('_', '-');
}
