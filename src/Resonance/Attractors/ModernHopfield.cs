using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>
/// Modern (dense) Hopfield memory, Ramsauer et al. 2020, "Hopfield Networks is All You Need": one update
/// <code>
/// ξ ← X softmax(β Xᵀ ξ)
/// </code>
/// with the memories the columns of <c>X</c>. Its capacity grows exponentially with <c>N</c>, and at large <c>β</c> one
/// update lands on the memory nearest the cue.
/// </summary>
public static class ModernHopfield
{
    /// <summary>One update for a batch of queries against each net's memories.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, rows are memories; padding rows are ignored through <paramref name="mask"/>.</param>
    /// <param name="mask"><c>(K, P)</c>, 1 = real memory.</param>
    /// <param name="queries"><c>(K, B, N)</c>.</param>
    /// <param name="beta">Inverse temperature <c>β</c> &gt; 0.</param>
    /// <returns>The retrieved states <c>(K, B, N)</c>.</returns>
    public static Tensor Retrieve(Tensor memories, Tensor mask, Tensor queries, double beta)
    {
        using var scope = NewDisposeScope();
        Tensor scores = bmm(queries, memories.transpose(1, 2)).mul_(HeldScalars.Of(beta));                     // (K, B, P): β Xᵀ ξ
        scores = scores.masked_fill(mask.unsqueeze(1).eq(HeldScalars.Of(0.0)), HeldScalars.Of(double.NegativeInfinity));
        return bmm(scores.softmax(-1), memories).MoveToOuterDisposeScope();                // (K, B, N): X softmax(.)
    }
}
