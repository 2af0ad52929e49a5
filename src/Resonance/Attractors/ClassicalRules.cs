using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>The classical one-shot learning rules (YAML names <c>hebbian</c>, <c>storkey</c>, <c>pseudo-inverse</c>, <c>projection</c>, <c>dreaming</c>).</summary>
public enum ClassicalRule { Hebbian, Storkey, PseudoInverse, Projection, Dreaming }

/// <summary>One classical rule: its name in files and tables, what it is, and how it makes weights.</summary>
/// <param name="Rule">Its key.</param>
/// <param name="Name">As written in study files and tables.</param>
/// <param name="Description">One line, with the source.</param>
/// <param name="Weights">Memories <c>(K, P, N)</c> and their mask <c>(K, P)</c> (1 = real, 0 = padding) to weights <c>(K, N, N)</c>.</param>
/// <param name="ZeroDiagonal">Whether the rule's weights have a zero diagonal (then the Hopfield energy never rises under asynchronous sign updates).</param>
public sealed record ClassicalRuleEntry(ClassicalRule Rule, string Name, string Description, Func<Tensor, Tensor, Tensor> Weights, bool ZeroDiagonal);

/// <summary>
/// Hebbian, Storkey and pseudo-inverse weights for ±1 memories, batched over a leading net dimension (memories padded
/// with zero rows and a mask). Every rule gives a symmetric <c>W</c>; the study tables use <see cref="Catalogue"/>.
/// </summary>
public static class ClassicalRules
{
    /// <summary>Every rule, one row each.</summary>
    public static readonly IReadOnlyList<ClassicalRuleEntry> Catalogue =
    [
        new(ClassicalRule.Hebbian, "hebbian", "Hopfield (1982): W = (1/N) Σ_μ m^μ m^μᵀ, zero diagonal; capacity ≈ 0.138 N.", Hebbian, true),
        new(ClassicalRule.Storkey, "storkey", "Storkey (1997): incremental, local, subtracts each neuron's crosstalk field; capacity ≈ N / √(2 ln N).", Storkey, true),
        new(ClassicalRule.PseudoInverse, "pseudo-inverse", "Kanter & Sompolinsky (1987): projection onto the memories' span, diagonal removed; every memory a fixed point up to P < N.", PseudoInverse, true),
        new(ClassicalRule.Projection, "projection", "Personnaz et al. (1985): W = X (XᵀX)⁻¹ Xᵀ with its diagonal; W m = m exactly, small basins.", Projection, false),
        new(ClassicalRule.Dreaming, "dreaming", $"Fachechi, Agliari & Barra (2019): W = (1/N) X (1 + t)(I + t C)⁻¹ Xᵀ, C = XᵀX / N, diagonal removed, t = {DefaultDreamTime}; Hebbian at t = 0, the pseudo-inverse as t → ∞.",
            (memories, mask) => Dreaming(memories, mask, DefaultDreamTime), true),
    ];

    /// <summary>The dreaming time of the catalogue's <c>dreaming</c> row: the best of t = 1, 3, 10, 30 for 30%-flip cues at N = 64 and 128.</summary>
    public const double DefaultDreamTime = 10;

    /// <summary>The catalogue row of <paramref name="rule"/>.</summary>
    public static ClassicalRuleEntry Entry(ClassicalRule rule) => Catalogue.Single(e => e.Rule == rule);

    /// <summary>Hebbian weights <c>W_ij = (1/N) Σ_μ m^μ_i m^μ_j</c>, <c>W_ii = 0</c>.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    /// <returns><c>(K, N, N)</c>.</returns>
    public static Tensor Hebbian(Tensor memories, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long n = memories.shape[^1];
        Tensor x = memories * mask.unsqueeze(-1);                      // (K, P, N)
        Tensor w = bmm(x.transpose(1, 2), x).div_(HeldScalars.Of(n));   // (K, N, N)
        return ZeroDiagonalOf(w).MoveToOuterDisposeScope();
    }

