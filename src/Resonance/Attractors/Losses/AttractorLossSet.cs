using static TorchSharp.torch;

namespace Resonance.Attractors.Losses;

/// <summary>
/// The losses of one batched training: each net's <see cref="AttractorLosses"/> entry, made once per entry in use, and the
/// per-net weights of the loss (<c>gamma</c>, L2). Each net's loss is the row of its own entry's loss.
/// </summary>
internal sealed class AttractorLossSet : IDisposable
{
    readonly IAttractorLoss[] perNet;
    readonly (IAttractorLoss Loss, bool[] Nets)[] inUse;                                                          // in plan order

    /// <param name="plans">The nets, in stack order; each trains with the entry of its regimen.</param>
    /// <param name="training">The basin regimen's cue loss, and what each entry is made from.</param>
    /// <param name="device">Where the weights live.</param>
    public AttractorLossSet(IReadOnlyList<AttractorNetPlan> plans, AttractorTrainingOptions training, Device device)
    {
        var made = new Dictionary<string, IAttractorLoss>();
        perNet = plans.Select(plan => AttractorLosses.Of(plan.Regimen, training.CueLoss))
            .Select(entry => made.TryGetValue(entry.Name, out var loss) ? loss : made[entry.Name] = entry.Create(training)).ToArray();
        inUse = perNet.Distinct().Select(loss => (loss, perNet.Select(own => own == loss).ToArray())).ToArray();
        if (inUse.Any(use => use.Loss.ByGradient) && inUse.Any(use => !use.Loss.ByGradient))
        {
            Dispose();
            throw new ArgumentException("contrastive basin nets move their weights by hand and cannot share a batch with nets trained by gradient; train them apart");
        }
        Gamma = tensor(plans.Select(p => (float)p.FixedPointWeight).ToArray(), device: device);                         // (K)
        L2 = tensor(plans.Select(p => (float)p.L2).ToArray(), device: device);                                          // (K)
    }

    /// <summary>Net <paramref name="net"/>'s loss.</summary>
    public IAttractorLoss this[int net] => perNet[net];

    /// <summary>Each net's fixed-point weight <c>gamma</c>, <c>(K)</c>.</summary>
    public Tensor Gamma { get; }

    /// <summary>Each net's L2 penalty, <c>(K)</c>.</summary>
    public Tensor L2 { get; }

    /// <summary>Whether Adam trains the batch (every net's loss is <see cref="IAttractorLoss.ByGradient"/>, or none is).</summary>
    public bool ByGradient => perNet[0].ByGradient;

    /// <summary>Whether some net's loss reads the free-running fields.</summary>
    public bool ReadsFields => perNet.Any(loss => loss.ReadsFields);

    /// <summary>Per net, whether its loss shows corrupted cues.</summary>
    public bool[] Corrupting => perNet.Select(loss => loss.Corrupts).ToArray();

    /// <summary>Each net's weight of each memory in epoch <paramref name="epoch"/>'s clean loss, <c>(K, Pmax)</c>.</summary>
    public Tensor MemoryWeights(int epoch, AttractorNets nets)
    {
        int pMax = nets.MostMemories;
        var rows = new float[nets.Count * pMax];
        for (int i = 0; i < nets.Count; i++)
            for (int b = 0; b < nets.Counts[i]; b++) rows[i * pMax + b] = perNet[i].MemoryWeight(epoch, b, nets.Counts[i]);
        return tensor(rows, device: nets.Memories.device).reshape(nets.Count, pMax);
    }

    /// <summary>Every net's loss, each from its own entry.</summary>
    /// <returns><c>(K)</c>.</returns>
    public Tensor Loss(AttractorEpochRun run)
    {
        Tensor loss = inUse[0].Loss.Loss(run);
        foreach (var (other, nets) in inUse.Skip(1))
            loss = where(tensor(nets, device: loss.device), other.Loss(run), loss);
        return loss;
    }

    /// <summary>Moves the active nets' weights by hand (a batch that is not <see cref="ByGradient"/>).</summary>
    public void MoveWeights(AttractorEpochRun run, bool[] active) => perNet[0].MoveWeights(run, active);

    public void Dispose()
    {
        Gamma?.Dispose();
        L2?.Dispose();
        foreach (var (loss, _) in inUse) (loss as IDisposable)?.Dispose();
    }
}
