using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Attractors;
using Resonance.Attractors.Studies;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>
/// <c>resonance analyze RUN_DIR</c> on a classical attractor study (<c>study: classical</c>): the nets are rebuilt from the
/// run's <c>config.yaml</c> and seed (a study keeps no weights on disk; it is deterministic), then each net's
/// free-running update is searched for fixed points from its stored memories, their negatives and corrupted cues, and
/// the points are read against the memories.
/// </summary>
/// <remarks>
/// <code>
/// closed-form rules:  h → tanh(gain W h)        (the study's tanh dynamics, gain = classical.gain)
/// learned:            h → f(W_self h)           (retrained with the study's own plan, network and training sections)
/// a point matches memory μ when max_μ |ξ_μ · h / N| &gt; 0.95 (the memory or its negative); other fixed points are spurious
/// E(h) = −½ hᵀ W h along retrieval from the corrupted cues, for the symmetric nets
/// </code>
/// The sign dynamics are not searched: the sign map's Jacobian is 0 wherever it is defined, so every sign-stable state is a
/// trivially stable point; the tanh map at the study's gain has the same memories as its near-±1 fixed points.
/// </remarks>
public static class AttractorAnalysis
{
    /// <summary>Overlap with a memory (or its negative) above which a point is that memory.</summary>
    public const double MatchOverlap = 0.95;

    sealed record NetFigures(string Rule, int Memories, int FixedPoints, int Stable, int Saddles, int Unstable, int SlowPoints,
        int MemoryPoints, int MemoriesStable, int Spurious, int SpuriousStable, double SmallestQ, double[] Energy);

