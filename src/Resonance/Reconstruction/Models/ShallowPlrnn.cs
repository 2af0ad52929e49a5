using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The shallow piecewise-linear RNN (shPLRNN) of Hess, Monfared, Brenner &amp; Durstewitz (ICML 2023): a diagonal linear
/// map plus one hidden ReLU layer, and its clipped variant.
/// </summary>
/// <remarks>
/// <code>
/// z_t = A ⊙ z_{t-1} + W₁ relu(W₂ z_{t-1} + h₂) + h₁                       (shallow)
/// z_t = A ⊙ z_{t-1} + W₁ [relu(W₂ z_{t-1} + h₂) − relu(W₂ z_{t-1})] + h₁   (clipped)
/// J(z) = diag(A) + W₁ diag(d) W₂,  d = 1[W₂z + h₂ &gt; 0]  (shallow),  d = 1[W₂z + h₂ &gt; 0] − 1[W₂z &gt; 0]  (clipped)
/// </code>
/// <c>A</c>: <c>(M)</c>, <c>W₁</c>: <c>(M, L)</c>, <c>W₂</c>: <c>(L, M)</c>, <c>h₁</c>: <c>(M)</c>, <c>h₂</c>: <c>(L)</c>.
/// Initialisation as in DurstewitzLab/GTF-shPLRNN: <c>A</c> the diagonal of a normalised positive-definite matrix
/// (<see cref="LatentModel.NormalizedPositiveDefinite"/>), <c>h₁ = 0</c>, <c>W₁ ~ U(±1/√L)</c>, <c>W₂ ~ U(±1/√M)</c>,
/// <c>h₂ = 0</c> (shallow) or <c>U(±1/√L)</c> (clipped); each from its own stream of the seed.
/// The clipped unit is bounded (between 0 and <c>h₂</c>), so with <c>max|A| &lt; 1</c> every orbit stays bounded.
/// <see cref="RegularizationPenalty"/> is the repository's <c>‖1 − A‖² + ‖W₁‖² + ‖W₂‖² + ‖h₁‖² + ‖h₂‖²</c>.
/// </remarks>
public sealed class ShallowPlrnn : LatentModel
{
    /// <summary>Diagonal of the linear part <c>A</c>, <c>(M)</c>.</summary>
    public readonly Parameter A;
    /// <summary>Output weights of the hidden layer <c>W₁</c>, <c>(M, L)</c>.</summary>
    public readonly Parameter W1;
    /// <summary>Input weights of the hidden layer <c>W₂</c>, <c>(L, M)</c>.</summary>
    public readonly Parameter W2;
    /// <summary>Latent bias <c>h₁</c>, <c>(M)</c>.</summary>
    public readonly Parameter h1;
    /// <summary>Hidden bias <c>h₂</c>, <c>(L)</c>.</summary>
    public readonly Parameter h2;

    /// <summary>Builds the model with parameters drawn from streams derived from <paramref name="seed"/>.</summary>
    /// <param name="options">Sizes (validated here).</param>
    /// <param name="seed">Seed of the parameters' streams (one per parameter, named after it).</param>
    /// <exception cref="UserInputException">A size is below 1.</exception>
    public ShallowPlrnn(ShallowPlrnnOptions options, long seed) : base(nameof(ShallowPlrnn), Checked(options).LatentSize)
    {
        Options = options;
        int m = options.LatentSize, l = options.HiddenSize;
        using (var scope = NewDisposeScope())
            A = new Parameter(NormalizedPositiveDefinite(m, RandomStreams.Derive(seed, nameof(A))).diagonal().clone().MoveToOuterDisposeScope());
        W1 = Models.ParameterInit.Uniform(seed, nameof(W1), 1 / Math.Sqrt(l), m, l);
        W2 = Models.ParameterInit.Uniform(seed, nameof(W2), 1 / Math.Sqrt(m), l, m);
        h1 = new Parameter(zeros(m));
        h2 = options.Clipped ? Models.ParameterInit.Uniform(seed, nameof(h2), 1 / Math.Sqrt(l), l) : new Parameter(zeros(l));
        RegisterComponents();
    }

    /// <summary>The sizes the model was built with.</summary>
    public ShallowPlrnnOptions Options { get; }

    /// <summary>Hidden units <c>L</c>.</summary>
    public int HiddenSize => Options.HiddenSize;

    /// <summary>One step, <c>z_{t-1} ↦ z_t</c> (equations in the remarks).</summary>
    /// <param name="latent"><c>(batch, M)</c>.</param>
    /// <returns><c>(batch, M)</c>.</returns>
    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        // Four dispatches for the shallow step (fused bias adds and A ⊙ z): the training unroll's cost is per-op overhead.
        Tensor hidden = Options.Clipped
            ? nn.functional.linear(latent, W2, h2).relu_() - nn.functional.linear(latent, W2).relu_()   // (B, L)
            : nn.functional.linear(latent, W2, h2).relu_();                                               // (B, L): relu(W₂z + h₂)
        return nn.functional.linear(hidden, W1, h1).addcmul_(A, latent, One).MoveToOuterDisposeScope();      // (B, M): W₁ h + h₁ + A ⊙ z
    }

    public override Tensor Jacobian(Tensor latent)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor drive = nn.functional.linear(latent, W2);                                  // (B, L)
        Tensor slope = (drive + h2).gt(Zero).to(latent.dtype);                                // (B, L): d
        if (Options.Clipped) slope -= drive.gt(Zero).to(latent.dtype);
        Tensor jacobian = (W1.unsqueeze(0) * slope.unsqueeze(1)).matmul(W2);              // (B, M, M): W₁ diag(d) W₂
        return (jacobian + A.diag()).MoveToOuterDisposeScope();
    }

    public override Tensor RegularizationPenalty() =>
        A.sub(One).square().sum() + W1.square().sum() + W2.square().sum() + h1.square().sum() + h2.square().sum();

    protected override LatentModel CreateLike() => new ShallowPlrnn(Options, seed: 0);

    static ShallowPlrnnOptions Checked(ShallowPlrnnOptions options)
    {
        options.Validate();
        return options;
    }
}
