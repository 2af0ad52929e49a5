using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>How a latent model's state maps to the observed series (<c>model.observation</c>).</summary>
public enum ObservationKind
{
    /// <summary>The first <c>N</c> latent units are the observations: <c>x = z_{1..N}</c>.</summary>
    Identity,
    /// <summary>An affine read-out <c>x = B z + c</c>.</summary>
    Affine,
}

/// <summary>
/// The observation model of a reconstruction: the read-out <c>x = g(z)</c>, the forcing signals teacher forcing pulls the latent
/// state towards, and the initial latent state inferred from one observation.
/// </summary>
/// <remarks>
/// Teacher forcing replaces or blends the first <see cref="ForcedSize"/> latent units with <see cref="ForcingSignal"/>:
/// the identity model forces the <c>N</c> observed units, the affine model all <c>M</c> (DurstewitzLab/GTF-shPLRNN).
/// </remarks>
public abstract class ObservationModel : TorchSharp.torch.nn.Module<Tensor, Tensor>
{
    /// <param name="name">The module's name.</param>
    /// <param name="observedSize"><c>N</c>, positive.</param>
    /// <param name="latentSize"><c>M</c>, positive.</param>
    protected ObservationModel(string name, int observedSize, int latentSize) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(observedSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentSize, 1);
        ObservedSize = observedSize;
        LatentSize = latentSize;
    }

    /// <summary>Observed dimensions <c>N</c>.</summary>
    public int ObservedSize { get; }

    /// <summary>Latent dimensions <c>M</c>.</summary>
    public int LatentSize { get; }

    /// <summary>Latent units teacher forcing sets: the first <see cref="ForcedSize"/> of <c>M</c>.</summary>
    public abstract int ForcedSize { get; }

    /// <summary>The read-out <c>x̂ = g(z)</c> (the forward).</summary>
    /// <param name="latent"><c>(..., M)</c>.</param>
    /// <returns><c>(..., N)</c>.</returns>
    public Tensor Observe(Tensor latent) => forward(latent);

    /// <summary>The values the forced latent units take under full forcing, from observations (no gradient flows through them).</summary>
    /// <param name="observed"><c>(..., N)</c>.</param>
    /// <returns><c>(..., ForcedSize)</c>.</returns>
    public abstract Tensor ForcingSignal(Tensor observed);

    /// <summary>The whole latent state implied by the observations, at which the adaptive rule evaluates Jacobians
    /// (the forcing signal, with zeros for units it does not set).</summary>
    /// <param name="observed"><c>(..., N)</c>.</param>
    /// <returns><c>(..., M)</c>, detached.</returns>
    public Tensor LatentEstimate(Tensor observed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor forcing = ForcingSignal(observed);
        if (ForcedSize == LatentSize) return forcing.MoveToOuterDisposeScope();
        return cat([forcing, zeros([.. forcing.shape[..^1], LatentSize - ForcedSize], forcing.dtype, forcing.device)], -1).MoveToOuterDisposeScope();
    }

    /// <summary>The initial latent state of a sequence from its first observation (differentiable: trainable parts learn through it).</summary>
    /// <param name="observed"><c>(batch, N)</c>.</param>
    /// <returns><c>(batch, M)</c>.</returns>
    public abstract Tensor InitialState(Tensor observed);

    /// <summary>The penalty the training adds with its <c>observation_regularization</c> factor (see each model).</summary>
    public abstract Tensor RegularizationPenalty();

    /// <summary>Builds an observation model of the given kind; its trainable parts are drawn from streams of <paramref name="seed"/>.</summary>
    /// <param name="kind">Identity or affine.</param>
    /// <param name="observedSize"><c>N</c>.</param>
    /// <param name="latentSize"><c>M</c>.</param>
    /// <param name="seed">Seed of the parameters' streams.</param>
    /// <exception cref="UserInputException">Identity with fewer latent than observed dimensions.</exception>
    public static ObservationModel Create(ObservationKind kind, int observedSize, int latentSize, long seed) => kind switch
    {
        ObservationKind.Identity => new IdentityObservation(observedSize, latentSize, seed),
        ObservationKind.Affine => new AffineObservation(observedSize, latentSize, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
