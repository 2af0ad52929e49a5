using System.Text.Json.Nodes;
using Resonance.Attractors;
using Resonance.Attractors.Studies;
using Resonance.Experiments;
using Resonance.Tests.Experiments;
using static TorchSharp.torch;

namespace Resonance.Tests.Attractors;

public class AttractorStudyTests
{
    const string Capacity = """
        name: tiny
        study: capacity
        seed: 2
        network: { neurons: 16, present_steps: 2, retain_steps: 4 }
        training: { epochs: 3, lr: 0.01 }
        capacity: { memories: [2, 3] }
        """;

    static AttractorStudy Load(string yaml, params string[] overrides) =>
        AttractorStudy.Prepare(ConfigDocument.Parse(yaml, "study.yaml"), overrides, null, "study");

    static string Error(string yaml, params string[] overrides) => Assert.Throws<UserInputException>(() => Load(yaml, overrides)).Message;

    public static TheoryData<string> StudyFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments"), "attractor-*.yaml").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>Overrides that shrink each kind of study to a second or so.</summary>
    internal static readonly IReadOnlyDictionary<AttractorStudyKind, string[]> Tiny = new Dictionary<AttractorStudyKind, string[]>
    {
        [AttractorStudyKind.Capacity] = ["capacity.memories=[2, 3]"],
        [AttractorStudyKind.Activations] = ["activations.activations=[tanh, relu]", "activations.variants=[phase3, phase4]"],
        [AttractorStudyKind.Basins] = ["basins.memories=[2, 3]", "basins.gaussian_sigmas=[0.3]", "basins.flip_fractions=[0.1, 0.3]", "basins.trials=1"],
        [AttractorStudyKind.Classical] = ["classical.memories=[2, 3]", "classical.trials=1"],
        [AttractorStudyKind.Boundary] = ["boundary.neurons=[16]", "boundary.load_grid=[0.1, 0.2]", "boundary.trials=1", "boundary.refine_points=1"],
        [AttractorStudyKind.Modern] = ["modern.neurons=16", "modern.memories=[8, 64]", "modern.betas=[1]", "modern.flip_fractions=[0.1]", "modern.queries=16"],
    };