    /// <summary>Storkey's rule, memory by memory:
    /// <c>ΔW_ij = (1/N)(m_i m_j - m_i h_ji - h_ij m_j)</c>, <c>h_ij = Σ_{k≠i,j} W_ik m_k</c>, diagonal kept at zero.</summary>
    /// <remarks>With a symmetric zero-diagonal <c>W</c> and <c>a = W m</c> this is <c>ΔW = (1/N)(m mᵀ - m aᵀ - a mᵀ + 2W)</c> off the diagonal.</remarks>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero.</param>
    /// <param name="mask"><c>(K, P)</c>; padded memories change nothing.</param>
    /// <returns><c>(K, N, N)</c>.</returns>
    public static Tensor Storkey(Tensor memories, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long k = memories.shape[0], p = memories.shape[1], n = memories.shape[2];
        Tensor w = zeros([k, n, n], dtype: memories.dtype, device: memories.device);
        for (long mu = 0; mu < p; mu++)
        {
            using var step = NewDisposeScope();
            Tensor m = memories.select(1, mu);                          // (K, N)
            Tensor a = bmm(w, m.unsqueeze(-1)).squeeze(-1);             // (K, N): a = W m
            Tensor delta = (m.unsqueeze(2) * m.unsqueeze(1) - m.unsqueeze(2) * a.unsqueeze(1) - a.unsqueeze(2) * m.unsqueeze(1))
                .add_(w.mul(HeldScalars.Of(2L)), HeldScalars.One).div_(HeldScalars.Of(n));
            Tensor next = ZeroDiagonalOf(w.add(delta * mask.select(1, mu).reshape(k, 1, 1), HeldScalars.One));
            w.copy_(next);
        }
        return w.MoveToOuterDisposeScope();
    }

    /// <summary>Pseudo-inverse (projection) weights with the diagonal removed: <c>W = X (XᵀX)⁻¹ Xᵀ - diag</c>, the
    /// memories the columns of <c>X</c>. Each memory stays a fixed point of sign dynamics while its self-coupling is below 1.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero, linearly independent real rows.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    public static Tensor PseudoInverse(Tensor memories, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return ZeroDiagonalOf(Projection(memories, mask)).MoveToOuterDisposeScope();
    }

    /// <summary>The projection onto the memories' span, <c>W = X (XᵀX)⁻¹ Xᵀ</c>: <c>W m = m</c> for every memory.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero, linearly independent real rows.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    public static Tensor Projection(Tensor memories, Tensor mask) =>
        OnRealRows(memories, mask, x => x.t().matmul(linalg.solve(x.matmul(x.t()), x)));   // X (XᵀX)⁻¹ Xᵀ, x's rows the memories

    /// <summary>The dreaming kernel of Fachechi, Agliari &amp; Barra (2019), diagonal removed:
    /// <c>W = (1/N) X (1 + t)(I + t C)⁻¹ Xᵀ</c>, <c>C = XᵀX / N</c> the memories' overlap matrix. The closed form of a sleep phase
    /// that unlearns spurious states and deepens the memories: <c>t = 0</c> is Hebbian, <c>t → ∞</c> the pseudo-inverse; in
    /// between, the memories' basins are wider than either end's.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, padding rows zero.</param>
    /// <param name="mask"><c>(K, P)</c>.</param>
    /// <param name="time">The dreaming time <c>t</c> (&gt;= 0).</param>
    public static Tensor Dreaming(Tensor memories, Tensor mask, double time)
    {
        if (!(time >= 0)) throw new ArgumentOutOfRangeException(nameof(time), time, "the dreaming time is >= 0");
        long n = memories.shape[^1];
        using var scope = NewDisposeScope();
        return ZeroDiagonalOf(OnRealRows(memories, mask, x =>
        {
            Tensor kernel = eye(x.shape[0], dtype: float64).add_(x.matmul(x.t()).mul_(HeldScalars.Of(time / n)), HeldScalars.One);   // (P_k, P_k): I + t C
            return x.t().matmul(linalg.solve(kernel, x)).mul_(HeldScalars.Of((1 + time) / n));
        })).MoveToOuterDisposeScope();
    }

    /// <summary>Weights of each net from its real memories alone: <paramref name="weightsOf"/> maps that net's <c>(P_k, N)</c>
    /// float64 rows to <c>(N, N)</c>; the stack comes back in the memories' dtype.</summary>
    /// <remarks>One net at a time on its real rows. A batched linalg.solve over padded Gram matrices of different sizes went
    /// wrong in libtorch 2.10's CPU kernel with two threads (oneMKL "Parameter 6 was incorrect on entry to DLASWP", then
    /// garbage weights or a "Pivots given to lu_solve" error; N = 1024, P = 147 beside 272); unbatched solves do not.</remarks>
    static Tensor OnRealRows(Tensor memories, Tensor mask, Func<Tensor, Tensor> weightsOf)
    {
        using var scope = NewDisposeScope();
        var weights = new Tensor[memories.shape[0]];
        for (int k = 0; k < weights.Length; k++)
            weights[k] = weightsOf(memories[k].index_select(0, mask[k].nonzero().squeeze(1)).to(float64));
        return stack(weights).to(memories.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>A copy of <paramref name="weights"/> <c>(K, N, N)</c> with its diagonal set to zero.</summary>
    public static Tensor ZeroDiagonalOf(Tensor weights)
    {
        long n = weights.shape[^1];
        using var off = eye(n, dtype: weights.dtype, device: weights.device).neg_().add_(HeldScalars.One, HeldScalars.One);   // 1 − I
        return weights * off;
    }
}
