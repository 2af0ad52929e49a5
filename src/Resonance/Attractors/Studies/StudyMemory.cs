using Resonance.Runtime;

namespace Resonance.Attractors.Studies;

/// <summary>
/// The memory an attractor study needs, estimated from its sizes before anything is built, and the refusal of sizes that
/// need more than the machine has (see <see cref="MemoryBudget"/>).
/// </summary>
/// <remarks>
/// A study runs <c>K</c> nets of <c>N</c> neurons as one batched program, memories padded to the largest count <c>P</c>.
/// Per net it holds the recurrent and input weights with their gradients and Adam moments (<c>6 N²</c>), a dense memory's
/// hidden weights (<c>2 N H</c>), the trajectories of every cue kept for the backward pass (<c>2 P C T N</c>, with
/// <c>C = 1 + noise_cues</c> cues per memory and <c>T = present_steps + retain_steps</c>), and the test cues (<c>P R N</c>,
/// <c>R</c> trials):
/// <code>
/// bytes = 4 K (6 N² + 2 N H + 2 P C T N + P R N)
/// </code>
/// The modern study holds no nets: its memories, cues and the similarities of <c>Q = min(queries, P)</c> queries,
/// <c>bytes = 4 (2 P N + 4 Q P + 4 Q N)</c>.
/// </remarks>
public static class StudyMemory
{
    /// <summary>The sizes of one batched program.</summary>
    /// <param name="Neurons"><c>N</c>.</param>
    /// <param name="Memories"><c>P</c>, the largest count.</param>
    /// <param name="Nets"><c>K</c>.</param>
    /// <param name="Trials"><c>R</c>, test cues per memory.</param>
    sealed record Program(double Neurons, double Memories, double Nets, double Trials);

    /// <summary>Estimated bytes of a study with these sections.</summary>
    public static double Bytes(object options, AttractorNetworkOptions network, AttractorTrainingOptions training)
    {
        if (options is ModernOptions modern)
        {
            double p = modern.Memories.Max(), n = modern.Neurons, q = Math.Min(modern.Queries, p);
            return 4.0 * (2 * p * n + 4 * q * p + 4 * q * n);
        }
        var program = ProgramOf(options, network);
        double neurons = program.Neurons, hidden = network.HiddenNeurons > 0 ? network.HiddenNeurons : 2 * neurons;
        double cues = 1.0 + training.NoiseCues, steps = (double)network.PresentSteps + network.RetainSteps;
        double perNet = 6 * neurons * neurons + 2 * neurons * hidden + 2 * program.Memories * cues * steps * neurons
            + program.Memories * program.Trials * neurons;
        return 4.0 * program.Nets * perNet;
    }

    static Program ProgramOf(object options, AttractorNetworkOptions network) => options switch
    {
        CapacityOptions c => new(network.Neurons, c.Memories.Max(), (double)c.Memories.Count * c.Repeats, 1),
        ActivationsOptions a => new(network.Neurons, a.Memories, (double)a.Activations.Count * a.Variants.Count, 1),
        BasinsOptions b => new(network.Neurons, b.Memories.Max(), (double)b.Memories.Count * b.Rules.Count, b.Trials),
        ClassicalOptions c => new(network.Neurons, c.Memories.Max(), (double)c.Memories.Count * c.Rules.Count * c.Updates.Count, c.Trials),
        BoundaryOptions b => new(b.Neurons.Max(), Math.Ceiling(b.LoadGrid.Max() * b.Neurons.Max()),
            (double)Math.Max(b.LoadGrid.Count, b.RefinePoints) * b.Banks, b.Trials),
        _ => throw new ArgumentException($"no memory estimate for {options.GetType().Name}", nameof(options)),
    };

