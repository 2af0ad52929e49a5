using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>The identity observation: the first <c>N</c> latent units are the observed variables, the other <c>M − N</c> are
/// inferred at the start of a sequence by a trained linear map.</summary>
/// <remarks>
/// <code>
/// x̂ = z_{1..N}                 read-out
/// ẑ = x                        forcing signal of the first N units
/// z₀ = [x₀ ; L x₀]             initial state, L: (M − N, N), trained (absent when M = N)
/// </code>
/// As in DurstewitzLab/GTF-shPLRNN (<c>Identity</c>): <c>L</c> starts Glorot-uniform, <c>U(±√(6 / (M − N + N)))</c> = <c>U(±√(6/M))</c>,
/// and its penalty is <c>‖L‖²</c>.
/// </remarks>
public sealed class IdentityObservation : ObservationModel
{
    /// <summary>The map from the observed to the unobserved initial units <c>L</c>, <c>(M − N, N)</c>; null when <c>M = N</c>.</summary>
    public readonly Parameter? L;

    /// <summary>Builds the identity observation.</summary>
    /// <param name="observedSize"><c>N</c>, positive.</param>
    /// <param name="latentSize"><c>M ≥ N</c>.</param>
    /// <param name="seed">Seed of <c>L</c>'s stream.</param>
    /// <exception cref="UserInputException"><c>M &lt; N</c>.</exception>
    public IdentityObservation(int observedSize, int latentSize, long seed) : base(nameof(IdentityObservation), observedSize, latentSize)
    {
        if (latentSize < observedSize)
            throw new UserInputException($"model.latent_size: the identity observation needs at least as many latent as observed dimensions ({observedSize}), got {latentSize}; raise model.latent_size or use model.observation: affine.");
        if (latentSize > observedSize)
            L = Models.ParameterInit.Uniform(seed, nameof(L), Math.Sqrt(6.0 / latentSize), latentSize - observedSize, observedSize);
        RegisterComponents();
    }

    public override int ForcedSize => ObservedSize;

    public override Tensor forward(Tensor latent) => latent.narrow(-1, 0, ObservedSize);

    public override Tensor ForcingSignal(Tensor observed) => observed.detach();

    public override Tensor InitialState(Tensor observed) =>
        L is null ? observed.clone() : cat([observed, nn.functional.linear(observed, L)], -1);  // (B, M): [x₀; L x₀]

    public override Tensor RegularizationPenalty() => L is null ? zeros(1).sum() : L.square().sum();
}
