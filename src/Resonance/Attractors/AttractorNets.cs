using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>What stays fixed over a batched training: the stack of nets, their memories padded to the largest <c>P</c> with a
/// mask, and the protocol they are run with.</summary>
/// <param name="Model">The stack, <c>K</c> nets.</param>
/// <param name="Memories">Memories padded to the largest <c>P</c>, <c>(K, Pmax, N)</c>.</param>
/// <param name="Mask">1 for a real memory, 0 for padding, <c>(K, Pmax)</c>.</param>
/// <param name="Counts">Each net's <c>P</c>.</param>
/// <param name="PresentSteps">Steps each cue is presented for.</param>
/// <param name="RetainSteps">Free-running steps after it.</param>
internal sealed record AttractorNets(AttractorRnn Model, Tensor Memories, Tensor Mask, int[] Counts, int PresentSteps, int RetainSteps) : IDisposable
{
    /// <summary><c>K</c>.</summary>
    public int Count => Counts.Length;

    /// <summary><c>Pmax</c>.</summary>
    public int MostMemories => (int)Memories.shape[1];

    /// <summary><c>N</c>.</summary>
    public int Neurons => Model.Neurons;

    /// <summary>The planned nets stacked on <paramref name="device"/>, their weights as <paramref name="network"/>'s <c>init</c> says.</summary>
    public static AttractorNets Stack(IReadOnlyList<AttractorNetPlan> plans, AttractorNetworkOptions network, Device device)
    {
        int k = plans.Count, n = network.Neurons;
        int[] counts = plans.Select(p => (int)p.Memories.shape[0]).ToArray();
        int pMax = counts.Max();
        var model = new AttractorRnn(plans.Select(p => p.Spec).ToList(), n, network.InitScale, network.Connectivity, device, network.SelfCoupling);
        Tensor memories = stack(plans.Select(p => nn.functional.pad(p.Memories.to(float32).cpu(), [0, 0, 0, pMax - p.Memories.shape[0]])).ToArray()).to(device); // (K, Pmax, N)
        Tensor mask = stack(counts.Select(c => cat([ones(c), zeros(pMax - c)])).ToArray()).to(device);                                                       // (K, Pmax)
        if (network.Init == AttractorInit.PseudoInverse)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.Recurrent.copy_(ClassicalRules.PseudoInverse(memories, mask) * network.InitGain);
            model.Input.copy_(eye(n, device: device).expand(k, n, n) * network.InitGain);
        }
        return new AttractorNets(model, memories, mask, counts, network.PresentSteps, network.RetainSteps);
    }

    /// <summary>Clean reaction and retention of every net as it stands, each the mean over its memories.</summary>
    /// <returns><c>(K, 2)</c>, row-major.</returns>
    public float[] CleanFigures()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var clean = Overlaps.Measure(Overlaps.Of(Model.Run(Memories, PresentSteps, RetainSteps), Memories), PresentSteps);
        return stack([Overlaps.MaskedMean(clean.Reaction, Mask), Overlaps.MaskedMean(clean.Retention, Mask)], 1).cpu().data<float>().ToArray();
    }

    public void Dispose()
    {
        Model.Dispose();
        Memories.Dispose();
        Mask.Dispose();
    }
}
