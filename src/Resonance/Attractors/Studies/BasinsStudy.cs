using Resonance.Runs;
using System.Globalization;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 3: basins of attraction. For each memory count, every rule stores the same memories (prefixes of one bank); each
/// is cued with the seed's Gaussian noise (<c>m + σ η</c>) and with bit flips, the same cues for every rule, and the
/// overlap with the clean memory is measured (mean over the free-running steps, and at the last step). The basin curve
/// is the final overlap against the cue's own overlap. The learned nets of every count train as one batched program.
/// </summary>
internal static class BasinsStudy
{
    /// <summary>Nets of one family tested together, one (rule, P) per net.</summary>
    sealed record Group(IReadOnlyList<(MemoryRule Rule, int Memories)> Nets, IAssociativeMemory Memory, Tensor Memories, Tensor Mask);

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (BasinsOptions)study.Options;
        int n = study.Network.Neurons, pMax = options.Memories.Max();
        var counts = options.Memories.ToList();
        var device = context.Device;
        using var scope = NewDisposeScope();
        Tensor bank = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, "memories"), n, pMax).to(device);   // (Pmax, N)
        Tensor shared = bank.unsqueeze(0);                                                                     // (1, Pmax, N)
        var summary = new Dictionary<string, object?>();
        var groups = new List<Group>();
        (Tensor Memories, Tensor Mask) Padded(IReadOnlyList<int> ps) =>
            (stack(ps.Select(p => nn.functional.pad(bank.narrow(0, 0, p), [0, 0, 0, pMax - p])).ToArray()),  // (K, Pmax, N)
             stack(ps.Select(p => cat([ones(p, device: device), zeros(pMax - p, device: device)])).ToArray()));

        // Learned rules sharing the study's settings train as one batched program; a rule with per_rule settings trains apart.
        var trainedGroups = new List<AttractorTrainingResult>();
        foreach (var rules in RuleMemories.TrainingGroups(study, options.Rules))
        {
            var learned = (from rule in rules from p in counts select (rule, p)).ToList();
            var network = study.NetworkFor(rules[0]);
            var training = study.TrainingFor(rules[0]);
            var plans = learned.Select(net => RuleMemories.LearnedPlan(study, net.rule, $"{RuleMemories.Name(net.rule)}_p{net.p}", bank.narrow(0, 0, net.p))).ToList();
            string stage = trainedGroups.Count == 0 ? "train" : $"train {string.Join(", ", rules.Select(RuleMemories.Name))}";
            context.Note(stage, $"{plans.Count} learned nets ({string.Join(", ", rules.Select(RuleMemories.Name))}): N = {n}, {string.Join(", ", counts)} memories, {training.Epochs} epochs, one batched program");
            var trained = AttractorTrainer.Train(plans, network, training, device, context.Log("train"), context.TrainingProgress(stage), context.Cancellation);
            trainedGroups.Add(trained);
            foreach (var outcome in trained.Outcomes)
            {
                summary[$"{outcome.Label.Replace('-', '_')}_training"] = outcome.Describe();
                summary[$"{outcome.Label.Replace('-', '_')}_training_epoch"] = outcome.Epoch;
            }
            groups.Add(new Group(learned, new LearnedMemory(trained.Model, network.PresentSteps, network.RetainSteps), trained.Memories, trained.Mask));
        }
        var classical = (from rule in options.Rules.Where(r => !RuleMemories.IsLearned(r) && !RuleMemories.IsNetworkOfItsOwn(r)) from p in counts select (rule, p)).ToList();
        if (classical.Count > 0)
        {
            var (memories, mask) = Padded(classical.Select(c => c.p).ToList());
            Tensor weights = cat(classical.Select((c, k) =>
                ClassicalRules.Entry(RuleMemories.Classical(c.rule)).Weights(memories.narrow(0, k, 1), mask.narrow(0, k, 1))).ToArray());   // (K, N, N)
            groups.Add(new Group(classical, new WeightMemory(weights, options.Update, study.Network.RetainSteps, options.Gain, RandomStreams.Derive(study.Seed, "order")), memories, mask));
        }
        // The memories of every count, one net each: shared by the memories that are not weight matrices.
        var (everyCount, everyMask) = Padded(counts);
        if (options.Rules.Contains(MemoryRule.Modern))
            groups.Add(new Group([.. counts.Select(p => (MemoryRule.Modern, p))], new ModernMemory(everyCount, everyMask, options.ModernBeta), everyCount, everyMask));
        if (options.Rules.Contains(MemoryRule.Dense))
            groups.Add(new Group([.. counts.Select(p => (MemoryRule.Dense, p))],
                new DenseMemory(DenseHopfield.Construct(everyCount, everyMask, options.DenseThreshold, options.DenseGain), study.Network.RetainSteps), everyCount, everyMask));
        DenseTrainingResult? denseTrained = null;
        if (options.Rules.Contains(MemoryRule.LearnedDense))
        {
            string stage = trainedGroups.Count == 0 ? "train" : "train learned-dense";
            context.Note(stage, $"{counts.Count} learned dense memories: N = {n}, {string.Join(", ", counts)} memories, {study.TrainingFor(MemoryRule.LearnedDense).Epochs} epochs, one batched program");
            denseTrained = RuleMemories.TrainDense(context, [.. counts.Select(p => ($"learned-dense_p{p}", bank.narrow(0, 0, p)))], n, options.DenseGain, stage);
            foreach (var outcome in denseTrained.Outcomes) summary[$"{outcome.Label.Replace('-', '_')}_training"] = outcome.Describe();
            groups.Add(new Group([.. counts.Select(p => (MemoryRule.LearnedDense, p))], new DenseMemory(denseTrained.Weights, study.Network.RetainSteps), everyCount, everyMask));
        }

        // Every cue condition, the same cues for every rule and count.
        var conditions = new List<(CueKind Kind, double Level)> { (CueKind.Clean, 0) };
        conditions.AddRange(options.GaussianSigmas.Select(s => (CueKind.Gaussian, s)));
        conditions.AddRange(options.FlipFractions.Select(f => (CueKind.Flip, f)));
        var figures = new Dictionary<(MemoryRule, int, CueKind, double), (double Cue, double Retention, double Final)>();
        foreach (var (kind, level) in conditions)
        {
            context.Note("test", $"{Describe(kind, level)} cues");
            foreach (var group in groups)
            {
                using var cueStream = RandomStreams.Generator(RandomStreams.Derive(study.Seed, $"cues.{kind}.{level.ToString("R", CultureInfo.InvariantCulture)}"));
                using var result = MemoryTests.Run(group.Memory, group.Memories, group.Mask, kind, level, kind == CueKind.Clean ? 1 : options.Trials, cueStream, shared);
                Tensor count = group.Mask.sum([1]);
                float[] means = stack([result.CueOverlap.sum([1]) / count, result.Retention.sum([1]) / count, result.Final.sum([1]) / count], 1).cpu().data<float>().ToArray();
                for (int k = 0; k < group.Nets.Count; k++)
                    figures[(group.Nets[k].Rule, group.Nets[k].Memories, kind, level)] = (means[3 * k], means[3 * k + 1], means[3 * k + 2]);
                context.Log("test")(new Dictionary<string, object?>
                {
                    ["kind"] = "test", ["step"] = 0, ["cue"] = CapacityStudy.ConfigName(kind), ["level"] = level,
                    ["nets"] = string.Join(",", group.Nets.Select(x => $"{RuleMemories.Name(x.Rule)}_p{x.Memories}")),
                    ["final"] = string.Join(",", group.Nets.Select(x => figures[(x.Rule, x.Memories, kind, level)].Final.ToString("R", CultureInfo.InvariantCulture))),
                });
            }
        }

        // Tables: wide (rule and P x conditions) and long; summary keys per rule, P and condition.
        var wideColumns = new List<string> { "rule", "P" };
        wideColumns.AddRange(conditions.Select(c => c.Kind == CueKind.Flip ? $"{Describe(c.Kind, c.Level)}: final" : $"{Describe(c.Kind, c.Level)}: retention"));
        var order = (from p in counts from rule in options.Rules select (rule, p)).ToList();
        var wideRows = order.Select(x => (IReadOnlyList<string>)[RuleMemories.Name(x.rule), StudyTable.Whole(x.p),
            .. conditions.Select(c => StudyTable.Number(c.Kind == CueKind.Flip ? figures[(x.rule, x.p, c.Kind, c.Level)].Final : figures[(x.rule, x.p, c.Kind, c.Level)].Retention))]).ToList();
        var longRows = (from x in order
                        from c in conditions
                        let f = figures[(x.rule, x.p, c.Kind, c.Level)]
                        select (IReadOnlyList<string>)[RuleMemories.Name(x.rule), StudyTable.Whole(x.p), CapacityStudy.ConfigName(c.Kind), OptionChecks.Format(c.Level),
                            StudyTable.Number(f.Cue), StudyTable.Number(f.Retention), StudyTable.Number(f.Final)]).ToList();
        foreach (var x in order)
            foreach (var c in conditions)
            {
                var f = figures[(x.rule, x.p, c.Kind, c.Level)];
                string key = $"{RuleMemories.Name(x.rule).Replace('-', '_')}_p{x.p}_{Key(c.Kind, c.Level)}";
                summary[$"{key}_retention"] = f.Retention;
                summary[$"{key}_final"] = f.Final;
            }
        var notes = new List<string>
        {
            $"N = {n}; P = {string.Join(", ", counts.Select(p => $"{p} ({(double)p / n:F3} N)"))}; {options.Trials} cues per memory and level, the same cues for every rule. " +
            $"Learned nets: cue presented {study.Network.PresentSteps} steps, then {study.Network.RetainSteps} free steps; weight rules: the cue is the initial state, " +
            $"then {study.Network.RetainSteps} {CapacityStudy.ConfigName(options.Update)} updates; modern: one update, β = {OptionChecks.Format(options.ModernBeta)}" +
            (options.Rules.Contains(MemoryRule.Dense) ? $"; dense: one hidden neuron per memory above overlap {OptionChecks.Format(options.DenseThreshold)}, gain {OptionChecks.Format(options.DenseGain)}, {study.Network.RetainSteps} updates from the cue" : "") + ".",
            "Gaussian columns: retention (mean overlap with the clean memory over the free-running steps), as the progress summary (RNN Weight Learning, 2026) measured it; " +
            "flip columns: overlap at the last step. A cue with a fraction f flipped has overlap 1 - 2f with its memory.",
            "Seed, phase 6 (5 memories, 300 epochs): retention 0.992 at σ = 0, 0.15, 0.3 and 0.5.",
        };
        if (denseTrained is not null)
            notes.Add($"Training: {RuleMemories.DescribeDenseTraining(study, [n], options.DenseGain)}. Outcomes: {string.Join("; ", denseTrained.Outcomes.Select(o => $"{o.Label} {o.Describe()}"))}.");
        if (trainedGroups.Count > 0)
            notes.Add("Training: " + string.Join("; ", options.Rules.Where(RuleMemories.IsLearned).Distinct().Select(r => RuleMemories.DescribeTraining(study, r))) + ". Outcomes: " +
                string.Join("; ", trainedGroups.SelectMany(t => t.Outcomes).Select(o => $"{o.Label} {o.Describe()} (epoch {o.Epoch})")) + ".");
        var wide = new StudyTable("basins", $"Basins: final overlap or retention by cue (N = {n})", wideColumns, wideRows, notes);
        var longTable = new StudyTable("basins-long", "Every rule, memory count and cue condition", ["rule", "P", "cue", "level", "cue overlap", "retention", "final overlap"], longRows);

        var curve = conditions.Where(c => c.Kind != CueKind.Gaussian).OrderBy(c => c.Level).ToList();
        double[] diagonal = curve.Select(c => 1 - 2.0 * c.Level).ToArray();
        var panels = counts.Select(p =>
        {
            var series = options.Rules.Select(rule => new PlotSeries(RuleMemories.Name(rule),
                curve.Select(c => figures[(rule, p, c.Kind, c.Level)].Cue).ToArray(),
                curve.Select(c => figures[(rule, p, c.Kind, c.Level)].Final).ToArray())).ToList();
            series.Add(new PlotSeries("the cue itself", diagonal, diagonal, Dashed: true, Markers: false));
            var plot = AttractorPlots.Lines($"Basin curves, N = {n}, P = {p}", "cue overlap with the memory (1 - 2 x flipped fraction)",
                "final overlap with the clean memory", series, [(0.99, "0.99")], yLimits: (-0.05, 1.05));
            plot.Axes.SetLimitsX(1.02, diagonal.Min() - 0.05);
            return plot;
        }).ToList();
        var plots = new List<string> { AttractorPlots.SaveSheet(panels, Path.Combine(context.PlotsPath, "basins.png"), columns: Math.Min(2, panels.Count), panelWidth: 800, panelHeight: 560) };

        foreach (var trained in trainedGroups) trained.Dispose();
        bool failed = trainedGroups.Count > 0 && trainedGroups.All(t => t.Outcomes.All(o => o.Status == NetStatus.Diverged)) && groups.Count == trainedGroups.Count;
        denseTrained?.Dispose();
        return new StudyOutcome([wide, longTable], summary, plots, failed, $"{options.Rules.Count} rules x {counts.Count} memory counts tested on {conditions.Count} cue conditions");
    }

    static string Describe(CueKind kind, double level) => kind switch
    {
        CueKind.Clean => "clean",
        CueKind.Gaussian => $"σ = {OptionChecks.Format(level)}",
        _ => $"{level * 100:0.#}% flipped",
    };

    static string Key(CueKind kind, double level) => kind switch
    {
        CueKind.Clean => "clean",
        CueKind.Gaussian => $"sigma{(level * 100).ToString("0.#", CultureInfo.InvariantCulture)}",
        _ => $"flip{(level * 100).ToString("0.#", CultureInfo.InvariantCulture)}",
    };
}
