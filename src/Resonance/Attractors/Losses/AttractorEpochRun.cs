using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>
/// One epoch of a batched training as its losses see it: the nets, the cues they were shown, what the cues did, and the
/// terms every loss shares. Built inside the epoch's dispose scope; every tensor lives until that scope ends.
/// </summary>
/// <remarks>
/// Cue <c>b</c> of net <c>k</c>: the clean memories first (<c>b &lt; Pmax</c>), then, when some net of the batch
/// <see cref="IAttractorLoss.Corrupts"/>, <c>C</c> corrupted copies of each (<c>C</c> = <c>training.noise_cues</c>), so
/// <c>B = Pmax</c> or <c>(1 + C) Pmax</c>. The shared terms:
/// <code>
/// optionA    = (1 - retention) + (1 - reaction)            of the clean cues
/// fixedPoint = mean_i (f(W_self m)_i - m_i)²
/// weightNorm = ‖L‖² + ‖W_input‖²
/// </code>
/// </remarks>
internal sealed class AttractorEpochRun
{
    /// <summary>Runs the nets from <paramref name="cues"/>.</summary>
    /// <param name="nets">The stack and its padded memories.</param>
    /// <param name="memoryWeights">Each net's weight of each memory in the clean loss, <c>(K, Pmax)</c>.</param>
    /// <param name="gamma">Each net's fixed-point weight, <c>(K)</c>.</param>
    /// <param name="l2">Each net's L2 penalty, <c>(K)</c>.</param>
    /// <param name="cues">The cues shown, <c>(K, B, N)</c>.</param>
    /// <param name="targets">The memory of each cue, <c>(K, B, N)</c>.</param>
    /// <param name="withFields">Whether to keep the free-running steps' local fields.</param>
    public AttractorEpochRun(AttractorNets nets, Tensor memoryWeights, Tensor gamma, Tensor l2, Tensor cues, Tensor targets, bool withFields)
    {
        Nets = nets;
        MemoryWeights = memoryWeights;
        Gamma = gamma;
        L2 = l2;
        Cues = cues;
        Targets = targets;
        (States, FreeFields) = withFields
            ? nets.Model.RunWithFields(cues, nets.PresentSteps, nets.RetainSteps)                             // (K, B, T, N), (K, B, R, N)
            : (nets.Model.Run(cues, nets.PresentSteps, nets.RetainSteps), null);
        Measures = Overlaps.Measure(Overlaps.Of(States, targets), nets.PresentSteps);
        CleanReaction = Measures.Reaction.narrow(1, 0, nets.MostMemories);                                       // (K, Pmax)
        CleanRetention = Measures.Retention.narrow(1, 0, nets.MostMemories);
        // The shared terms, made once and before any loss: autograd sums the gradients reaching the weights in the order
        // their graphs were made, and this order is the one the golden runs were recorded with.
        OptionA = (1 - CleanRetention) + (1 - CleanReaction);                                                      // (K, Pmax)
        FixedPoint = nets.Model.FixedPointResidual(nets.Memories).square().mean([-1]);                              // (K, Pmax)
        WeightNorm = nets.Model.Recurrent.square().sum([1, 2]) + nets.Model.Input.square().sum([1, 2]);            // (K)
    }

    /// <summary>The stack and its padded memories.</summary>
    public AttractorNets Nets { get; }

    /// <summary>Each net's weight of each memory in the clean loss, <c>(K, Pmax)</c>; a net's row sums to 1.</summary>
    public Tensor MemoryWeights { get; }

    /// <summary>Each net's fixed-point weight <c>gamma</c>, <c>(K)</c>.</summary>
    public Tensor Gamma { get; }

    /// <summary>Each net's L2 penalty, <c>(K)</c>.</summary>
    public Tensor L2 { get; }

    /// <summary>The cues shown, <c>(K, B, N)</c>.</summary>
    public Tensor Cues { get; }

    /// <summary>The memory of each cue, <c>(K, B, N)</c>.</summary>
    public Tensor Targets { get; }

    /// <summary>States after every step, <c>(K, B, T, N)</c>.</summary>
    public Tensor States { get; }

    /// <summary>Local fields of the free-running steps, <c>(K, B, R, N)</c>; null unless some loss of the batch reads them.</summary>
    public Tensor? FreeFields { get; }

    /// <summary>Reaction and retention of every cue against its target, <c>(K, B)</c>.</summary>
    public RetrievalMeasures Measures { get; }

    /// <summary>Reaction of the clean cues, <c>(K, Pmax)</c>.</summary>
    public Tensor CleanReaction { get; }

    /// <summary>Retention of the clean cues, <c>(K, Pmax)</c>.</summary>
    public Tensor CleanRetention { get; }

    /// <summary>Option A of the clean cues, <c>(1 - retention) + (1 - reaction)</c>, <c>(K, Pmax)</c>.</summary>
    public Tensor OptionA { get; }

    /// <summary>The fixed-point loss of every memory, <c>mean_i (f(W_self m)_i - m_i)²</c>, <c>(K, Pmax)</c>.</summary>
    public Tensor FixedPoint { get; }

    /// <summary><c>‖L‖² + ‖W_input‖²</c>, <c>(K)</c>.</summary>
    public Tensor WeightNorm { get; }

    /// <summary><see cref="FreeFields"/> for a loss that <see cref="IAttractorLoss.ReadsFields"/>; an error when they were not kept.</summary>
    public Tensor Fields => FreeFields ?? throw new InvalidOperationException("the free-running fields were not kept: the loss must declare ReadsFields");

    /// <summary>The figures the trainer decides on, before the update: per net its loss, clean reaction and retention (means
    /// over its memories) and the largest state magnitude.</summary>
    /// <param name="loss">Every net's loss, <c>(K)</c>.</param>
    /// <returns><c>(K, 4)</c>, row-major.</returns>
    public float[] Figures(Tensor loss)
    {
        Tensor reaction = Overlaps.MaskedMean(CleanReaction.detach(), Nets.Mask);
        Tensor retention = Overlaps.MaskedMean(CleanRetention.detach(), Nets.Mask);
        Tensor largest = States.detach().abs().amax([1, 2, 3]);                                                // (K)
        return stack([loss.detach(), reaction, retention, largest], 1).cpu().data<float>().ToArray();
    }
}
