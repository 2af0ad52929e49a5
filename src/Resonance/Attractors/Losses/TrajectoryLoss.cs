using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>Trajectory training: every state a cue visits on a free-running step is taken as a fixed input, and the next local
/// field is asked to point at the cue's memory with a margin; no gradient runs back through time.</summary>
/// <remarks>
/// <code>
/// cueLoss = mean_{t, i} relu(κ − m_i (W_self h_{t−1})_i)²,   h_{t−1} detached, t = 1..R
/// κ = training.clean_margin (default 3) for a clean cue, training.cue_margin (default κ) for a corrupted one
/// </code>
/// It replaces both the clean and the corrupted terms of the basin loss.
/// </remarks>
/// <param name="training">Its margins and cue weights.</param>
internal sealed class TrajectoryLoss(AttractorTrainingOptions training) : BasinLoss(training)
{
    readonly double cleanMargin = training.CleanMargin ?? 3.0;
    readonly double cueMargin = training.CueMargin ?? training.CleanMargin ?? 3.0;

    public override bool ReadsFields => false;

    protected override Tensor PerCue(AttractorEpochRun run)
    {
        var nets = run.Nets;
        int k = nets.Count, n = nets.Neurons, pMax = nets.MostMemories, retain = nets.RetainSteps;
        long b = run.States.shape[1];
        Tensor visited = run.States.detach().narrow(2, nets.PresentSteps - 1, retain).reshape(k, b * retain, n);   // (K, B R, N): h_{t-1}
        Tensor next = bmm(visited, nets.Model.SelfWeights().transpose(1, 2)).reshape(k, b, retain, n);             // (K, B, R, N)
        Tensor asked = cat([full([k, pMax, 1, 1], cleanMargin, device: next.device), full([k, Copies * pMax, 1, 1], cueMargin, device: next.device)], 1);
        return (asked - next * run.Targets.unsqueeze(2)).relu().square().mean([2, 3]);                             // (K, B)
    }
}