    [Theory]
    [MemberData(nameof(StudyFiles))]
    public void Every_study_file_runs_in_a_tiny_form_and_writes_its_run_directory(string fileName)
    {
        var document = ConfigDocument.Load(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", fileName));
        var kind = AttractorStudy.From(document, "probe").Kind;
        string[] common = ["network.neurons=16", "network.present_steps=2", "network.retain_steps=4", "training.epochs=3", "training.log_every=1"];
        var study = AttractorStudy.Prepare(document, [.. common, .. Tiny[kind]], null, Path.GetFileNameWithoutExtension(fileName));
        // A rule's own settings would keep its own epochs: shrink those too.
        string[] perRule = [.. study.PerRule.Keys.Select(rule => $"per_rule.{RuleMemories.Name(rule)}.training.epochs=3")];
        if (perRule.Length > 0) study = AttractorStudy.Prepare(document, [.. common, .. Tiny[kind], .. perRule], null, Path.GetFileNameWithoutExtension(fileName));
        using var folder = new TempFolder();
        string directory = folder.Combine("run");

        var result = AttractorStudyRunner.Run(study, directory, CPU);

        Assert.False(result.Failed, result.Message);
        foreach (string file in new[] { "config.yaml", "metrics.jsonl", "summary.json", "table.md", "table.csv" })
            Assert.True(File.Exists(Path.Combine(directory, file)), file);
        Assert.NotEmpty(result.Plots);
        Assert.All(result.Plots, plot => Assert.True(new FileInfo(plot).Length > 1000, plot));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "summary.json")))!.AsObject();
        Assert.Equal(AttractorStudy.SectionOf(kind), summary["study"]!.GetValue<string>());
        Assert.True(summary["wall_s"]!.GetValue<double>() > 0);
        Assert.Equal(result.Tables[0].Rows.Count + 1, File.ReadAllLines(Path.Combine(directory, "table.csv")).Length);
        var resolved = AttractorStudy.From(ConfigDocument.Load(Path.Combine(directory, "config.yaml")), "again");
        Assert.Equal(study, resolved with { Options = study.Options, Network = study.Network, Training = study.Training, PerRule = study.PerRule });
        Assert.Equal(study.Training, resolved.Training);
        SamePerRule(study, resolved);
    }

    static void SamePerRule(AttractorStudy expected, AttractorStudy actual)
    {
        Assert.Equal(expected.PerRule.Keys.Order(), actual.PerRule.Keys.Order());
        foreach (var (rule, own) in expected.PerRule)
        {
            Assert.Equal(own.Network, actual.PerRule[rule].Network);
            Assert.Equal(own.Training, actual.PerRule[rule].Training);
        }
    }

    const string Basins = """
        name: tiny-basins
        study: basins
        seed: 5
        network: { neurons: 16, present_steps: 2, retain_steps: 4 }
        training: { epochs: 4, lr: 0.01, log_every: 1 }
        basins: { memories: [2, 3], gaussian_sigmas: [0.3], flip_fractions: [0.2], trials: 1, rules: [learned, learned-basin, hebbian] }
        per_rule:
          learned-basin:
            network: { init: pseudo-inverse, self_coupling: false }
            training: { epochs: 2, cue_loss: contrastive, noise_cues: 2 }
        """;

    [Fact]
    public void A_rules_own_settings_replace_the_shared_keys_they_name_and_inherit_the_rest()
    {
        var study = Load(Basins, "training.lr=0.02", "per_rule.learned-basin.training.noise_flip_max=0.35");
        var basin = study.PerRule[MemoryRule.LearnedBasin];
        Assert.Equal((2, CueLoss.Contrastive, 2, 0.35), (basin.Training.Epochs, basin.Training.CueLoss, basin.Training.NoiseCues, basin.Training.NoiseFlipMax));
        Assert.Equal(0.02, basin.Training.Lr);                                                   // not its own: the shared value, as overridden
        Assert.Equal((AttractorInit.PseudoInverse, false, 2, 4), (basin.Network.Init, basin.Network.SelfCoupling, basin.Network.PresentSteps, basin.Network.RetainSteps));
        Assert.Same(basin.Training, study.TrainingFor(MemoryRule.LearnedBasin));
        Assert.Same(study.Training, study.TrainingFor(MemoryRule.Learned));                     // no settings of its own
        Assert.Same(study.Network, study.NetworkFor(MemoryRule.Learned));
        Assert.Equal((4, CueLoss.BitError, AttractorInit.Random), (study.Training.Epochs, study.Training.CueLoss, study.Network.Init));

        // The resolved config keeps only the keys the rule set, so it reads back the same and still follows the shared sections.
        string yaml = study.Resolved().ToYaml();
        Assert.Contains("per_rule:", yaml);
        var again = AttractorStudy.From(ConfigDocument.Parse(yaml, "config.yaml"), "again");
        SamePerRule(study, again);
        var relowered = AttractorStudy.Prepare(ConfigDocument.Parse(yaml, "config.yaml"), ["training.lr=0.005"], null, "again");
        Assert.Equal(0.005, relowered.TrainingFor(MemoryRule.LearnedBasin).Lr);
        Assert.Empty(Load(Capacity).PerRule);
        Assert.DoesNotContain("per_rule", Load(Capacity).Resolved().ToYaml());
    }

    [Fact]
    public void A_rule_with_its_own_settings_trains_apart_with_them()
    {
        using var folder = new TempFolder();
        var result = AttractorStudyRunner.Run(Load(Basins), folder.Combine("run"), CPU);
        Assert.False(result.Failed, result.Message);
        // Epoch lines per net: learned trains the shared 4 epochs, learned-basin its own 2 (every epoch logged).
        var epochs = File.ReadLines(folder.Combine("run", "metrics.jsonl")).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(line => line["kind"]?.GetValue<string>() == "epoch")
            .GroupBy(line => line["net"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["learned_p2"] = 4, ["learned_p3"] = 4, ["learned-basin_p2"] = 2, ["learned-basin_p3"] = 2 }, epochs);
        Assert.Contains(result.Tables[0].Notes!, note => note.Contains("learned-basin: basin regimen, cue loss contrastive, from pseudo-inverse x 4, 2 epochs"));

        // The same contrastive training shared by both rules would put them in one batch, which it refuses.
        string shared = Basins.Replace("training: { epochs: 4, lr: 0.01, log_every: 1 }", "training: { epochs: 4, lr: 0.01, cue_loss: contrastive }")
            .Replace("training: { epochs: 2, cue_loss: contrastive, noise_cues: 2 }", "training: {}").Replace("network: { init: pseudo-inverse, self_coupling: false }", "network: {}");
        var refused = Assert.Throws<ArgumentException>(() => AttractorStudyRunner.Run(Load(shared, "per_rule={}"), folder.Combine("shared"), CPU));
        Assert.Contains("cannot share a batch", refused.Message);
    }

    [Fact]
    public void Per_rule_mistakes_name_the_key()
    {
        Assert.Equal("per_rule.learned-basn: not a learned rule; did you mean learned-basin?", Error(Basins.Replace("  learned-basin:", "  learned-basn:")));
        Assert.StartsWith("per_rule.hebbian: not a learned rule; settings of their own are for learned, learned-noisy, learned-basin", Error(Basins, "per_rule.hebbian.training.lr=0.1"));
        Assert.Equal("per_rule.learned-basin.trainng: unknown key; a rule's own settings are network: and training:.", Error(Basins, "per_rule.learned-basin.trainng.lr=0.1"));
        Assert.Equal("per_rule.learned-basin: training.epochs: expected a whole number >= 1, got 0.", Error(Basins, "per_rule.learned-basin.training.epochs=0"));
        Assert.Equal("per_rule.learned-basin: training.lrr: unknown key; did you mean training.lr?", Error(Basins, "per_rule.learned-basin.training.lrr=0.1"));
        Assert.StartsWith("per_rule.learned-basin.network.neurons: every rule of a study stores the same memories", Error(Basins, "per_rule.learned-basin.network.neurons=32"));
        Assert.StartsWith("per_rule: only boundary and basins studies put learned rules side by side", Error(Capacity, "per_rule.learned.training.lr=0.1"));
        Assert.Equal("per_rule.learned: expected a section with network: and/or training:, got a single value.", Error(Basins, "per_rule.learned=3"));
    }

    const string Boundary = """
        name: tiny-boundary
        study: boundary
        seed: 3
        network: { neurons: 16, present_steps: 2, retain_steps: 4 }
        training: { epochs: 3, lr: 0.01, regimen: batch }
        boundary: { neurons: [24], rules: [hebbian], updates: [sign], load_grid: [0.1, 0.2, 0.3], refine_points: 1, trials: 2 }
        """;

    static List<JsonObject> Evaluations(string directory) =>
        [.. File.ReadLines(Path.Combine(directory, "metrics.jsonl")).Select(line => JsonNode.Parse(line)!.AsObject()).Where(line => line["kind"]?.GetValue<string>() == "evaluation")];

    [Fact]
    public void Memory_sets_pool_their_cues_and_set_zero_is_the_single_set_run()
    {
        using var folder = new TempFolder();
        Assert.False(AttractorStudyRunner.Run(Load(Boundary), folder.Combine("one"), CPU).Failed);
        Assert.False(AttractorStudyRunner.Run(Load(Boundary, "boundary.banks=3"), folder.Combine("three"), CPU).Failed);
        var one = Evaluations(folder.Combine("one")).ToDictionary(e => e["memories"]!.GetValue<int>());
        var three = Evaluations(folder.Combine("three"));
        Assert.NotEmpty(three);
        foreach (var pooled in three.Where(e => one.ContainsKey(e["memories"]!.GetValue<int>())))
        {
            var single = one[pooled["memories"]!.GetValue<int>()];
            int cues = single["cues"]!.GetValue<int>(), recovered = single["recovered_cues"]!.GetValue<int>();
            Assert.Equal(3 * cues, pooled["cues"]!.GetValue<int>());
            // Set 0 is the single-set run, so the pooled count holds its count plus what sets 1 and 2 recovered.
            int others = pooled["recovered_cues"]!.GetValue<int>() - recovered;
            Assert.InRange(others, 0, 2 * cues);
            Assert.True(pooled["min_retention"]!.GetValue<double>() <= single["min_retention"]!.GetValue<double>() + 1e-9);
        }
        // Learned rules train one net per P and set, together.
        var learned = AttractorStudyRunner.Run(Load(Boundary, "boundary.banks=2", "boundary.rules=[learned]"), folder.Combine("learned"), CPU);
        Assert.False(learned.Failed, learned.Message);
        Assert.All(Evaluations(folder.Combine("learned")), e => Assert.Equal(2, e["banks"]!.GetValue<int>()));
    }

    [Fact]
    public void A_learned_nets_weights_are_compared_with_the_pseudo_inverse_and_the_dreaming_kernel()
    {
        using var folder = new TempFolder();
        // Untrained (one epoch at a vanishing rate), learned-basin is 4 W_pinv: correlation 1 with the pseudo-inverse, less with dreaming.
        var result = AttractorStudyRunner.Run(Load(Boundary, "boundary.rules=[learned-basin, hebbian]", "boundary.neurons=[32]", "network.init=pseudo-inverse",
            "network.self_coupling=false", "training.regimen=basin", "training.cue_loss=contrastive", "training.epochs=1", "training.lr=1e-12"), folder.Combine("run"), CPU);
        Assert.False(result.Failed, result.Message);
        var evaluations = Evaluations(folder.Combine("run"));
        var learned = evaluations.Where(e => e["rule"]!.GetValue<string>() == "learned-basin").ToList();
        Assert.NotEmpty(learned);
        Assert.All(learned, e => Assert.InRange(e["w_correlation_pseudo_inverse"]!.GetValue<double>(), 0.9999, 1.0001));
        // The two closed forms part as P grows (the overlap matrix moves away from the identity, where they coincide).
        var most = learned.MaxBy(e => e["memories"]!.GetValue<int>())!;
        Assert.InRange(most["memories"]!.GetValue<int>(), 6, 32);
        Assert.InRange(most["w_correlation_dreaming"]!.GetValue<double>(), 0.5, 0.999);
        Assert.All(evaluations.Where(e => e["rule"]!.GetValue<string>() == "hebbian"), e => Assert.Null(e["w_correlation_dreaming"]));
    }

    [Fact]
    public void A_cues_rival_is_its_largest_absolute_overlap_with_another_real_memory()
    {
        using var scope = NewDisposeScope();
        // N = 4: memory 0 = (1, 1, 1, 1), memory 1 = (1, 1, 1, -1), memory 2 = (-1, -1, 1, 1) is padding.
        Tensor memories = tensor(new float[] { 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, 1, 1 }).reshape(1, 3, 4);
        Tensor mask = tensor(new float[] { 1, 1, 0 }).reshape(1, 3);
        Tensor cues = tensor(new float[] { 1, 1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 1 }).reshape(1, 3, 4);
        // Cue 0 against memory 1: (1 + 1 - 1 + 1)/4 = 0.5; cue 1 against memory 0: |-2/4| = 0.5 (the reverse counts);
        // memory 2 is padding and never a rival (cue 1 would overlap it by 0.5, cue 0 by |-1|): cue 2 meets memory 0 at 1.
        float[] rival = BoundaryStudy.RivalOverlap(cues, memories, mask).data<float>().ToArray();
        Assert.Equal(new[] { 0.5f, 0.5f, 1f }, rival);
    }

    [Fact]
    public void Pooling_takes_the_least_retention_every_cue_and_the_mean_recall()
    {
        var pooled = BoundaryStudy.Pool([new(0.995, 30, 32, 0.97), new(0.991, 29, 32, 0.95)]);
        Assert.Equal(new BoundaryStudy.SetFigures(0.991, 59, 64, 0.96), pooled with { MeanRecall = Math.Round(pooled.MeanRecall, 9) });
        Assert.Equal(61, BoundaryStudy.RequiredCues(0.95, 64));   // 59 of 64 fails where each set alone (30 of 32 = 0.9375) would too
    }

    [Fact]
    public void Weight_rules_are_judged_with_every_update_and_the_summary_keeps_each_rules_best()
    {
        using var folder = new TempFolder();
        string[] pinv = ["boundary.neurons=[32]", "boundary.rules=[pseudo-inverse]", "boundary.trials=4"];
        var both = AttractorStudyRunner.Run(Load(Boundary, [.. pinv, "boundary.updates=[sign, tanh]", "boundary.gain=4"]), folder.Combine("both"), CPU);
        Assert.False(both.Failed, both.Message);
        Assert.Equal(["pseudo-inverse (sign)", "pseudo-inverse (tanh)"], both.Tables[0].Rows.Select(r => r[1]));
        int sign = Convert.ToInt32(both.Summary["n32_pseudo_inverse_sign_p"]), tanh = Convert.ToInt32(both.Summary["n32_pseudo_inverse_tanh_p"]);
        Assert.Equal(Math.Max(sign, tanh), Convert.ToInt32(both.Summary["n32_pseudo_inverse_p"]));
        Assert.Equal(tanh > sign ? "tanh" : "sign", both.Summary["n32_pseudo_inverse_best_update"]);
        Assert.All(Evaluations(folder.Combine("both")), e => Assert.Contains(e["update"]!.GetValue<string>(), new[] { "sign", "tanh" }));

        // The tanh entry is the tanh run alone, at the configured gain: at gain 2 no memory reaches retention 0.99
        // (tanh(2 (1 - P/N)) < 0.99), at 4 they do.
        var alone = AttractorStudyRunner.Run(Load(Boundary, [.. pinv, "boundary.updates=[tanh]", "boundary.gain=4"]), folder.Combine("alone"), CPU);
        Assert.Equal(tanh, Convert.ToInt32(alone.Summary["n32_pseudo_inverse_tanh_p"]));
        var low = AttractorStudyRunner.Run(Load(Boundary, [.. pinv, "boundary.updates=[tanh]", "boundary.gain=2"]), folder.Combine("low"), CPU);
        Assert.Equal(0, Convert.ToInt32(low.Summary["n32_pseudo_inverse_tanh_p"]));
        static double LeastRetention(string run) => Evaluations(run).Single(e => e["memories"]!.GetValue<int>() == 3)["min_retention"]!.GetValue<double>();
        Assert.InRange(LeastRetention(folder.Combine("alone")), 0.99, 1);
        Assert.InRange(LeastRetention(folder.Combine("low")), 0, 0.98);
    }

    [Fact]
    public void The_capacity_table_sits_beside_the_seed_figures_with_flat_summary_keys()
    {
        var study = Load(Capacity, "network.neurons=64", "capacity.memories=[5, 7]", "training.log_every=1");
        using var folder = new TempFolder();
        var result = AttractorStudyRunner.Run(study, folder.Combine("run"), CPU);
        var table = result.Tables[0];
        Assert.Equal("5", table.Rows[0][0]);
        Assert.Equal("291", table.Rows[0][table.Columns.ToList().IndexOf("seed: epoch")]);
        Assert.Equal("", table.Rows[1][table.Columns.ToList().IndexOf("seed: epoch")]);      // the seed has no P = 7
        foreach (string key in new[] { "p5_converged", "p5_epoch", "p5_reaction", "p5_retention", "p5_wall_s", "p7_status" })
            Assert.True(result.Summary.ContainsKey(key), key);
        Assert.Equal(3 * 2, File.ReadAllLines(Path.Combine(result.Directory, "metrics.jsonl")).Length);   // 3 epochs x 2 nets
    }

    [Fact]
    public void Keys_are_bound_with_defaults_and_resolved()
    {
        var study = Load(Capacity);
        Assert.Equal(AttractorStudyKind.Capacity, study.Kind);
        Assert.Equal(16, study.Network.Neurons);
        Assert.Equal(Activation.Tanh, study.Network.Activation);
        Assert.Equal(0.99, study.Training.ConvergenceThreshold);
        Assert.Equal([2, 3], ((CapacityOptions)study.Options).Memories);
        string yaml = study.Resolved().ToYaml();
        Assert.Contains("convergence_epochs: 20", yaml);
        Assert.Contains("regimen: cyclic", yaml);
        Assert.DoesNotContain("boundary", yaml);
    }

    [Fact]
    public void Mistakes_name_the_key()
    {
        Assert.Equal("training.epoch: unknown key; did you mean training.epochs?", Error(Capacity, "training.epoch=5"));
        Assert.Equal("network.activation: expected one of tanh, relu, linear, sigmoid, got \"swish\"", Error(Capacity, "network.activation=swish"));
        Assert.Equal("training.epochs: expected a whole number >= 1, got 0.", Error(Capacity, "training.epochs=0"));
        Assert.Equal("capacity.memories: expected a list with at least one entry, got [].", Error(Capacity, "capacity.memories=[]"));
        Assert.Equal("network.connectivity: expected a number in (0, 1], got 0.", Error(Capacity, "network.connectivity=0"));
        Assert.Equal("study: unknown study \"capacty\"; did you mean capacity?", Error(Capacity.Replace("study: capacity", "study: capacty")));
        Assert.Equal("study.yaml: study: missing; choose one of capacity, activations, basins, classical, boundary, modern.",
            Error(Capacity.Replace("study: capacity", "")));
        Assert.Equal("boundary: this section belongs to study boundary, but the file says study: capacity; remove it or change study.",
            Error(Capacity, "boundary.trials=3"));
        Assert.Equal("netwrok: unknown key; did you mean network?", Error(Capacity.Replace("network:", "netwrok:")));
        Assert.StartsWith("classical.rules: expected weight-matrix rules", Error(Capacity.Replace("study: capacity", "study: classical").Replace("capacity:", "classical:").Replace("memories: [2, 3]", "rules: [modern]")));
        Assert.StartsWith("classical.rules: expected weight-matrix rules", Error(Capacity.Replace("study: capacity", "study: classical").Replace("capacity:", "classical:").Replace("memories: [2, 3]", "rules: [dense]")));
        Assert.Equal("boundary.dense_threshold: expected an overlap in [0, 1), got 1.",
            Error(Capacity.Replace("study: capacity", "study: boundary").Replace("capacity:", "boundary:").Replace("memories: [2, 3]", "rules: [dense]"), "boundary.dense_threshold=1"));
    }
}
