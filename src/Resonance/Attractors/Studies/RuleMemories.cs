using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>Turns a <see cref="MemoryRule"/> into something to train or to test, the same way in every study.</summary>
internal static class RuleMemories
{
    public static bool IsLearned(MemoryRule rule) => rule is MemoryRule.Learned or MemoryRule.LearnedNoisy or MemoryRule.LearnedBasin;

    public static string Name(MemoryRule rule) => CapacityStudy.ConfigName(rule);

    public static ClassicalRule Classical(MemoryRule rule) => rule switch
    {
        MemoryRule.Hebbian => ClassicalRule.Hebbian,
        MemoryRule.Storkey => ClassicalRule.Storkey,
        MemoryRule.PseudoInverse => ClassicalRule.PseudoInverse,
        MemoryRule.Projection => ClassicalRule.Projection,
        MemoryRule.Dreaming => ClassicalRule.Dreaming,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "not a classical rule"),
    };

    /// <summary>A learned net of the study, built and trained with the rule's settings (<see cref="AttractorStudy.NetworkFor"/>,
    /// <see cref="AttractorStudy.TrainingFor"/>): <c>learned</c> follows its training section's regimen, <c>learned-noisy</c> uses the
    /// noisy regimen, <c>learned-basin</c> the basin regimen.</summary>
    public static AttractorNetPlan LearnedPlan(AttractorStudy study, MemoryRule rule, string label, Tensor memories)
    {
        var network = study.NetworkFor(rule);
        var training = study.TrainingFor(rule);
        return new(label, memories, new AttractorNetSpec(RandomStreams.Derive(study.Seed, $"net.{label}"), network.Activation, network.Symmetric),
            rule switch { MemoryRule.LearnedNoisy => Regimen.Noisy, MemoryRule.LearnedBasin => Regimen.Basin, _ => training.Regimen }, training.FixedPointWeight, training.L2);
    }

    /// <summary>The learned rules of <paramref name="rules"/> in groups that can share one batched program: the rules with no
    /// settings of their own together, each rule with <c>per_rule</c> settings alone.</summary>
    public static IEnumerable<IReadOnlyList<MemoryRule>> TrainingGroups(AttractorStudy study, IEnumerable<MemoryRule> rules)
    {
        var learned = rules.Where(IsLearned).Distinct().ToList();
        var shared = learned.Where(r => !study.PerRule.ContainsKey(r)).ToList();
        if (shared.Count > 0) yield return shared;
        foreach (var rule in learned.Where(study.PerRule.ContainsKey)) yield return [rule];
    }

    /// <summary>Whether a rule is one memory per net with no weight matrix to run under different updates (modern, dense).</summary>
    public static bool IsNetworkOfItsOwn(MemoryRule rule) => rule is MemoryRule.Modern or MemoryRule.Dense or MemoryRule.LearnedDense;

    /// <summary>Learns a <c>learned-dense</c> memory per net with the rule's settings; <paramref name="nets"/> are (label, memories <c>(P, N)</c>).</summary>
    public static DenseTrainingResult TrainDense(StudyContext context, IReadOnlyList<(string Label, Tensor Memories)> nets, int neurons, double gain, string stage,
        IReadOnlyDictionary<string, object?>? logFields = null)
    {
        var study = context.Study;
        var plans = nets.Select(net => new DenseNetPlan(net.Label, net.Memories, RandomStreams.Derive(study.Seed, $"net.{net.Label}"))).ToList();
        var training = study.TrainingFor(MemoryRule.LearnedDense);
        return DenseTrainer.Train(plans, neurons, study.NetworkFor(MemoryRule.LearnedDense).HiddenFor(neurons), gain, training, context.Device,
            context.Log("train", logFields), context.TrainingProgress(stage), context.Cancellation);
    }

    /// <summary>How <c>learned-dense</c> is trained, in a few words for a table's notes.</summary>
    public static string DescribeDenseTraining(AttractorStudy study, IReadOnlyList<int> neurons, double gain)
    {
        var network = study.NetworkFor(MemoryRule.LearnedDense);
        var training = study.TrainingFor(MemoryRule.LearnedDense);
        string hidden = network.HiddenNeurons > 0 ? $"{network.HiddenNeurons} hidden neurons (network.hidden_neurons)"
            : $"2 N hidden neurons ({string.Join(", ", neurons.Select(n => $"{2 * n} at N = {n}"))})";
        return $"learned-dense: {hidden}, tied weights (drive = {OptionChecks.Format(gain)} x listenᵀ) from random ones, " +
            $"one-step denoising loss on the clean memories and {training.NoiseCues} cues each with U({OptionChecks.Format(training.NoiseFlipMin)}, {OptionChecks.Format(training.NoiseFlipMax)}) of bits flipped, " +
            $"{training.Epochs} epochs at lr {OptionChecks.Format(training.Lr)}";
    }

    /// <summary>How a learned rule is trained, in a few words for a table's notes.</summary>
    public static string DescribeTraining(AttractorStudy study, MemoryRule rule)
    {
        var network = study.NetworkFor(rule);
        var training = study.TrainingFor(rule);
        string regimen = rule switch { MemoryRule.LearnedNoisy => "noisy", MemoryRule.LearnedBasin => "basin", _ => CapacityStudy.ConfigName(training.Regimen) };
        string loss = rule == MemoryRule.LearnedBasin ? $", cue loss {CapacityStudy.ConfigName(training.CueLoss)}" : "";
        string start = network.Init == AttractorInit.Random ? "" : $", from {CapacityStudy.ConfigName(network.Init)} x {OptionChecks.Format(network.InitGain)}";
        return $"{Name(rule)}: {regimen} regimen{loss}{start}, {training.Epochs} epochs at lr {OptionChecks.Format(training.Lr)}";
    }

    /// <summary>The memory of a non-learned rule for <c>K</c> nets; the returned tensors (weights) are the caller's to dispose.</summary>
    /// <param name="rule">A classical rule, <see cref="MemoryRule.Modern"/> or <see cref="MemoryRule.Dense"/>.</param>
    /// <param name="memories"><c>(K, P, N)</c>.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    /// <param name="update">Dynamics of weight-matrix rules.</param>
    /// <param name="gain">Gain of tanh dynamics.</param>
    /// <param name="steps">Free-running steps of weight-matrix rules.</param>
    /// <param name="beta">β of the modern memory.</param>
    /// <param name="orderSeed">Seed of asynchronous update orders.</param>
    /// <param name="dreamTime">Dreaming time of the dreaming rule.</param>
    /// <param name="dense">Threshold and gain of the dense memory.</param>
    public static (IAssociativeMemory Memory, Tensor? Weights) Fixed(MemoryRule rule, Tensor memories, Tensor mask, HopfieldUpdate update, double gain, int steps, double beta, long orderSeed,
        double dreamTime = ClassicalRules.DefaultDreamTime, (double Threshold, double Gain)? dense = null)
    {
        if (rule == MemoryRule.Modern) return (new ModernMemory(memories, mask, beta), null);
        if (rule == MemoryRule.Dense)
        {
            var (threshold, denseGain) = dense ?? (DenseHopfield.DefaultThreshold, DenseHopfield.DefaultGain);
            return (new DenseMemory(DenseHopfield.Construct(memories, mask, threshold, denseGain), steps), null);   // its tensors live in the caller's dispose scope
        }
        Tensor weights = rule == MemoryRule.Dreaming ? ClassicalRules.Dreaming(memories, mask, dreamTime) : ClassicalRules.Entry(Classical(rule)).Weights(memories, mask);
        return (new WeightMemory(weights, update, steps, gain, orderSeed), weights);
    }

    /// <summary>A theory line for a rule at size <paramref name="n"/>, as a load P/N, with its source; null where none applies.</summary>
    public static (double Load, string Source)? Theory(MemoryRule rule, int n) => rule switch
    {
        MemoryRule.Hebbian => (0.138, "Amit, Gutfreund & Sompolinsky 1985: 0.138 N (retrieval with ~1.5% errors, no basin requirement)"),
        MemoryRule.Storkey => (1 / Math.Sqrt(2 * Math.Log(n)), "Storkey 1997: N / sqrt(2 ln N) (fixed points)"),
        MemoryRule.PseudoInverse or MemoryRule.Projection => (1.0, "Personnaz et al. 1985: P < N fixed points (basins vanish as P -> N)"),
        MemoryRule.Dreaming => (1.0, "Fachechi, Agliari & Barra 2019: retrieval up to P = N as the dreaming time grows"),
        MemoryRule.Learned or MemoryRule.LearnedNoisy or MemoryRule.LearnedBasin => (2.0, "Gardner 1988: 2 N for sign-stable fixed points (no basin requirement, free couplings)"),
        _ => null,
    };
}
