using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>Noise-aware training: the batch loss of <see cref="OptionALoss"/> plus option A of every memory's corrupted cues,
/// both measured against the clean memory.</summary>
/// <remarks>
/// <code>
/// loss = batch loss + Σ_{μ, c} ((1 - retention~_{μ,c}) + (1 - reaction~_{μ,c})) / (P C)
/// </code>
/// </remarks>
/// <param name="copies"><c>C</c>, corrupted cues per memory (<c>training.noise_cues</c>).</param>
internal sealed class NoisyCueLoss(int copies) : IAttractorLoss
{
    public bool Corrupts => true;

    public bool ReadsFields => false;

    public bool ByGradient => true;

    public float MemoryWeight(int epoch, int memory, int count) => 1f / count;

    public Tensor Loss(AttractorEpochRun run)
    {
        var nets = run.Nets;
        int k = nets.Count, pMax = nets.MostMemories;
        var rows = new float[k * pMax];
        for (int i = 0; i < k; i++)
            for (int b = 0; b < nets.Counts[i]; b++) rows[i * pMax + b] = 1f / (nets.Counts[i] * copies);
        Tensor noisyWeights = tensor(rows, device: nets.Memories.device).reshape(k, 1, pMax);                              // (K, 1, Pmax)
        Tensor noisyRetention = run.Measures.Retention.narrow(1, pMax, copies * pMax), noisyReaction = run.Measures.Reaction.narrow(1, pMax, copies * pMax);
        Tensor noisyTerm = ((1 - noisyRetention) + (1 - noisyReaction)).reshape(k, copies, pMax);                          // (K, C, Pmax)
        return OptionALoss.Of(run) + (noisyWeights * noisyTerm).sum([1, 2]);
    }
}
