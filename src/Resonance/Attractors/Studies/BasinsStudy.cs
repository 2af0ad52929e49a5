using System.Globalization;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 3: basins of attraction. Every rule stores the same memories; each is cued with the seed's Gaussian noise
/// (<c>m + σ η</c>) and with bit flips, and the overlap with the clean memory is measured (mean over the free-running
/// steps, and at the last step). The basin curve is the final overlap against the cue's own overlap.
/// </summary>
internal static class BasinsStudy
{
    sealed record Group(IReadOnlyList<MemoryRule> Rules, IAssociativeMemory Memory, Tensor Memories, Tensor Mask);

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (BasinsOptions)study.Options;
        int n = study.Network.Neurons, p = options.Memories;
        var device = context.Device;
        using var scope = NewDisposeScope();
        Tensor bank = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, "memories"), n, p).to(device);   // (P, N)
        var summary = new Dictionary<string, object?>();
        var groups = new List<Group>();

        // Learned nets (one batched training), then the fixed rules, each family as one batch of nets.
        var learnedRules = options.Rules.Where(RuleMemories.IsLearned).ToList();
        AttractorTrainingResult? trained = null;
        if (learnedRules.Count > 0)
        {
            var plans = learnedRules.Select(r => RuleMemories.LearnedPlan(study, r, RuleMemories.Name(r), bank)).ToList();
            context.Note("train", $"{plans.Count} learned net(s): N = {n}, {p} memories, {study.Training.Epochs} epochs");
            trained = AttractorTrainer.Train(plans, study.Network, study.Training, device, context.Log("train"), context.TrainingProgress("train"), context.Cancellation);
            foreach (var outcome in trained.Outcomes)
            {
                summary[$"{outcome.Label}_training"] = outcome.Describe();
                summary[$"{outcome.Label}_training_epoch"] = outcome.Epoch;
            }
            groups.Add(new Group(learnedRules, new LearnedMemory(trained.Model, study.Network.PresentSteps, study.Network.RetainSteps), trained.Memories, trained.Mask));
        }
        var classicalRules = options.Rules.Where(r => !RuleMemories.IsLearned(r) && r != MemoryRule.Modern).ToList();
        Tensor one = bank.unsqueeze(0), oneMask = ones(1, p, device: device);
        if (classicalRules.Count > 0)
        {
            Tensor weights = cat(classicalRules.Select(r => ClassicalRules.Entry(RuleMemories.Classical(r)).Weights(one, oneMask)).ToArray());  // (R, N, N)
            Tensor memories = one.expand(classicalRules.Count, p, n), mask = oneMask.expand(classicalRules.Count, p);
            groups.Add(new Group(classicalRules, new WeightMemory(weights, options.Update, study.Network.RetainSteps, options.Gain, RandomStreams.Derive(study.Seed, "order")), memories, mask));
        }
        if (options.Rules.Contains(MemoryRule.Modern))
            groups.Add(new Group([MemoryRule.Modern], new ModernMemory(one, oneMask, options.ModernBeta), one, oneMask));

        // Every cue condition, the same cues for every rule.
        var conditions = new List<(CueKind Kind, double Level)> { (CueKind.Clean, 0) };
        conditions.AddRange(options.GaussianSigmas.Select(s => (CueKind.Gaussian, s)));
        conditions.AddRange(options.FlipFractions.Select(f => (CueKind.Flip, f)));
        var figures = new Dictionary<(MemoryRule, CueKind, double), (double Cue, double Retention, double Final)>();
        foreach (var (kind, level) in conditions)
        {
            context.Note("test", $"{Describe(kind, level)} cues");
            foreach (var group in groups)
            {
                using var cueStream = RandomStreams.Generator(RandomStreams.Derive(study.Seed, $"cues.{kind}.{level.ToString("R", CultureInfo.InvariantCulture)}"));
                using var result = MemoryTests.Run(group.Memory, group.Memories, group.Mask, kind, level, kind == CueKind.Clean ? 1 : options.Trials, cueStream, sameCues: true);
                float[] means = stack([result.CueOverlap.mean([1]), result.Retention.mean([1]), result.Final.mean([1])], 1).cpu().data<float>().ToArray();
                for (int k = 0; k < group.Rules.Count; k++)
                    figures[(group.Rules[k], kind, level)] = (means[3 * k], means[3 * k + 1], means[3 * k + 2]);
                context.Log("test")(new Dictionary<string, object?>
                {
                    ["kind"] = "test", ["step"] = 0, ["cue"] = CapacityStudy.ConfigName(kind), ["level"] = level,
                    ["rules"] = string.Join(",", group.Rules.Select(RuleMemories.Name)),
                    ["final"] = string.Join(",", group.Rules.Select(r => figures[(r, kind, level)].Final.ToString("R", CultureInfo.InvariantCulture))),
                });
            }
        }

        // Tables: wide (rules x conditions) and long.
        var wideColumns = new List<string> { "rule" };
        wideColumns.AddRange(conditions.Select(c => c.Kind == CueKind.Flip ? $"{Describe(c.Kind, c.Level)}: final" : $"{Describe(c.Kind, c.Level)}: retention"));
        var wideRows = options.Rules.Select(rule => (IReadOnlyList<string>)[RuleMemories.Name(rule),
            .. conditions.Select(c => StudyTable.Number(c.Kind == CueKind.Flip ? figures[(rule, c.Kind, c.Level)].Final : figures[(rule, c.Kind, c.Level)].Retention))]).ToList();
        var longRows = (from rule in options.Rules
                        from c in conditions
                        let f = figures[(rule, c.Kind, c.Level)]
                        select (IReadOnlyList<string>)[RuleMemories.Name(rule), CapacityStudy.ConfigName(c.Kind), Check.Format(c.Level), StudyTable.Number(f.Cue), StudyTable.Number(f.Retention), StudyTable.Number(f.Final)]).ToList();
        foreach (var rule in options.Rules)
            foreach (var c in conditions)
            {
                var f = figures[(rule, c.Kind, c.Level)];
                string key = $"{RuleMemories.Name(rule).Replace('-', '_')}_{Key(c.Kind, c.Level)}";
                summary[$"{key}_retention"] = f.Retention;
                summary[$"{key}_final"] = f.Final;
            }
        var notes = new List<string>
        {
            $"N = {n}, P = {p} ({(double)p / n:F3} N), {options.Trials} cues per memory and level, the same cues for every rule. " +
            $"Learned nets: cue presented {study.Network.PresentSteps} steps, then {study.Network.RetainSteps} free steps; weight rules: the cue is the initial state, " +
            $"then {study.Network.RetainSteps} {CapacityStudy.ConfigName(options.Update)} updates; modern: one update, β = {Check.Format(options.ModernBeta)}.",
            "Gaussian columns: retention (mean overlap with the clean memory over the free-running steps), as the seed measured it; " +
            "flip columns: overlap at the last step. A cue with a fraction f flipped has overlap 1 - 2f with its memory.",
            "Seed, phase 6 (5 memories, 300 epochs): retention 0.992 at σ = 0, 0.15, 0.3 and 0.5.",
        };
        if (trained is not null)
            notes.Add("Training: " + string.Join("; ", trained.Outcomes.Select(o => $"{o.Label} {o.Describe()} (epoch {o.Epoch})")) + ".");
        var wide = new StudyTable("basins", $"Basins: final overlap or retention by cue (N = {n}, P = {p})", wideColumns, wideRows, notes);
        var longTable = new StudyTable("basins-long", "Every rule and cue condition", ["rule", "cue", "level", "cue overlap", "retention", "final overlap"], longRows);

        var curveConditions = conditions.Where(c => c.Kind != CueKind.Gaussian).OrderBy(c => c.Level).ToList();
        var series = options.Rules.Select(rule => new PlotSeries(RuleMemories.Name(rule),
            curveConditions.Select(c => figures[(rule, c.Kind, c.Level)].Cue).ToArray(),
            curveConditions.Select(c => figures[(rule, c.Kind, c.Level)].Final).ToArray())).ToList();
        double[] diagonal = curveConditions.Select(c => 1 - 2.0 * c.Level).ToArray();
        series.Add(new PlotSeries("the cue itself", diagonal, diagonal, Dashed: true, Markers: false));
        var plot = AttractorPlots.Lines($"Basin curves (N = {n}, P = {p}): final overlap against cue overlap", "cue overlap with the memory (1 - 2 x flipped fraction)",
            "final overlap with the clean memory", series, [(0.99, "0.99")], yLimits: (-0.05, 1.05));
        plot.Axes.SetLimitsX(1.02, curveConditions.Min(c => 1 - 2.0 * c.Level) - 0.05);
        var plots = new List<string> { AttractorPlots.Save(plot, Path.Combine(context.PlotsPath, "basins.png")) };

        trained?.Dispose();
        bool failed = trained is not null && trained.Outcomes.All(o => o.Status == NetStatus.Diverged) && groups.Count == 1;
        return new StudyOutcome([wide, longTable], summary, plots, failed, $"{options.Rules.Count} rules tested on {conditions.Count} cue conditions");
    }

    static string Describe(CueKind kind, double level) => kind switch
    {
        CueKind.Clean => "clean",
        CueKind.Gaussian => $"σ = {Check.Format(level)}",
        _ => $"{level * 100:0.#}% flipped",
    };

    static string Key(CueKind kind, double level) => kind switch
    {
        CueKind.Clean => "clean",
        CueKind.Gaussian => $"sigma{(level * 100).ToString("0.#", CultureInfo.InvariantCulture)}",
        _ => $"flip{(level * 100).ToString("0.#", CultureInfo.InvariantCulture)}",
    };
}
