using Resonance.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// An autonomous latent map <c>z_t = F(z_{t-1})</c> learned from a time series (shallow PLRNN, AL-RNN): a torch module
/// with its closed-form Jacobian, seen by the analysis tools as <see cref="IRecurrentDynamics"/> without input.
/// </summary>
/// <remarks>
/// The state is the latent vector itself, <c>(batch, M)</c>; <see cref="IRecurrentDynamics.Step"/> is <see cref="Step"/>
/// (the model's forward) and takes no input. Parameters are float32 on the CPU when built; move the module as a whole.
/// </remarks>
public abstract class LatentModel : TorchSharp.torch.nn.Module<Tensor, Tensor>, IRecurrentDynamics
{
    /// <param name="name">The module's name.</param>
    /// <param name="latentSize"><c>M</c>, positive.</param>
    protected LatentModel(string name, int latentSize) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentSize, 1);
        LatentSize = latentSize;
    }

    /// <summary>Latent dimensions <c>M</c>.</summary>
    public int LatentSize { get; }

    /// <summary>One step of the map.</summary>
    /// <param name="latent"><c>z_{t-1}</c>, <c>(batch, M)</c>.</param>
    /// <returns><c>z_t</c>, <c>(batch, M)</c>.</returns>
    public Tensor Step(Tensor latent)
    {
        ShapeChecks.Require(latent, nameof(latent), -1, LatentSize);
        return forward(latent);
    }

    /// <summary>The Jacobian <c>∂F/∂z</c> at each state, in closed form (the map is piecewise linear).</summary>
    /// <param name="latent"><c>(batch, M)</c>.</param>
    /// <returns><c>J[b, r, c] = ∂F_r/∂z_c (z_b)</c>, <c>(batch, M, M)</c>.</returns>
    public abstract Tensor Jacobian(Tensor latent);

    /// <summary>The weight penalty the training adds with its <c>latent_regularization</c> factor (see each model).</summary>
    /// <returns>A scalar tensor.</returns>
    public abstract Tensor RegularizationPenalty();

    /// <summary>A new model of the same kind and sizes (parameters not copied), built on the CPU in float32.</summary>
    protected abstract LatentModel CreateLike();

    /// <summary>A copy of this model with its parameters cast to <paramref name="dtype"/> (e.g. float64 for precise Lyapunov
    /// exponents), on the same device; this model is unchanged. The caller disposes the copy.</summary>
    /// <param name="dtype">The copy's floating-point type.</param>
    public LatentModel CastCopy(ScalarType dtype)
    {
        var copy = CreateLike();
        var device = parameters().First().device;
        copy.to(device);
        copy.to(dtype);
        using var noGrad = no_grad();
        foreach (var (target, source) in copy.parameters().Zip(parameters())) target.copy_(source);
        return copy;
    }

    /// <summary>Scalars the models' per-step code shares, kept alive for the process: TorchSharp 0.107 does not keep an implicitly
    /// converted Scalar alive during the native call (NoCollections, docs/building.md).</summary>
    protected static readonly Scalar Zero = 0.0.ToScalar(), One = 1.0.ToScalar();

    int IRecurrentDynamics.StateSize => LatentSize;
    int IRecurrentDynamics.InputSize => 0;

    Tensor IRecurrentDynamics.InitialState(long batch, Device device) =>
        zeros(batch, LatentSize, parameters().First().dtype, device);

    Tensor IRecurrentDynamics.Step(Tensor state, Tensor? input)
    {
        if (input is not null && input.numel() != 0)
            throw new ArgumentException("a latent model is autonomous: it takes no input", nameof(input));
        return Step(state);
    }

    /// <summary>Positive-definite <c>K = RᵀR / M + I</c> scaled to largest eigenvalue 1 (Talathi &amp; Vartak 2016), <c>R ~ N(0, 1)</c>
    /// drawn from the stream <paramref name="seed"/>: its diagonal is the repositories' initial <c>A</c>.</summary>
    /// <param name="size"><c>M</c>.</param>
    /// <param name="seed">The stream's seed.</param>
    /// <returns><c>(M, M)</c>, float32, on the CPU.</returns>
    protected static Tensor NormalizedPositiveDefinite(int size, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = Runtime.RandomStreams.Generator(seed);
        Tensor r = randn([size, size], dtype: ScalarType.Float64, generator: generator);
        Tensor k = r.t().matmul(r) / size + eye(size, dtype: ScalarType.Float64);
        Tensor largest = linalg.eigvalsh(k).abs().max();
        return (k / largest).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
