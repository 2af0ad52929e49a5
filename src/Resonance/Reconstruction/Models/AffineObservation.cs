using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>The affine observation <c>x = B z + c</c>, inverted by the pseudo-inverse for forcing and initial states.</summary>
/// <remarks>
/// <code>
/// x̂  = B z + c                 read-out, B: (N, M), c: (N)
/// ẑ  = B⁺ (x − c)              forcing signal of all M units (B⁺ the Moore–Penrose pseudo-inverse: least squares)
/// z₀ = B⁺ (x₀ − c)             initial state (differentiable in B and c)
/// </code>
/// As in DurstewitzLab/GTF-shPLRNN (<c>Affine</c>, with bias): <c>B</c> starts Kaiming-normal, <c>N(0, 2 / M)</c>, <c>c = 0</c>.
/// The penalty is the repository's condition-number term <c>(1 − s_max / s_min)²</c>, which keeps <c>B</c> invertible.
/// </remarks>
public sealed class AffineObservation : ObservationModel
{
    /// <summary>Read-out weights <c>B</c>, <c>(N, M)</c>.</summary>
    public readonly Parameter B;
    /// <summary>Read-out offset <c>c</c>, <c>(N)</c>.</summary>
    public readonly Parameter c;

    /// <summary>Builds the affine observation.</summary>
    /// <param name="observedSize"><c>N</c>, positive.</param>
    /// <param name="latentSize"><c>M</c>, positive.</param>
    /// <param name="seed">Seed of <c>B</c>'s stream.</param>
    public AffineObservation(int observedSize, int latentSize, long seed) : base(nameof(AffineObservation), observedSize, latentSize)
    {
        using (var scope = NewDisposeScope())
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, nameof(B))))
            B = new Parameter((Math.Sqrt(2.0 / latentSize) * randn([observedSize, latentSize], generator: generator)).MoveToOuterDisposeScope());
        c = new Parameter(zeros(observedSize));
        RegisterComponents();
    }

    public override int ForcedSize => LatentSize;

    public override Tensor forward(Tensor latent) => nn.functional.linear(latent, B, c);

    public override Tensor ForcingSignal(Tensor observed)
    {
        using var noGrad = no_grad();
        return Invert(observed);
    }

    public override Tensor InitialState(Tensor observed) => Invert(observed);

    public override Tensor RegularizationPenalty()
    {
        using var scope = NewDisposeScope();
        Tensor singular = linalg.svdvals(B);                                                   // descending
        return (1 - singular[0] / (singular[-1] + 1e-8)).square().MoveToOuterDisposeScope();
    }

    Tensor Invert(Tensor observed)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(observed - c, linalg.pinv(B)).MoveToOuterDisposeScope();   // (..., M): B⁺(x − c)
    }
}
