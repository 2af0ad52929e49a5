using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>
/// Contrastive basin training, no gradient: after each epoch's run, every cue whose read-out bits miss its memory moves the
/// weights away from the attractor it fell into (Hopfield's unlearning, made contrastive); recovered cues change nothing.
/// Its loss, a figure only, is that of <see cref="BasinMarginLoss"/> with the bit-error cue loss.
/// </summary>
/// <remarks>
/// <code>
/// L ← (L + lr · Σ_missed (m mᵀ − s sᵀ) / N) · ‖W_self⁰‖ / ‖W_self‖,   s = signs of the state the cue ended in
/// </code>
/// The memory's energy is lowered and that of the attractor the cue fell into is raised; rescaling to the norm
/// <c>W_self</c> had at the first update holds each net's gain (<c>m mᵀ</c> raises every memory's fields, and a higher gain
/// makes the dynamics sign-like). Nets trained so cannot share a batch with nets trained by gradient.
/// </remarks>
/// <param name="training">Its step size <c>lr</c> and the figure's options.</param>
internal sealed class ContrastiveBasin(AttractorTrainingOptions training) : IAttractorLoss, IDisposable
{
    readonly BasinMarginLoss figure = new(training, wholeCue: false);
    Tensor? startNorm;                                                                                              // (K): ‖W_self‖ at the first update

    public bool Corrupts => true;

    public bool ReadsFields => true;

    public bool ByGradient => false;

    public float MemoryWeight(int epoch, int memory, int count) => figure.MemoryWeight(epoch, memory, count);

    public Tensor Loss(AttractorEpochRun run) => figure.Loss(run);

    public void MoveWeights(AttractorEpochRun run, bool[] active)
    {
        using var noGrad = no_grad();
        var nets = run.Nets;
        var model = nets.Model;
        Tensor ended = MemoryPatterns.Sign(run.States.select(2, -1));                                               // (K, B, N)
        Tensor missed = (ended != run.Targets).any(-1).to(float32) * nets.Mask.repeat(1, 1 + training.NoiseCues)
            * tensor(active, device: nets.Mask.device).to(float32).unsqueeze(1);                                     // (K, B)
        Tensor m = run.Targets * missed.unsqueeze(-1), sMissed = ended * missed.unsqueeze(-1);
        Tensor delta = (bmm(m.transpose(1, 2), m) - bmm(sMissed.transpose(1, 2), ended)) * (training.Lr / nets.Neurons); // (K, N, N), symmetric
        startNorm ??= model.SelfWeights().square().sum([1, 2]).sqrt().DetachFromDisposeScope();
        model.Recurrent.add_(delta);
        Tensor norm = model.SelfWeights().square().sum([1, 2]).sqrt();
        model.Recurrent.mul_((startNorm / norm).reshape(nets.Count, 1, 1));
    }

    public void Dispose() => startNorm?.Dispose();
}
