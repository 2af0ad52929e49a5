using Resonance.Runs;
using System.Globalization;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 5: the capacity boundary under a strict criterion. For every size <c>N</c> and rule, the largest <c>P</c> whose
/// memories are all retained (retention from the clean cue &gt;= threshold) and recovered (at least a given fraction of the cues
/// with a fraction of bits flipped end at overlap &gt;= threshold), found by <see cref="CapacitySearch"/>.
/// Every round of the search is one batched program: one net per <c>P</c> (trained together for learned rules).
/// </summary>
internal static class BoundaryStudy
{
    sealed record Evaluation(int Neurons, Entry Entry, int Memories, int Round, double MinRetention, double Recovered, double MeanRecall, bool Passed, string? Training,
        double RivalOverlap, double? RivalOverlapMissed, (double PseudoInverse, double Dreaming)? Likeness = null);

    /// <summary>What one line of the table judges: a rule, and for weight rules the dynamics it is run with.</summary>
    internal sealed record Entry(MemoryRule Rule, HopfieldUpdate? Update)
    {
        public string Label => Update is { } u ? $"{RuleMemories.Name(Rule)} ({CapacityStudy.ConfigName(u)})" : RuleMemories.Name(Rule);
        public string Key => RuleMemories.Name(Rule).Replace('-', '_') + (Update is { } u ? "_" + CapacityStudy.ConfigName(u).Replace('-', '_') : "");
    }

