using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The almost-linear RNN (AL-RNN) of Brenner et al. (2024): a linear latent map in which only the last <c>P</c> units pass
/// through a ReLU, so the state space splits into at most <c>2^P</c> linear subregions.
/// </summary>
/// <remarks>
/// <code>
/// φ(z) = [z_1, …, z_{M−P}, relu(z_{M−P+1}), …, relu(z_M)]
/// z_t  = A ⊙ z_{t-1} + W φ(z_{t-1}) + h
/// J(z) = diag(A) + W diag(d),  d = [1, …, 1, 1[z_{M−P+1} &gt; 0], …, 1[z_M &gt; 0]]
/// region(z) = Σ_{i=0}^{P−1} 2^i · 1[z_{M−P+1+i} &gt; 0]     (the subregion's id: bit i is the i-th ReLU unit's state)
/// </code>
/// <c>A</c>: <c>(M)</c>, <c>W</c>: <c>(M, M)</c>, <c>h</c>: <c>(M)</c>. Initialisation as in DurstewitzLab/ALRNN-DSR: <c>A</c> the
/// diagonal of a normalised positive-definite matrix, <c>W ~ N(0, 0.01²)</c>, <c>h = 0</c>; each from its own stream of the seed.
/// <see cref="RegularizationPenalty"/> is <c>‖1 − A‖² + ‖W‖² + ‖h‖²</c>.
/// </remarks>
public sealed class AlRnn : LatentModel
{
    /// <summary>Diagonal of the linear part <c>A</c>, <c>(M)</c>.</summary>
    public readonly Parameter A;
    /// <summary>Connection weights <c>W</c>, <c>(M, M)</c>.</summary>
    public readonly Parameter W;
    /// <summary>Bias <c>h</c>, <c>(M)</c>.</summary>
    public readonly Parameter h;

    /// <summary>Builds the model with parameters drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="options">Sizes (validated here).</param>
    /// <param name="seed">Seed of the parameters' streams (one per parameter, named after it).</param>
    /// <exception cref="UserInputException">A size is out of range.</exception>
    public AlRnn(AlRnnOptions options, long seed) : base(nameof(AlRnn), Checked(options).LatentSize)
    {
        Options = options;
        int m = options.LatentSize;
        using (var scope = NewDisposeScope())
        {
            A = new Parameter(NormalizedPositiveDefinite(m, RandomStreams.Derive(seed, nameof(A))).diagonal().clone().MoveToOuterDisposeScope());
            using var generator = RandomStreams.Generator(RandomStreams.Derive(seed, nameof(W)));
            W = new Parameter((0.01 * randn([m, m], generator: generator)).MoveToOuterDisposeScope());
        }
        h = new Parameter(zeros(m));
        RegisterComponents();
    }

    /// <summary>The sizes the model was built with.</summary>
    public AlRnnOptions Options { get; }

    /// <summary>Piecewise-linear units <c>P</c>.</summary>
    public int PiecewiseLinearUnits => Options.PiecewiseLinearUnits;

    /// <summary>Linear units <c>M − P</c>.</summary>
    public int LinearUnits => LatentSize - PiecewiseLinearUnits;

    /// <summary>One step, <c>z_{t-1} ↦ z_t</c> (equations in the remarks).</summary>
    /// <param name="latent"><c>(batch, M)</c>.</param>
    /// <returns><c>(batch, M)</c>.</returns>
    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        Tensor features = PiecewiseLinearUnits == 0 ? latent
            : cat([latent.narrow(-1, 0, LinearUnits), latent.narrow(-1, LinearUnits, PiecewiseLinearUnits).relu()], -1); // (B, M): φ(z)
        return (A * latent + nn.functional.linear(features, W, h)).MoveToOuterDisposeScope();                           // (B, M)
    }

    public override Tensor Jacobian(Tensor latent)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor slope = ones_like(latent);                                                                               // (B, M): d
        if (PiecewiseLinearUnits > 0) slope.narrow(-1, LinearUnits, PiecewiseLinearUnits).copy_(latent.narrow(-1, LinearUnits, PiecewiseLinearUnits).gt(Zero).to(latent.dtype));
        return (W.unsqueeze(0) * slope.unsqueeze(1) + A.diag()).MoveToOuterDisposeScope();                           // (B, M, M)
    }

    /// <summary>The linear subregion each state lies in: the bit pattern of the <c>P</c> ReLU units (bit <c>i</c> set when unit
    /// <c>M − P + 1 + i</c> is positive), so <c>0 ≤ id &lt; 2^P</c>; callers count visits along a trajectory.</summary>
    /// <param name="latent"><c>(batch, M)</c>, or <c>(..., M)</c> for any leading dimensions.</param>
    /// <returns>Int64 ids, the leading shape of <paramref name="latent"/> (<c>(batch)</c>).</returns>
    public Tensor RegionId(Tensor latent)
    {
        if (latent.shape[^1] != LatentSize) throw new ArgumentException($"latent: expected the last dimension {LatentSize}, got ({string.Join(", ", latent.shape)})", nameof(latent));
        using var scope = NewDisposeScope();
        Tensor active = latent.narrow(-1, LinearUnits, PiecewiseLinearUnits).gt(Zero);                                     // (..., P)
        Tensor weights = tensor(Enumerable.Range(0, PiecewiseLinearUnits).Select(i => 1L << i).ToArray(), device: latent.device); // (P): 2^i
        return (active.to(ScalarType.Int64) * weights).sum(-1).MoveToOuterDisposeScope();
    }

    public override Tensor RegularizationPenalty() => A.sub(One).square().sum() + W.square().sum() + h.square().sum();

    protected override LatentModel CreateLike() => new AlRnn(Options, seed: 0);

    static AlRnnOptions Checked(AlRnnOptions options)
    {
        options.Validate();
        return options;
    }
}
