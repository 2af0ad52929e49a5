using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>
/// One Adam over a stack's weights <c>(K, N, N)</c> in which nets stay independent: each net's gradient is clipped alone, and
/// a net that stopped is held at the weights it was frozen with (its gradient zeroed, its weights restored after every step).
/// </summary>
internal sealed class StackedAdam : IDisposable
{
    readonly AttractorRnn model;
    readonly double clipGradNorm;
    readonly optim.Optimizer optimizer;
    readonly Tensor frozenRecurrent, frozenInput;                                                                   // (K, N, N)

    /// <param name="model">The stack; its weights as they are now are every net's frozen weights until <see cref="Freeze"/>.</param>
    /// <param name="training">Its <c>lr</c> and <c>clip_grad_norm</c>.</param>
    public StackedAdam(AttractorRnn model, AttractorTrainingOptions training)
    {
        this.model = model;
        clipGradNorm = training.ClipGradNorm;
        optimizer = optim.Adam([model.Recurrent, model.Input], training.Lr);
        frozenRecurrent = model.Recurrent.detach().clone();
        frozenInput = model.Input.detach().clone();
    }

    /// <summary>Holds net <paramref name="net"/> from now on at its current weights, or at zero.</summary>
    public void Freeze(int net, bool atZero)
    {
        using var noGrad = no_grad();
        int n = model.Neurons;
        frozenRecurrent[net].copy_(atZero ? zeros(n, n) : model.Recurrent[net]);
        frozenInput[net].copy_(atZero ? zeros(n, n) : model.Input[net]);
    }

    /// <summary>Puts every net back at its frozen weights.</summary>
    public void Restore()
    {
        using var noGrad = no_grad();
        model.Recurrent.copy_(frozenRecurrent);
        model.Input.copy_(frozenInput);
    }

    /// <summary>One step on the summed loss of the active nets; the others keep their frozen weights.</summary>
    /// <param name="loss">Every net's loss, <c>(K)</c>.</param>
    /// <param name="active">Per net, whether it still trains.</param>
    public void Step(Tensor loss, bool[] active)
    {
        int k = active.Length;
        Tensor activeNets = tensor(active, device: loss.device);                                                    // (K)
        Tensor total = where(activeNets, loss, zeros_like(loss)).sum();
        optimizer.zero_grad();
        total.backward();
        if (clipGradNorm > 0)
        {
            // Per net: scale net k's gradient to norm <= clip, so nets stay independent.
            using var noGrad = no_grad();
            using var gr = model.Recurrent.grad!;
            using var gi = model.Input.grad!;
            Tensor norms = (gr.square().sum([1, 2]) + gi.square().sum([1, 2])).sqrt();                            // (K)
            Tensor scale = (clipGradNorm / (norms + 1e-6)).clamp_max(1).reshape(k, 1, 1);
            gr.mul_(scale);
            gi.mul_(scale);
        }
        if (active.All(a => a))
        {
            optimizer.step();
            return;
        }
        Tensor inactive = (~activeNets).reshape(k, 1, 1);
        using (var g = model.Recurrent.grad) g?.masked_fill_(inactive, 0);
        using (var g = model.Input.grad) g?.masked_fill_(inactive, 0);
        optimizer.step();
        using var restore = no_grad();
        model.Recurrent.copy_(where(inactive, frozenRecurrent, model.Recurrent));
        model.Input.copy_(where(inactive, frozenInput, model.Input));
    }

    public void Dispose()
    {
        optimizer.Dispose();
        frozenRecurrent.Dispose();
        frozenInput.Dispose();
    }
}
