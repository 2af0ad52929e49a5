using System.Runtime.InteropServices;
using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>
/// <c>K</c> memories of one <see cref="AttractorLabRule"/>, stepped one update at a time so the lab can show every step.
/// Each update is the library's own (<see cref="HopfieldDynamics"/>, <see cref="DenseHopfield"/>, <see cref="ModernHopfield"/>);
/// nothing here learns anything new. Lives on the lab thread.
/// </summary>
/// <remarks>
/// Energy: <c>E(h) = -½ hᵀ W h</c> (<see cref="HopfieldDynamics.Energy"/>) for the weight-matrix rules, whose weights are all
/// symmetric; the constructed dense memory's <c>−(N/2) Σ_μ relu(ξ_μ·v/N − θ)²</c> (<see cref="DenseHopfield.Energy"/>); none for
/// the learned dense memory and the modern update.
/// </remarks>
internal sealed class AttractorLabNet : IDisposable
{
    readonly Tensor memories, mask;          // (K, P, N), (K, P)
    readonly Tensor? weights;                // (K, N, N) for the weight-matrix rules
    readonly DenseWeights? dense;
    readonly Generator? order;
    readonly AttractorLabOptions options;

    AttractorLabNet(AttractorLabRule rule, AttractorLabOptions options, Tensor memories, Tensor mask, Tensor? weights, DenseWeights? dense)
    {
        Rule = rule;
        this.options = options;
        this.memories = memories;
        this.mask = mask;
        this.weights = weights;
        this.dense = dense;
        if (weights is not null && options.Update == HopfieldUpdate.AsyncSign)
            order = RandomStreams.Generator(RandomStreams.Derive(options.Seed, $"lab.order.{rule}"));
    }

    public AttractorLabRule Rule { get; }

    /// <summary>Whether <see cref="Energy"/> gives a value.</summary>
    public bool HasEnergy => weights is not null || Rule == AttractorLabRule.Dense;

    /// <summary>Builds the memories of <paramref name="rule"/> for <c>K</c> sets of memories.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="options">Dynamics, seed, epochs.</param>
    /// <param name="memories"><c>(K, P, N)</c> in {-1, +1}, padded with zero rows; copied.</param>
    /// <param name="mask"><c>(K, P)</c>, 1 = real memory; copied.</param>
    /// <param name="device">Where the nets live.</param>
    /// <param name="progress">Told after each training epoch of a learned net.</param>
    /// <param name="cancel">Stops a training after the current epoch.</param>
    /// <exception cref="UserInputException">The rule cannot store these memories (a singular overlap matrix).</exception>
    public static AttractorLabNet Build(AttractorLabRule rule, AttractorLabOptions options, Tensor memories, Tensor mask, Device device,
        IProgress<AttractorTrainingProgress>? progress, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var x = memories.to(float32).to(device).clone();
        var m = mask.to(float32).to(device).clone();
        Tensor? weights = null;
        DenseWeights? dense = null;
        try
        {
            switch (rule)
            {
                case AttractorLabRule.Modern:
                    break;
                case AttractorLabRule.Dense:
                    dense = DenseHopfield.Construct(x, m);
                    break;
                case AttractorLabRule.LearnedDense:
                    dense = Learn(options, x, m, device, progress, cancel);
                    break;
                default:
                    weights = rule switch
                    {
                        AttractorLabRule.Hebbian => ClassicalRules.Hebbian(x, m),
                        AttractorLabRule.Storkey => ClassicalRules.Storkey(x, m),
                        AttractorLabRule.PseudoInverse => ClassicalRules.PseudoInverse(x, m),
                        AttractorLabRule.Projection => ClassicalRules.Projection(x, m),
                        _ => ClassicalRules.Dreaming(x, m, ClassicalRules.DefaultDreamTime),
                    };
                    if (!weights.isfinite().all().item<bool>()) throw new ExternalException("weights not finite");
                    break;
            }
        }
        catch (ExternalException e) when (!HeldScalars.IsScalarFault(e))                // that fault is not the memories' doing: it stays itself
        {
            throw new UserInputException($"memories: the {Name(rule)} rule cannot store these {memories.shape[1]} memories (their overlap matrix is singular); use fewer memories or another rule.");
        }
        // The net owns its tensors (disposed with it), whatever scope its caller is in.
        x.DetachFromDisposeScope();
        m.DetachFromDisposeScope();
        weights?.DetachFromDisposeScope();
        if (dense is not null)
            foreach (var t in new[] { dense.Listen, dense.Bias, dense.Drive }) t.DetachFromDisposeScope();
        return new AttractorLabNet(rule, options, x, m, weights, dense);
    }