    /// <summary>Every rule once; a weight rule (a classical matrix run as a network) once per update.</summary>
    internal static List<Entry> Entries(BoundaryOptions options) =>
        [.. options.Rules.SelectMany(rule => RuleMemories.IsLearned(rule) || RuleMemories.IsNetworkOfItsOwn(rule)
            ? [new Entry(rule, null)]
            : options.Updates.Select(u => new Entry(rule, (HopfieldUpdate?)u)))];

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (BoundaryOptions)study.Options;
        var evaluations = new List<Evaluation>();
        var results = new List<(int N, Entry Entry, CapacitySearchResult Search)>();
        var summary = new Dictionary<string, object?>();
        var entries = Entries(options);
        foreach (int n in options.Neurons)
        {
            int pCap = Math.Max(1, (int)Math.Ceiling(options.LoadGrid[^1] * n));
            // One bank per memory set (Pcap, N), freed with this size's scope; a P's memories are a prefix of each, so sets nest across P.
            using var sizeScope = NewDisposeScope();
            var banks = Enumerable.Range(0, options.Banks)
                .Select(b => MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, $"memories.n{n}{BankSuffix(b)}"), n, pCap, options.Correlation)).ToList();
            var grid = options.LoadGrid.Select(load => Math.Clamp((int)Math.Round(load * n), 1, pCap)).Distinct().ToList();
            foreach (var entry in entries)
            {
                if (context.Cancellation.IsCancellationRequested) break;
                int round = 0;
                var search = CapacitySearch.Find(grid, options.RefinePoints, ps =>
                {
                    round++;
                    var found = Evaluate(context, options, n, entry, ps, banks, round);
                    evaluations.AddRange(found);
                    return found.Select(e => e.Passed).ToList();
                });
                results.Add((n, entry, search));
                string key = $"n{n}_{entry.Key}";
                summary[$"{key}_p"] = search.Largest;
                summary[$"{key}_load"] = (double)search.Largest / n;
                summary[$"{key}_first_failure"] = search.FirstFailure;
                context.Note("result", $"N = {n}, {entry.Label}: P* = {search.Largest} ({(double)search.Largest / n:F3} N)" +
                    (search.FirstFailure is int f ? $", first failure at P = {f}" : ", every tried P passed (a lower bound)"));
            }
            // A weight rule's best dynamics, under the rule's own name.
            foreach (var group in results.Where(r => r.N == n && r.Entry.Update is not null).GroupBy(r => r.Entry.Rule))
            {
                var best = group.MaxBy(r => r.Search.Largest);
                string key = $"n{n}_{RuleMemories.Name(group.Key).Replace('-', '_')}";
                summary[$"{key}_p"] = best.Search.Largest;
                summary[$"{key}_load"] = (double)best.Search.Largest / n;
                summary[$"{key}_best_update"] = CapacityStudy.ConfigName(best.Entry.Update!.Value);
            }
        }

        string pct = $"{options.FlipFraction * 100:0.#}%";
        double dilute = BasinTheory.DiluteCapacity(options.FlipFraction);
        summary["theory_dilute_optimal_load"] = dilute;
        var rows = results.Select(r =>
        {
            var theory = RuleMemories.Theory(r.Entry.Rule, r.N);
            return (IReadOnlyList<string>)
            [
                StudyTable.Whole(r.N), r.Entry.Label, StudyTable.Whole(r.Search.Largest) + (r.Search.FirstFailure is null ? "+" : ""),
                StudyTable.Number((double)r.Search.Largest / r.N), r.Search.FirstFailure is int f ? StudyTable.Whole(f) : "none tried",
                theory is { } t ? StudyTable.Number(t.Load) : "—",
            ];
        }).ToList();
        var notes = new List<string?>
        {
            $"Criterion: every memory's retention from its clean cue >= {OptionChecks.Format(options.RetentionThreshold)} (retained), and at least {OptionChecks.Format(options.RecoveredFraction)} of the cues " +
            $"with {pct} of bits flipped ({options.Trials} per memory{(options.Banks > 1 ? $"; every P judged on {options.Banks} independent memory sets, their cues counted together" : "")}) end in a state whose signs have overlap >= {OptionChecks.Format(options.RecallThreshold)} with their memory (recovered; " +
            "the bits read out, so a graded tanh state counts by its signs). " +
            $"Pattern correlation {OptionChecks.Format(options.Correlation)}; connectivity {OptionChecks.Format(study.Network.Connectivity)} (a symmetric random mask on every weight matrix, learned or not).",
            $"Search: loads {string.Join(", ", options.LoadGrid.Select(OptionChecks.Format))} of N, then {options.RefinePoints} evenly spaced P per round between the last pass and the first failure. " +
            "'+' marks a lower bound (every tried P passed).",
            string.Join("; ", new[]
            {
                entries.Any(e => e.Update is not null)
                    ? $"Weight rules: each run with {string.Join(" and ", options.Updates.Select(u => u == HopfieldUpdate.Tanh ? $"tanh (h <- tanh({OptionChecks.Format(options.Gain)} W h))" : CapacityStudy.ConfigName(u)))} dynamics from the cue, {study.Network.RetainSteps} updates" : null,
                options.Rules.Any(RuleMemories.IsLearned)
                    ? $"learned nets: the cue presented {study.Network.PresentSteps} steps, then {study.Network.RetainSteps} free steps " +
                      $"({string.Join("; ", options.Rules.Where(RuleMemories.IsLearned).Select(r => RuleMemories.DescribeTraining(study, r)))})" : null,
                options.Rules.Contains(MemoryRule.Modern)
                    ? $"modern: one update at β = {OptionChecks.Format(options.ModernBeta)} (the nearest memory: an ideal decoder's reference, not a weight matrix)" : null,
            }.Where(part => part is not null)) + ".",
            options.Rules.Any(r => RuleMemories.Theory(r, options.Neurons[0]) is not null)
                ? "Theory column (retention only, no basin requirement): " + string.Join("; ", options.Rules.Select(r => RuleMemories.Theory(r, options.Neurons[0]) is { } t ? $"{RuleMemories.Name(r)}: {t.Source}" : null).Where(s => s is not null)) + "."
                : null,
            $"Basin reference: the network of optimal stability (Gardner 1988) in the strongly diluted limit (Derrida, Gardner & Zippelius 1987) recovers cues with {pct} flipped up to " +
            $"P/N = {dilute:F3} (BasinTheory); no feedback correlations there, so it is an optimistic reference for these fully connected nets, not a bound.",
            "Seed: 15 memories at N = 64 (0.234 N), retention only.",
        }.OfType<string>().ToList();
        if (options.Rules.Contains(MemoryRule.LearnedDense))
            notes.Insert(3, $"Learned dense: the same dynamics from the cue ({study.Network.RetainSteps} updates) with learned weights; {RuleMemories.DescribeDenseTraining(study, options.Neurons, options.DenseGain)}.");
        if (options.Rules.Contains(MemoryRule.Dense))
            notes.Insert(3, $"Dense: one hidden neuron per memory, z = relu(m.v/N - {OptionChecks.Format(options.DenseThreshold)}), v <- tanh({OptionChecks.Format(options.DenseGain)} sum z m) from the cue, {study.Network.RetainSteps} updates " +
                "(Krotov & Hopfield 2021; boundary.dense_threshold, boundary.dense_gain): not a pairwise weight matrix, so it is judged beside the pairwise rules, not as one of them.");
        if (study.Network.Connectivity < 1 && options.Rules.Any(r => r is MemoryRule.Dense or MemoryRule.LearnedDense))
            notes.Insert(3, "Connectivity thins pairwise weights only: dense and learned-dense have none, so they run unthinned.");
        if (options.Rules.Contains(MemoryRule.Dreaming)) notes.Insert(3, $"Dreaming: the kernel at t = {OptionChecks.Format(options.DreamTime)} (boundary.dream_time).");
        var table = new StudyTable("boundary", $"Capacity boundary: largest P retained and recovered from {pct} flips", ["N", "rule", "P*", "P*/N", "first failing P", "theory P/N"], rows, notes);
        var evaluationTable = new StudyTable("evaluations", "Every P evaluated", ["N", "rule", "P", "P/N", "round", "min retention", "cues recovered", "mean final overlap", "rival overlap: missed cues / all", "W_self r: pinv / dreaming", "passed", "training"],
            [.. evaluations.OrderBy(e => e.Neurons).ThenBy(e => entries.IndexOf(e.Entry)).ThenBy(e => e.Memories).Select(e => (IReadOnlyList<string>)
            [
                StudyTable.Whole(e.Neurons), e.Entry.Label, StudyTable.Whole(e.Memories), StudyTable.Number((double)e.Memories / e.Neurons), StudyTable.Whole(e.Round),
                StudyTable.Number(e.MinRetention), StudyTable.Number(e.Recovered), StudyTable.Number(e.MeanRecall),
                $"{(e.RivalOverlapMissed is double r ? StudyTable.Number(r) : "—")} / {StudyTable.Number(e.RivalOverlap)}",
                e.Likeness is { } like ? $"{like.PseudoInverse:F4} / {like.Dreaming:F4}" : "—", e.Passed ? "yes" : "no", e.Training ?? "",
            ])]);

        var plots = new List<string>();
        var series = entries.Select(entry => new PlotSeries(entry.Label,
            results.Where(r => r.Entry == entry).Select(r => (double)r.N).ToArray(),
            results.Where(r => r.Entry == entry).Select(r => (double)r.Search.Largest / r.N).ToArray())).ToList();
        var plot = AttractorPlots.Lines($"Largest P/N retained and recovered from {pct} flips", "neurons N", "P*/N", series,
            [(0.138, "Hebbian theory 0.138 (retention only)"), (0.234, "seed 0.234 (retention only, N = 64)"), (dilute, $"optimal stability, diluted, {pct} flips: {dilute:F2}")],
            logX: options.Neurons.Count > 1);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plots.Add(AttractorPlots.Save(plot, Path.Combine(context.PlotsPath, "boundary.png")));
        var panels = options.Neurons.Select(n => AttractorPlots.Lines($"N = {n}: cues recovered from {pct} flips", "P/N", $"fraction of cues ending at overlap >= {OptionChecks.Format(options.RecallThreshold)}",
            [.. entries.Select(entry =>
            {
                var points = evaluations.Where(e => e.Neurons == n && e.Entry == entry).OrderBy(e => e.Memories).ToList();
                return new PlotSeries(entry.Label, points.Select(e => (double)e.Memories / n).ToArray(), points.Select(e => e.Recovered).ToArray());
            })], [(options.RecoveredFraction, "required")], yLimits: (-0.05, 1.05))).ToList();
        plots.Add(AttractorPlots.SaveSheet(panels, Path.Combine(context.PlotsPath, "boundary-recall.png"), columns: Math.Min(3, panels.Count)));

        return new StudyOutcome([table, evaluationTable], summary, plots, false,
            string.Join("; ", results.GroupBy(r => r.N).Select(g => $"N = {g.Key}: " + string.Join(", ", g.Select(r => $"{r.Entry.Label} {r.Search.Largest}")))));
    }

    /// <summary>How many of <paramref name="cues"/> must be recovered for <paramref name="fraction"/>, in whole cues: 76 of 80 is 0.95
    /// exactly (a fraction computed in single precision falls just short of it).</summary>
    internal static int RequiredCues(double fraction, int cues) => (int)Math.Ceiling(fraction * cues - 1e-9);

    /// <summary>One round: every P of <paramref name="ps"/> on every memory set, each pair one net of one batched program.</summary>
    static List<Evaluation> Evaluate(StudyContext context, BoundaryOptions options, int n, Entry entry, IReadOnlyList<int> ps, IReadOnlyList<Tensor> banks, int round)
    {
        var study = context.Study;
        var device = context.Device;
        var rule = entry.Rule;
        string stage = $"N = {n}, {entry.Label}, round {round}";
        context.Note(stage, $"P = {string.Join(", ", ps)}" + (banks.Count > 1 ? $", {banks.Count} memory sets each" : ""));
        using var scope = NewDisposeScope();
        // Net k is P = ps[k / B] on memory set k % B.
        var nets = ps.SelectMany(p => Enumerable.Range(0, banks.Count).Select(b => (P: p, Bank: b))).ToList();
        int pMax = ps.Max();
        Tensor memories = stack(nets.Select(net => nn.functional.pad(banks[net.Bank].narrow(0, 0, net.P), [0, 0, 0, pMax - net.P])).ToArray()).to(device); // (K, Pmax, N)
        Tensor mask = stack(nets.Select(net => cat([ones(net.P), zeros(pMax - net.P)])).ToArray()).to(device);                                       // (K, Pmax)

        IAssociativeMemory memory;
        AttractorTrainingResult? trained = null;
        DenseTrainingResult? denseTrained = null;
        if (rule == MemoryRule.LearnedDense)
        {
            denseTrained = RuleMemories.TrainDense(context,
                [.. nets.Select(net => ($"n{n}_{RuleMemories.Name(rule)}_p{net.P}{BankSuffix(net.Bank).Replace('.', '_')}", banks[net.Bank].narrow(0, 0, net.P)))],
                n, options.DenseGain, stage, new Dictionary<string, object?> { ["neurons"] = n, ["rule"] = RuleMemories.Name(rule), ["round"] = round });
            memory = new DenseMemory(denseTrained.Weights, study.Network.RetainSteps);
        }
        else if (RuleMemories.IsLearned(rule))
        {
            var plans = nets.Select(net => RuleMemories.LearnedPlan(study, rule, $"n{n}_{RuleMemories.Name(rule)}_p{net.P}{BankSuffix(net.Bank).Replace('.', '_')}",
                banks[net.Bank].narrow(0, 0, net.P))).ToList();
            var network = study.NetworkFor(rule);
            trained = AttractorTrainer.Train(plans, network with { Neurons = n }, study.TrainingFor(rule), device,
                context.Log("train", new Dictionary<string, object?> { ["neurons"] = n, ["rule"] = RuleMemories.Name(rule), ["round"] = round }),
                context.TrainingProgress(stage), context.Cancellation);
            memory = new LearnedMemory(trained.Model, network.PresentSteps, network.RetainSteps);
        }
        else
        {
            var (fixedMemory, weights) = RuleMemories.Fixed(rule, memories, mask, entry.Update ?? HopfieldUpdate.Sign, options.Gain, study.Network.RetainSteps, options.ModernBeta, RandomStreams.Derive(study.Seed, "order"), options.DreamTime,
                (options.DenseThreshold, options.DenseGain));
            memory = fixedMemory;
            if (weights is not null && study.Network.Connectivity < 1)
            {
                // Sparse connectivity applies to every weight rule: the same kind of symmetric mask as the learned nets get.
                using var sparse = AttractorRnn.ConnectivityMask(RandomStreams.Derive(study.Seed, $"connectivity.n{n}"), n, study.Network.Connectivity).to(device);
                weights.mul_(sparse);
            }
        }

        Tensor retention = MemoryTests.Measure(memory, memories, memories).Retention;                                               // (K, Pmax)
        Tensor recall = zeros_like(mask), recovered = zeros_like(mask);                                                           // recovered: cues, counted
        Tensor rivalAll = zeros_like(mask), rivalMissed = zeros_like(mask);                                                       // sums of each cue's rival overlap
        for (int trial = 0; trial < options.Trials; trial++)
        {
            using var step = NewDisposeScope();
            var cues = new Tensor[nets.Count];
            for (int k = 0; k < nets.Count; k++)
            {
                // Each P and set has its own cue stream, so it gets the same cues whichever round or rule tests it.
                using var stream = RandomStreams.Generator(RandomStreams.Derive(study.Seed, $"cues.n{n}.p{nets[k].P}.t{trial}{BankSuffix(nets[k].Bank)}"));
                cues[k] = MemoryPatterns.FlipExactly(memories[k], options.FlipFraction, stream);
            }
            Tensor cueStack = stack(cues);
            var measures = MemoryTests.Measure(memory, cueStack, memories);
            recall.add_(measures.Final / options.Trials);                                                                          // (K, Pmax)
            Tensor hit = (measures.FinalBits! >= options.RecallThreshold).to(float32);
            recovered.add_(hit);
            Tensor rival = RivalOverlap(cueStack, memories, mask);                                                                 // (K, Pmax)
            rivalAll.add_(rival);
            rivalMissed.add_(rival * (1 - hit));
        }
        Tensor counts = mask.sum([1]);
        float[] figures = stack([
            where(mask > 0, retention, full_like(retention, 1e9)).amin([1]),
            (recovered * mask).sum([1]),                                                                                           // whole numbers of cues
            (recall * mask).sum([1]) / counts,
            (rivalAll * mask).sum([1]),
            (rivalMissed * mask).sum([1]),
        ], 1).cpu().data<float>().ToArray();
        const int F = 5;                                                                                                           // figures per net

        // Which closed form a learned W_self resembles: its correlation with the pseudo-inverse (where learned-basin starts) and
        // with the dreaming kernel of its own memories.
        double[]? likePinv = null, likeDream = null;
        if (trained is not null)
        {
            Tensor learnedW = trained.Model.SelfWeights().detach();
            Tensor pinv = ClassicalRules.PseudoInverse(memories, mask), dream = ClassicalRules.Dreaming(memories, mask, options.DreamTime);
            likePinv = [.. Enumerable.Range(0, nets.Count).Select(k => ClassicalStudy.Correlation(learnedW[k], pinv[k]))];
            likeDream = [.. Enumerable.Range(0, nets.Count).Select(k => ClassicalStudy.Correlation(learnedW[k], dream[k]))];
        }

        var found = new List<Evaluation>();
        for (int i = 0; i < ps.Count; i++)
        {
            var sets = Enumerable.Range(i * banks.Count, banks.Count).ToList();
            var pooled = Pool(sets.Select(k => new SetFigures(figures[F * k], (int)Math.Round(figures[F * k + 1]), ps[i] * options.Trials, figures[F * k + 2])).ToList());
            int missedCues = pooled.Cues - pooled.RecoveredCues;
            double rivalOfAll = sets.Sum(k => (double)figures[F * k + 3]) / pooled.Cues;
            double? rivalOfMissed = missedCues > 0 ? sets.Sum(k => (double)figures[F * k + 4]) / missedCues : null;
            bool passed = pooled.MinRetention >= options.RetentionThreshold && pooled.RecoveredCues >= RequiredCues(options.RecoveredFraction, pooled.Cues);
            string? training = trained is not null ? DescribeTraining(sets.Select(k => trained.Outcomes[k]).ToList())
                : denseTrained is not null ? (sets.Select(k => denseTrained.Outcomes[k]).FirstOrDefault(o => o.DivergedAt is not null) ?? denseTrained.Outcomes[sets[0]]).Describe()
                : null;
            if (trained is not null && sets.Any(k => trained.Outcomes[k].Status == NetStatus.Diverged)) passed = false;
            if (denseTrained is not null && sets.Any(k => denseTrained.Outcomes[k].DivergedAt is not null)) passed = false;
            double recoveredFraction = (double)pooled.RecoveredCues / pooled.Cues;
            (double PseudoInverse, double Dreaming)? likeness = likePinv is null || likeDream is null ? null : (sets.Average(k => likePinv[k]), sets.Average(k => likeDream[k]));
            found.Add(new Evaluation(n, entry, ps[i], round, pooled.MinRetention, recoveredFraction, pooled.MeanRecall, passed, training, rivalOfAll, rivalOfMissed, likeness));
            context.Log("evaluate")(new Dictionary<string, object?>
            {
                ["kind"] = "evaluation", ["step"] = round, ["neurons"] = n, ["rule"] = RuleMemories.Name(rule), ["update"] = entry.Update is { } u ? CapacityStudy.ConfigName(u) : null,
                ["memories"] = ps[i], ["banks"] = banks.Count,
                ["cues"] = pooled.Cues, ["recovered_cues"] = pooled.RecoveredCues,
                ["min_retention"] = pooled.MinRetention, ["recovered"] = recoveredFraction, ["mean_recall"] = pooled.MeanRecall, ["passed"] = passed, ["training"] = training,
                ["rival_overlap"] = rivalOfAll, ["rival_overlap_missed"] = rivalOfMissed,
                ["w_correlation_pseudo_inverse"] = likeness?.PseudoInverse, ["w_correlation_dreaming"] = likeness?.Dreaming,
            });
        }
        trained?.Dispose();
        denseTrained?.Dispose();
        return found;
    }

    /// <summary>For each cue <c>(K, P, N)</c>, its largest |overlap| with any other memory of its set: how near the closest
    /// rival (or a rival's reverse, an attractor too in a symmetric net) starts, against 1 − 2·flips for its own memory.
    /// Averaged over missed cues beside all cues, it says whether the misses are the cues with a close rival.</summary>
    internal static Tensor RivalOverlap(Tensor cues, Tensor memories, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long p = memories.shape[1], n = memories.shape[2];
        Tensor overlaps = bmm(cues, memories.transpose(1, 2)).abs() / n;                                                         // (K, P cues, P memories)
        Tensor others = (1 - eye(p, device: cues.device)).unsqueeze(0) * mask.unsqueeze(1);                                      // not its own, not padding
        return (overlaps * others).amax([2]).MoveToOuterDisposeScope();                                                          // (K, P)
    }

    /// <summary>One memory set's figures at one P: its least retention, its recovered cues out of <c>Cues</c>, its mean final overlap.</summary>
    internal sealed record SetFigures(double MinRetention, int RecoveredCues, int Cues, double MeanRecall);

    /// <summary>The criterion's view of several sets at one P: the least retention of any memory, all cues counted together,
    /// the mean final overlap (every set has the same P, so the plain mean is the mean over memories).</summary>
    internal static SetFigures Pool(IReadOnlyList<SetFigures> sets) =>
        new(sets.Min(s => s.MinRetention), sets.Sum(s => s.RecoveredCues), sets.Sum(s => s.Cues), sets.Average(s => s.MeanRecall));

    /// <summary>Set 0 keeps the single-set names of memories and cues; set b &gt; 0 adds <c>.b{b}</c>.</summary>
    static string BankSuffix(int bank) => bank == 0 ? "" : $".b{bank}";

    static string DescribeTraining(IReadOnlyList<AttractorNetOutcome> outcomes)
    {
        if (outcomes.Count == 1) return outcomes[0].Describe();
        if (outcomes.FirstOrDefault(o => o.Status == NetStatus.Diverged) is { } diverged) return diverged.Describe();
        int converged = outcomes.Count(o => o.Status == NetStatus.Converged);
        return converged == outcomes.Count ? "converged" : $"converged {converged} of {outcomes.Count}";
    }
}
