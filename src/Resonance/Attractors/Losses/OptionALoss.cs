using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>The seed's loss: option A of the clean cues plus the fixed-point loss, over one memory per epoch in turn (cyclic)
/// or all memories averaged (batch).</summary>
/// <remarks>
/// <code>
/// loss = Σ_μ w_μ ((1 - retention_μ) + (1 - reaction_μ) + gamma · mean_i (f(W_self m_μ)_i - m_μ,i)²) + l2 · (‖L‖² + ‖W_input‖²)
/// </code>
/// with <c>w_μ = 1</c> for memory <c>(e - 1) mod P</c> in epoch <c>e</c> and 0 for the others (cyclic), or <c>1/P</c> (batch).
/// </remarks>
/// <param name="oneMemoryPerEpoch">Cyclic: epoch <c>e</c> trains memory <c>(e - 1) mod P</c> alone.</param>
internal sealed class OptionALoss(bool oneMemoryPerEpoch) : IAttractorLoss
{
    public bool Corrupts => false;

    public bool ReadsFields => false;

    public bool ByGradient => true;

    public float MemoryWeight(int epoch, int memory, int count) =>
        oneMemoryPerEpoch ? (memory == (epoch - 1) % count ? 1 : 0) : 1f / count;

    public Tensor Loss(AttractorEpochRun run) => Of(run);

    /// <summary>The loss above for every net of <paramref name="run"/>, <c>(K)</c>.</summary>
    internal static Tensor Of(AttractorEpochRun run) =>
        (run.MemoryWeights * (run.OptionA + run.Gamma.unsqueeze(1) * run.FixedPoint)).sum([1]) + run.L2 * run.WeightNorm;
}