    /// <summary>Refuses a study whose estimate exceeds <paramref name="budgetBytes"/>, checking the shared sections and every
    /// rule's own (<c>per_rule</c>).</summary>
    /// <exception cref="UserInputException">The estimate exceeds the budget; the message names the key out of proportion and the largest value that fits.</exception>
    public static void Ensure(AttractorStudy study, long budgetBytes)
    {
        MemoryBudget.Ensure(Sizes(study.Options, study.Network, study.Training, ""), budgetBytes);
        foreach (var (rule, own) in study.PerRule)
            MemoryBudget.Ensure(Sizes(study.Options, own.Network, own.Training, $"per_rule.{RuleMemories.Name(rule)}."), budgetBytes);
    }

    /// <summary>Every size key of a study, each able to say the bytes with itself at another value.</summary>
    static List<SizeKey> Sizes(object options, AttractorNetworkOptions network, AttractorTrainingOptions training, string prefix)
    {
        SizeKey Network(string key, long value, long typical, long minimum, Func<int, AttractorNetworkOptions> with) =>
            new(prefix + key, value, typical, minimum, v => Bytes(options, with((int)v), training));
        SizeKey Own(string key, long value, long typical, long minimum, Func<int, object> with) =>
            new(key, value, typical, minimum, v => Bytes(with((int)v), network, training));
        static List<int> AtMost(IReadOnlyList<int> values, int most) => [.. values.Select(x => Math.Min(x, most))];

        List<SizeKey> sizes =
        [
            Network("network.present_steps", network.PresentSteps, 5, 1, v => network with { PresentSteps = v }),
            Network("network.retain_steps", network.RetainSteps, 20, 1, v => network with { RetainSteps = v }),
            Network("network.hidden_neurons", network.HiddenNeurons, 128, 0, v => network with { HiddenNeurons = v }),
            new(prefix + "training.noise_cues", training.NoiseCues, 8, 1, v => Bytes(options, network, training with { NoiseCues = (int)v })),
        ];
        if (options is not (BoundaryOptions or ModernOptions))
            sizes.Add(Network("network.neurons", network.Neurons, 64, 2, v => network with { Neurons = v }));
        switch (options)
        {
            case CapacityOptions c:
                sizes.Add(Own("capacity.memories", c.Memories.Max(), 20, 1, v => c with { Memories = AtMost(c.Memories, v) }));
                sizes.Add(Own("capacity.repeats", c.Repeats, 1, 1, v => c with { Repeats = v }));
                break;
            case ActivationsOptions a:
                sizes.Add(Own("activations.memories", a.Memories, 2, 1, v => a with { Memories = v }));
                break;
            case BasinsOptions b:
                sizes.Add(Own("basins.memories", b.Memories.Max(), 12, 1, v => b with { Memories = AtMost(b.Memories, v) }));
                sizes.Add(Own("basins.trials", b.Trials, 8, 1, v => b with { Trials = v }));
                break;
            case ClassicalOptions c:
                sizes.Add(Own("classical.memories", c.Memories.Max(), 20, 1, v => c with { Memories = AtMost(c.Memories, v) }));
                sizes.Add(Own("classical.trials", c.Trials, 8, 1, v => c with { Trials = v }));
                break;
            case BoundaryOptions b:
                sizes.Add(Own("boundary.neurons", b.Neurons.Max(), 256, 4, v => b with { Neurons = AtMost(b.Neurons, v) }));
                sizes.Add(Own("boundary.trials", b.Trials, 8, 1, v => b with { Trials = v }));
                sizes.Add(Own("boundary.banks", b.Banks, 4, 1, v => b with { Banks = v }));
                break;
            case ModernOptions m:
                sizes.Add(Own("modern.neurons", m.Neurons, 64, 2, v => m with { Neurons = v }));
                sizes.Add(Own("modern.memories", m.Memories.Max(), 16384, 1, v => m with { Memories = AtMost(m.Memories, v) }));
                sizes.Add(Own("modern.queries", m.Queries, 512, 1, v => m with { Queries = v }));
                break;
        }
        if (options is ModernOptions) sizes.RemoveAll(size => !size.Key.StartsWith("modern.", StringComparison.Ordinal));
        return sizes;
    }
}
