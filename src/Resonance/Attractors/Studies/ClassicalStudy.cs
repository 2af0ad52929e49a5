using Resonance.Runs;
using System.Globalization;
using Resonance.Runtime;
using ScottPlot;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 4: the classical rules (Hebbian, Storkey, pseudo-inverse, projection) on the same memories and tests as the
/// learned net, each weight matrix run with sign and tanh dynamics; the learned <c>W_self</c> is also run with those
/// dynamics, and correlated entry by entry with each classical matrix. Energy along asynchronous sign dynamics is drawn.
/// </summary>
internal static class ClassicalStudy
{
    sealed record Row(string Rule, string Update, int Memories, double Retention, double MinRetention, double Recall, double Stable);

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (ClassicalOptions)study.Options;
        var device = context.Device;
        int n = study.Network.Neurons, k = options.Memories.Count, pMax = options.Memories.Max(), steps = study.Network.RetainSteps;
        using var scope = NewDisposeScope();
        Tensor bank = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, "memories"), n, pMax);                                     // (Pmax, N)
        Tensor memories = stack(options.Memories.Select(p => nn.functional.pad(bank.narrow(0, 0, p), [0, 0, 0, pMax - p])).ToArray()).to(device); // (K, Pmax, N)
        Tensor mask = stack(options.Memories.Select(p => cat([ones(p), zeros(pMax - p)])).ToArray()).to(device);                          // (K, Pmax)
        var summary = new Dictionary<string, object?>();
        var rows = new List<Row>();
        var weightsByRule = new Dictionary<string, Tensor>();

        AttractorTrainingResult? trained = null;
        if (options.Rules.Contains(MemoryRule.Learned))
        {
            var plans = options.Memories.Select(p => RuleMemories.LearnedPlan(study, MemoryRule.Learned, $"learned_p{p}", bank.narrow(0, 0, p))).ToList();
            context.Note("train", $"{plans.Count} learned nets: N = {n}, {string.Join(", ", options.Memories)} memories, up to {study.Training.Epochs} epochs");
            trained = AttractorTrainer.Train(plans, study.Network, study.Training, device, context.Log("train"), context.TrainingProgress("train"), context.Cancellation);
            foreach (var outcome in trained.Outcomes)
                summary[$"{outcome.Label}_training"] = outcome.Describe();
            using (no_grad()) weightsByRule["learned"] = trained.Model.SelfWeights().detach();
            rows.AddRange(Test(context, "learned", "own", new LearnedMemory(trained.Model, study.Network.PresentSteps, study.Network.RetainSteps), weightsByRule["learned"], memories, mask, options));
        }
        foreach (var rule in options.Rules.Where(r => r != MemoryRule.Learned))
            weightsByRule[RuleMemories.Name(rule)] = ClassicalRules.Entry(RuleMemories.Classical(rule)).Weights(memories, mask);
        foreach (var (rule, weights) in weightsByRule)
            foreach (var update in options.Updates)
                rows.AddRange(Test(context, rule, CapacityStudy.ConfigName(update),
                    new WeightMemory(weights, update, steps, options.Gain, RandomStreams.Derive(study.Seed, "order")), weights, memories, mask, options));
        var ruleOrder = options.Rules.Select(RuleMemories.Name).ToList();
        rows = [.. rows.OrderBy(r => ruleOrder.IndexOf(r.Rule)).ThenBy(r => r.Update == "own" ? 0 : 1).ThenBy(r => r.Update, StringComparer.Ordinal).ThenBy(r => r.Memories)];

        var tableRows = new List<IReadOnlyList<string>>();
        foreach (var r in rows)
        {
            tableRows.Add([r.Rule, r.Update, StudyTable.Whole(r.Memories), StudyTable.Number((double)r.Memories / n), StudyTable.Number(r.Retention),
                StudyTable.Number(r.MinRetention), StudyTable.Number(r.Recall), StudyTable.Number(r.Stable)]);
            string key = $"{r.Rule.Replace('-', '_')}_{r.Update.Replace('-', '_')}_p{r.Memories}";
            summary[$"{key}_retention"] = r.Retention;
            summary[$"{key}_min_retention"] = r.MinRetention;
            summary[$"{key}_recall"] = r.Recall;
            summary[$"{key}_sign_stable"] = r.Stable;
        }
        string pct = $"{options.FlipFraction * 100:0.#}%";
        var table = new StudyTable("classical", $"Classical rules and the learned net on the same tests (N = {n})",
            ["rule", "update", "P", "P/N", "avg retention", "min retention", $"recall from {pct} flips", "sign-stable memories"], tableRows,
            [$"retention: mean overlap over the free-running steps from the clean memory; recall: overlap at the last step from a cue with {pct} of its bits flipped " +
             $"({options.Trials} cues per memory); sign-stable: fraction of memories with sign(W m) = m.",
             $"Weight rules start from the cue and take {steps} updates (tanh gain {OptionChecks.Format(options.Gain)}); 'learned / own' is the trained AttractorRnn with its own protocol " +
             $"({study.Network.PresentSteps} present + {steps} free steps), 'learned / sign' and '/ tanh' run its W_self as a Hopfield net."]);

        var tables = new List<StudyTable> { table };
        var plots = new List<string>();
        if (weightsByRule.TryGetValue("learned", out var learned))
        {
            var classical = weightsByRule.Where(p => p.Key != "learned").ToList();
            var correlationRows = new List<IReadOnlyList<string>>();
            for (int i = 0; i < k; i++)
            {
                var cells = new List<string> { StudyTable.Whole(options.Memories[i]) };
                foreach (var (name, weights) in classical)
                {
                    double r = Correlation(learned[i], weights[i]);
                    cells.Add(StudyTable.Number(r));
                    summary[$"learned_p{options.Memories[i]}_corr_{name.Replace('-', '_')}"] = r;
                }
                correlationRows.Add(cells);
            }
            tables.Add(new StudyTable("correlation", "Correlation of the learned W_self with the classical matrices (Pearson, off-diagonal entries)",
                ["P", .. classical.Select(c => c.Key)], correlationRows,
                ["The first next step of the progress summary (RNN Weight Learning, 2026): compare the learned W_self with the Hebbian sum(m m^T)/N."]));
            if (weightsByRule.TryGetValue("hebbian", out var hebbian))
                plots.Add(Scatter(learned[k - 1], hebbian[k - 1], options.Memories[k - 1], n, Path.Combine(context.PlotsPath, "weights.png")));
        }

        var series = rows.GroupBy(r => (r.Rule, r.Update)).Select(g => (g.Key, Points: g.OrderBy(r => r.Memories).ToList())).ToList();
        plots.Add(AttractorPlots.SaveSheet(
        [
            AttractorPlots.Lines($"Recall from {pct} flipped bits (N = {n})", "memories P", "final overlap",
                [.. series.Select(s => new PlotSeries($"{s.Key.Rule} / {s.Key.Update}", s.Points.Select(r => (double)r.Memories).ToArray(), s.Points.Select(r => r.Recall).ToArray()))],
                [(0.99, "0.99")], yLimits: (-0.05, 1.05)),
            AttractorPlots.Lines($"Retention from clean cues (N = {n})", "memories P", "avg retention",
                [.. series.Select(s => new PlotSeries($"{s.Key.Rule} / {s.Key.Update}", s.Points.Select(r => (double)r.Memories).ToArray(), s.Points.Select(r => r.Retention).ToArray()))],
                [(0.99, "0.99")], yLimits: (-0.05, 1.05)),
        ], Path.Combine(context.PlotsPath, "classical.png"), columns: 2, panelWidth: 800, panelHeight: 600));

        var (energyPlot, nonIncreasing) = Energy(weightsByRule, memories, mask, options, study.Seed, Path.Combine(context.PlotsPath, "energy.png"));
        plots.Add(energyPlot);
        foreach (var (rule, flag) in nonIncreasing) summary[$"{rule.Replace('-', '_')}_energy_non_increasing"] = flag;
        tables.Add(new StudyTable("energy", $"Energy E = -1/2 h^T W h along asynchronous sign dynamics (P = {options.Memories[0]}, {pct} flipped cues)",
            ["weights", "non-increasing at every single-neuron update"], [.. nonIncreasing.Select(p => (IReadOnlyList<string>)[p.Rule, p.Flag ? "yes" : "no"])],
            ["Guaranteed for symmetric W with a non-negative diagonal; the learned W_self is symmetric but its diagonal may be negative."]));

        trained?.Dispose();
        return new StudyOutcome(tables, summary, plots, false, $"{weightsByRule.Count} weight matrices x {options.Updates.Count} updates x {k} memory counts tested");
    }

    /// <summary>Tests one kind of memory on every net (one per memory count): one row per memory count.</summary>
    static List<Row> Test(StudyContext context, string rule, string update, IAssociativeMemory memory, Tensor weights, Tensor memories, Tensor mask, ClassicalOptions options)
    {
        context.Note("test", $"{rule} / {update}");
        using var scope = NewDisposeScope();
        using var cueStream = RandomStreams.Generator(RandomStreams.Derive(context.Study.Seed, "cues.flip"));
        using var clean = MemoryTests.Run(memory, memories, mask, CueKind.Clean, 0, 1, null);
        using var flipped = MemoryTests.Run(memory, memories, mask, CueKind.Flip, options.FlipFraction, options.Trials, cueStream);
        Tensor stable = (MemoryPatterns.Sign(bmm(memories, weights.transpose(1, 2))) == memories).all(-1).to(float32) * mask;       // (K, Pmax)
        Tensor counts = mask.sum([1]);
        Tensor minimum = where(mask > 0, clean.Retention, full_like(clean.Retention, 1e9)).amin([1]);
        float[] figures = stack([clean.Retention.sum([1]) / counts, minimum, flipped.Final.sum([1]) / counts, stable.sum([1]) / counts], 1)
            .cpu().data<float>().ToArray();
        var rows = new List<Row>();
        for (int i = 0; i < options.Memories.Count; i++)
            rows.Add(new Row(rule, update, options.Memories[i], figures[4 * i], figures[4 * i + 1], figures[4 * i + 2], figures[4 * i + 3]));
        context.Log("test")(new Dictionary<string, object?>
        {
            ["kind"] = "test", ["step"] = 0, ["rule"] = rule, ["update"] = update,
            ["memories"] = string.Join(",", options.Memories),
            ["retention"] = string.Join(",", rows.Select(r => r.Retention.ToString("R", CultureInfo.InvariantCulture))),
            ["recall"] = string.Join(",", rows.Select(r => r.Recall.ToString("R", CultureInfo.InvariantCulture))),
        });
        return rows;
    }

    /// <summary>Pearson correlation of the off-diagonal entries of two <c>(N, N)</c> matrices.</summary>
    internal static double Correlation(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        long n = a.shape[0];
        Tensor off = (1 - eye(n, device: a.device)).to(ScalarType.Bool);
        Tensor x = a.masked_select(off).to(float64), y = b.masked_select(off).to(float64);
        x = x - x.mean();
        y = y - y.mean();
        return (x * y).sum().item<double>() / Math.Sqrt((x * x).sum().item<double>() * (y * y).sum().item<double>());
    }

    static string Scatter(Tensor learned, Tensor hebbian, int memories, int n, string path)
    {
        using var scope = NewDisposeScope();
        Tensor off = (1 - eye(n, device: learned.device)).to(ScalarType.Bool);
        double[] xs = hebbian.masked_select(off).to(float64).cpu().data<double>().ToArray();
        double[] ys = learned.masked_select(off).to(float64).cpu().data<double>().ToArray();
        var plot = new Plot();
        plot.Title($"Learned W_self against Hebbian W (N = {n}, P = {memories}; r = {Correlation(learned, hebbian):F3})", size: 14);
        var points = plot.Add.ScatterPoints(xs, ys, AttractorPlots.Palette[0]);
        points.MarkerSize = 3;
        plot.XLabel("Hebbian W_ij = (1/N) sum_mu m_i m_j");
        plot.YLabel("learned W_self,ij");
        return AttractorPlots.Save(plot, path);
    }

    /// <summary>Energy per single-neuron update of asynchronous sign dynamics from flipped cues of the first memory count.</summary>
    static (string Path, List<(string Rule, bool Flag)> NonIncreasing) Energy(Dictionary<string, Tensor> weightsByRule, Tensor memories, Tensor mask,
        ClassicalOptions options, long seed, string path)
    {
        using var scope = NewDisposeScope();
        int p = options.Memories[0];
        long n = memories.shape[^1];
        Tensor first = memories[0].narrow(0, 0, p).unsqueeze(0);                                     // (1, P, N)
        using var cueStream = RandomStreams.Generator(RandomStreams.Derive(seed, "cues.energy"));
        Tensor cues = MemoryPatterns.FlipExactly(first, options.FlipFraction, cueStream);
        var series = new List<PlotSeries>();
        var flags = new List<(string, bool)>();
        foreach (var (rule, weights) in weightsByRule)
        {
            using var order = RandomStreams.Generator(RandomStreams.Derive(seed, "order.energy"));
            Tensor w = weights[0].unsqueeze(0);                                                      // (1, N, N)
            var energies = new List<Tensor> { HopfieldDynamics.Energy(w, cues) };
            Tensor h = cues;
            for (int sweep = 0; sweep < 4; sweep++) h = HopfieldDynamics.Sweep(w, h, order, energies);
            Tensor trace = stack(energies, -1)[0];                                                  // (P, updates + 1)
            bool nonIncreasing = (trace.diff(dim: -1) <= 1e-4 * trace.abs().amax().clamp_min(1)).all().item<bool>();
            flags.Add((rule, nonIncreasing));
            double reference = HopfieldDynamics.Energy(w, first).abs().mean().item<float>();                 // |E| at the memories themselves
            double[] mean = (trace.mean([0]) / reference).to(float64).cpu().data<double>().ToArray();
            series.Add(new PlotSeries(rule, Enumerable.Range(0, mean.Length).Select(i => (double)i / n).ToArray(), mean, Markers: false));
        }
        var plot = AttractorPlots.Lines($"Energy along asynchronous sign dynamics (P = {p}, {options.FlipFraction * 100:0.#}% flipped cues, mean over memories)",
            "sweeps (N single-neuron updates each)", "E / |E(memory)|", series);
        plot.ShowLegend(Alignment.UpperRight);
        return (AttractorPlots.Save(plot, path), flags);
    }
}