    /// <summary>One dense memory per set, learned by <see cref="DenseTrainer"/> from the sets' real rows (one batched program).</summary>
    static DenseWeights Learn(AttractorLabOptions options, Tensor memories, Tensor mask, Device device, IProgress<AttractorTrainingProgress>? progress, CancellationToken cancel)
    {
        int k = (int)memories.shape[0], n = (int)memories.shape[2];
        float[] counts = mask.sum(1).cpu().data<float>().ToArray();
        var plans = Enumerable.Range(0, k).Select(i => new DenseNetPlan($"set{i}", memories[i].narrow(0, 0, (long)counts[i]), RandomStreams.Derive(options.Seed, $"lab.learned.{i}"))).ToList();
        var training = new AttractorTrainingOptions { Epochs = options.Epochs, Lr = 0.01, NoiseCues = 8, NoiseFlipMin = 0.2, NoiseFlipMax = 0.4, LogEvery = options.Epochs };
        var result = DenseTrainer.Train(plans, n, 2 * n, DenseHopfield.DefaultGain, training, device, progress: progress, cancellation: cancel);
        return result.Weights;
    }

    /// <summary>One update of every state.</summary>
    /// <param name="states"><c>(K, B, N)</c>.</param>
    /// <returns><c>(K, B, N)</c>; the caller disposes it.</returns>
    public Tensor Step(Tensor states)
    {
        using var scope = NewDisposeScope();
        Tensor next = Rule switch
        {
            AttractorLabRule.Modern => ModernHopfield.Retrieve(memories, mask, states, options.ModernBeta),
            AttractorLabRule.Dense or AttractorLabRule.LearnedDense => DenseHopfield.Run(dense!, states, 1).squeeze(2),
            _ => options.Update switch
            {
                HopfieldUpdate.Sign => HopfieldDynamics.SignKeepingZero(bmm(states, weights!.transpose(1, 2)), states),
                HopfieldUpdate.Tanh => bmm(states, weights!.transpose(1, 2)).mul_(HeldScalars.Of(options.Gain)).tanh_(),
                _ => HopfieldDynamics.Sweep(weights!, states, order!),
            },
        };
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>The energy of every state, <c>(K, B)</c>, or null where the rule has none.</summary>
    public Tensor? Energy(Tensor states)
    {
        if (weights is not null) return HopfieldDynamics.Energy(weights, states);
        if (Rule == AttractorLabRule.Dense) return DenseHopfield.Energy(memories, mask, states);
        return null;
    }

    /// <summary>Overlap of every state with every stored memory, <c>m^μ · h / N</c>, <c>(K, B, P)</c>.</summary>
    public Tensor Overlaps(Tensor states)
    {
        using var scope = NewDisposeScope();
        return bmm(states, memories.transpose(1, 2)).div_(HeldScalars.Of(memories.shape[2])).MoveToOuterDisposeScope();
    }

    public static string Name(AttractorLabRule rule) => Experiments.ConfigBinder.SnakeCase(rule.ToString()).Replace('_', '-');

    public void Dispose()
    {
        memories.Dispose();
        mask.Dispose();
        weights?.Dispose();
        dense?.Dispose();
        order?.Dispose();
    }
}