    /// <summary>Analyses the attractor study run in <paramref name="run"/>.</summary>
    /// <exception cref="UserInputException">A study of another kind than classical.</exception>
    public static RunOutcome Run(RunDirectory run, ConfigDocument config, AnalysisOptions options, string optionsYaml, RunContext context)
    {
        options.Validate();
        var study = AttractorStudy.From(config, run.Name);
        if (study.Kind != AttractorStudyKind.Classical)
            throw new UserInputException($"{run.Path}: a {AttractorStudy.SectionOf(study.Kind)} attractor study; resonance analyze rebuilds the nets of classical studies " +
                "(study: classical, e.g. experiments/attractor-classical.yaml), not of this kind yet.");
        var classical = (ClassicalOptions)study.Options;
        var events = context.Events;
        var clock = Stopwatch.StartNew();
        var files = new AnalysisFiles(run);
        files.Text("config.yaml", $"# resonance analyze {run.Path}\nrun: {run.Name}\nnets: rebuilt from config.yaml and seed {study.Seed}\n{optionsYaml}");
        int n = study.Network.Neurons, steps = study.Network.RetainSteps, pMax = classical.Memories.Max();
        var rules = classical.Rules.ToList();
        events.Report(new RunStarted(files.Folder, RunAnalysis.Kind, $"analysis of {run.Name}: classical attractor study, N = {n}, memories {string.Join(", ", classical.Memories)}, " +
            $"rules {string.Join(", ", rules.Select(RuleMemories.Name))}; nets rebuilt from config + seed {study.Seed}", Resumed: false));

        using var scope = NewDisposeScope();
        var device = context.Device;
        Tensor bank = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, "memories"), n, pMax);                                            // (Pmax, N), as the study drew it
        Tensor memories = stack(classical.Memories.Select(p => nn.functional.pad(bank.narrow(0, 0, p), [0, 0, 0, pMax - p])).ToArray()).to(device); // (K, Pmax, N)
        Tensor mask = stack(classical.Memories.Select(p => cat([ones(p), zeros(pMax - p)])).ToArray()).to(device);                         // (K, Pmax)
        var figures = new List<NetFigures>();
        var detail = new JsonObject();
        var times = new JsonObject();
        int done = 0, total = rules.Count;
        try
        {
            foreach (var rule in rules)
            {
                context.Stop.ThrowIfCancellationRequested();
                string name = RuleMemories.Name(rule);
                var stageClock = Stopwatch.StartNew();
                events.Report(new RunProgress(done++, total, "rule", null, null, null, $"{name}: fixed points of {classical.Memories.Count} nets", name));
                AttractorTrainingResult? trained = null;
                IAssociativeMemory memory;
                Tensor weights;                                                                                        // (K, N, N): W for the energy
                bool symmetric = true;
                if (rule == MemoryRule.Learned)
                {
                    var plans = classical.Memories.Select(p => RuleMemories.LearnedPlan(study, MemoryRule.Learned, $"learned_p{p}", bank.narrow(0, 0, p))).ToList();
                    events.Report(new RunMessage($"learned: retraining {plans.Count} nets as the study did ({study.Training.Epochs} epochs at most, seed {study.Seed})", MessageLevel.Info));
                    trained = AttractorTrainer.Train(plans, study.Network, study.Training, device, cancellation: context.Stop);
                    memory = new LearnedMemory(trained.Model, study.Network.PresentSteps, steps);
                    using (no_grad()) weights = trained.Model.SelfWeights().detach();
                    symmetric = study.Network.Symmetric;
                }
                else
                {
                    weights = ClassicalRules.Entry(RuleMemories.Classical(rule)).Weights(memories, mask);
                    memory = new WeightMemory(weights, HopfieldUpdate.Tanh, steps, classical.Gain);
                }
                var netDetail = new JsonObject();
                for (int k = 0; k < classical.Memories.Count; k++)
                {
                    using var netScope = NewDisposeScope();
                    int p = classical.Memories[k];
                    var (figure, points) = AnalyseNet(name, memory.Net(k), bank.narrow(0, 0, p).to(device), symmetric ? weights[k] : null, classical, steps, options, study.Seed + k);
                    figures.Add(figure);
                    netDetail[$"p{p}"] = points;
                }
                detail[name] = netDetail;
                trained?.Dispose();
                times[name] = stageClock.Elapsed.TotalSeconds;
                var last = figures[^1];
                events.Report(new RunMessage($"{name}: " + string.Join("; ", figures.Where(f => f.Rule == name).Select(f =>
                    $"P {f.Memories}: {f.FixedPoints} fixed ({f.Stable} stable, {f.Saddles} saddles), ±memories stable {f.MemoriesStable}/{2 * f.Memories}, spurious {f.Spurious} ({f.SpuriousStable} stable)")),
                    MessageLevel.Result));
            }
        }
        catch (OperationCanceledException) when (context.Stop.IsCancellationRequested)
        {
            var stopped = new RunOutcome(RunStatus.Interrupted, $"analysis of {run.Name} stopped; analysis.json was left as it was", new Dictionary<string, object?>(), []);
            events.Report(new RunEnded(stopped.Status, stopped.Message, stopped.Summary));
            return stopped;
        }

        string energyPlot = files.Plot("energy.png", path => EnergyPlot(path, figures, classical, n));
        var summary = new Dictionary<string, object?>
        {
            ["kind"] = RunAnalysis.Kind, ["status"] = "completed", ["run"] = run.Name, ["study"] = "classical", ["nets"] = figures.Count,
            ["nets_rebuilt_from"] = "config + seed",
            ["fixed_points"] = figures.Sum(f => f.FixedPoints),
            ["stable_points"] = figures.Sum(f => f.Stable),
            ["saddle_points"] = figures.Sum(f => f.Saddles),
            ["unstable_points"] = figures.Sum(f => f.Unstable),
            ["slow_points"] = figures.Sum(f => f.SlowPoints),
            ["memory_points"] = figures.Sum(f => f.MemoryPoints),
            ["memories_stable_fraction"] = (double)figures.Sum(f => f.MemoriesStable) / figures.Sum(f => 2 * f.Memories),
            ["spurious_points"] = figures.Sum(f => f.Spurious),
            ["spurious_stable"] = figures.Sum(f => f.SpuriousStable),
        };
        foreach (var f in figures)
        {
            string key = $"{f.Rule.Replace('-', '_')}_p{f.Memories}";
            summary[$"{key}_memories_stable"] = (double)f.MemoriesStable / (2 * f.Memories);
            summary[$"{key}_spurious"] = f.Spurious;
        }
        detail["time_s"] = times;
        detail["match_overlap"] = MatchOverlap;
        detail["dynamics"] = $"tanh(gain W h), gain {OptionChecks.Format(classical.Gain)}, for the closed-form rules; the learned nets' own f(W_self h)";
        summary["analysis_time_s"] = clock.Elapsed.TotalSeconds;
        var json = new JsonObject();
        foreach (var (key, value) in summary) json[key] = JsonValues.From(value);
        json["detail"] = detail;
        files.Text("analysis.json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        files.RemoveStale();
        events.Report(new FigureWritten(energyPlot));

        var table = new StudyTable("analysis", $"Fixed points of the rebuilt nets (N = {n}), searched from the memories, their negatives and {options.CuesPerMemory} cues per memory with {classical.FlipFraction:P0} flipped",
            ["rule", "P", "fixed", "stable", "saddles", "±memories stable", "spurious (stable)", "slow", "smallest q"],
            [.. figures.Select(f => (IReadOnlyList<string>)[f.Rule, StudyTable.Whole(f.Memories), StudyTable.Whole(f.FixedPoints), StudyTable.Whole(f.Stable), StudyTable.Whole(f.Saddles),
                $"{f.MemoriesStable}/{2 * f.Memories}", $"{f.Spurious} ({f.SpuriousStable})", StudyTable.Whole(f.SlowPoints), f.SmallestQ.ToString("G2", CultureInfo.InvariantCulture)])],
            [$"A point is a memory when its overlap with the memory or its negative exceeds {MatchOverlap}; fixed: q < tol_q {OptionChecks.Format(options.FixedPoints.TolQ)}."]);
        var outcome = new RunOutcome(RunStatus.Completed, $"analysis of {run.Name} written to {files.Folder}", summary, [table]) { Plots = [energyPlot] };
        events.Report(new RunEnded(outcome.Status, outcome.Message, summary));
        return outcome;
    }

    /// <summary>One net: the search from <c>±ξ</c> and corrupted cues, the points read against the memories, and the mean energy
    /// per neuron along retrieval from the cues (when <paramref name="weights"/> is given).</summary>
    static (NetFigures Figures, JsonObject Detail) AnalyseNet(string rule, Models.IRecurrentDynamics dynamics, Tensor memories, Tensor? weights,
        ClassicalOptions classical, int steps, AnalysisOptions options, long seed)
    {
        long p = memories.shape[0], n = memories.shape[1];
        var dtype = options.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor xi = memories.to(dtype);                                                                   // (P, N)
        Tensor cues;
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "analysis.cues")))
            cues = MemoryPatterns.FlipExactly(xi.cpu().repeat(options.CuesPerMemory, 1), classical.FlipFraction, generator).to(xi.device); // (C·P, N)
        Tensor starts = cat([xi, -xi, cues], 0);                                                          // (2P + C·P, N)
        var search = options.FixedPoints with { InitialStates = Math.Max(options.FixedPoints.InitialStates, (int)starts.shape[0]) };
        var result = FixedPointFinder.Find(dynamics, starts, null, search);

        double[] xiValues = xi.cpu().contiguous().data<double>().ToArray();
        var matched = new HashSet<(int, int)>();
        int memoryPoints = 0, spurious = 0, spuriousStable = 0;
        var list = new JsonArray();
        foreach (var point in result.Points)
        {
            var (memory, overlap) = Nearest(point.State, xiValues, (int)p, (int)n);
            bool isMemory = Math.Abs(overlap) > MatchOverlap;
            if (!point.IsSlow)
            {
                if (isMemory)
                {
                    memoryPoints++;
                    if (point.Stability == FixedPointStability.Stable) matched.Add((memory, Math.Sign(overlap)));
                }
                else
                {
                    spurious++;
                    if (point.Stability == FixedPointStability.Stable) spuriousStable++;
                }
            }
            list.Add(new JsonObject
            {
                ["q"] = point.Q, ["slow"] = point.IsSlow, ["stability"] = point.Stability.ToString().ToLowerInvariant(),
                ["unstable_directions"] = point.UnstableDirections,
                ["largest_eigenvalue_modulus"] = point.Eigenvalues.Length == 0 ? 0 : point.Eigenvalues.Max(e => e.Magnitude),
                ["nearest_memory"] = memory, ["overlap"] = overlap, ["memory"] = isMemory,
                ["mean_abs_activity"] = point.State.Average(Math.Abs),
            });
        }
        double[] energy = [];
        if (weights is not null)
        {
            using var noGrad = no_grad();
            Tensor w = weights.to(dtype, xi.device);                                                      // (N, N)
            Tensor h = cues;
            var values = new List<double>(steps + 1);
            for (int t = 0; t <= steps; t++)
            {
                if (t > 0) h = dynamics.Step(h, null);
                values.Add((-0.5 * (h.matmul(w.t()) * h).sum(1)).mean().ToDouble() / n);            // mean E(h) / N over the cues
            }
            energy = [.. values];
        }
        var fixedPoints = result.FixedPoints.ToList();
        var figures = new NetFigures(rule, (int)p, fixedPoints.Count,
            fixedPoints.Count(f => f.Stability == FixedPointStability.Stable), fixedPoints.Count(f => f.Stability == FixedPointStability.Saddle),
            fixedPoints.Count(f => f.Stability == FixedPointStability.Unstable), result.SlowPoints.Count(), memoryPoints, matched.Count, spurious, spuriousStable,
            result.Points.Count == 0 ? double.NaN : result.Points.Min(f => f.Q), energy);
        var detail = new JsonObject
        {
            ["memories"] = p, ["initial_states"] = result.InitialStates, ["duplicates_merged"] = result.DuplicatesMerged,
            ["iterations"] = result.Iterations, ["polish_steps"] = result.PolishSteps, ["converged_states"] = result.ConvergedStates,
            ["fixed_points"] = figures.FixedPoints, ["stable"] = figures.Stable, ["saddles"] = figures.Saddles, ["unstable"] = figures.Unstable,
            ["slow_points"] = figures.SlowPoints, ["memory_points"] = memoryPoints, ["memories_stable"] = matched.Count, ["memories_stable_of"] = 2 * p,
            ["spurious"] = spurious, ["spurious_stable"] = spuriousStable,
            ["energy_per_neuron"] = new JsonArray([.. energy.Select(e => (JsonNode?)e)]),
            ["points"] = list,
        };
        return (figures, detail);
    }

    /// <summary>The memory with the largest |overlap| <c>ξ_μ · h / N</c> and that overlap (signed).</summary>
    static (int Memory, double Overlap) Nearest(double[] state, double[] memories, int count, int neurons)
    {
        int best = -1;
        double bestOverlap = 0;
        for (int mu = 0; mu < count; mu++)
        {
            double overlap = 0;
            for (int i = 0; i < neurons; i++) overlap += memories[mu * neurons + i] * state[i];
            overlap /= neurons;
            if (best < 0 || Math.Abs(overlap) > Math.Abs(bestOverlap)) (best, bestOverlap) = (mu, overlap);
        }
        return (best, bestOverlap);
    }

    static string EnergyPlot(string path, IReadOnlyList<NetFigures> figures, ClassicalOptions classical, int n)
    {
        var panels = figures.Where(f => f.Energy.Length > 0).GroupBy(f => f.Rule).Select(group =>
            AttractorPlots.Lines($"{group.Key}: energy along retrieval (N = {n})", "update", "mean E / N",
                [.. group.Select(f => new PlotSeries($"P = {f.Memories}", [.. Enumerable.Range(0, f.Energy.Length).Select(t => (double)t)], f.Energy))])).ToList();
        if (panels.Count == 0)
            panels.Add(AttractorPlots.Lines("no symmetric net: no energy", "update", "mean E / N", []));
        return AttractorPlots.SaveSheet(panels, path, columns: Math.Min(3, panels.Count));
    }
}
