using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>A plain feed-forward network (multi-layer perceptron): the feed-forward baseline of the temporal-averaging
/// network's studies, with no recurrence.</summary>
/// <remarks>
/// <code>
/// classification:  h₀ = x flattened (batch, steps × features),  hₗ = ReLU(Wₗ hₗ₋₁ + bₗ),  logits = W_out h_L + b_out
/// regression:      the same network applied to each step's features, (batch, steps, features) → (batch, steps, outputs)
/// </code>
/// Every weight and bias is drawn from PyTorch's <c>U(−1/√fan_in, 1/√fan_in)</c>, each from its own stream.
/// </remarks>
public sealed class Mlp : SequenceModel
{
    readonly ModuleList<Linear> hidden;
    readonly Linear readout;

    /// <summary>Builds the network; hidden layer <c>l</c> draws from <c>Derive(seed, "hidden.l")</c>, the readout from <c>Derive(seed, "readout")</c>.</summary>
    /// <exception cref="UserInputException">Invalid options.</exception>
    public Mlp(MlpOptions options, ModelShape shape, long seed) : base(nameof(Mlp), shape)
    {
        options.Validate();
        Options = options;
        int inputs = MlpOptions.Inputs(shape);
        var built = new Linear[options.Layers];
        for (int l = 0; l < built.Length; l++)
        {
            int fan = l == 0 ? inputs : options.Hidden;
            built[l] = nn.Linear(fan, options.Hidden);
            ParameterInit.UniformAll(built[l], 1.0 / Math.Sqrt(fan), RandomStreams.Derive(seed, $"hidden.{l}"));
        }
        hidden = new ModuleList<Linear>(built);
        readout = nn.Linear(options.Hidden, shape.OutputSize);
        ParameterInit.UniformAll(readout, 1.0 / Math.Sqrt(options.Hidden), RandomStreams.Derive(seed, nameof(readout)));
        RegisterComponents();
    }

    /// <summary>The options the network was built with.</summary>
    public MlpOptions Options { get; }

    /// <summary>None: the network has no recurrence.</summary>
    public override IRecurrentDynamics? Dynamics => null;

    /// <summary><c>Σₗ fanₗ · H + H · outputs</c> (per step for regression).</summary>
    public override long ForwardMultiplyAddsPerSample =>
        (Shape.Task == TaskKind.Classification ? 1 : Shape.Steps) *
        (hidden.Sum(layer => layer.weight!.numel()) + readout.weight!.numel());

    /// <param name="input"><c>(batch, steps, features)</c>.</param>
    /// <returns>Logits <c>(batch, classes)</c>; for regression <c>(batch, steps, outputs)</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        ShapeChecks.Require(input, nameof(input), -1, Shape.Steps, Shape.InputSize);
        using var scope = NewDisposeScope();
        Tensor h = Shape.Task == TaskKind.Classification ? input.flatten(1) : input;    // (B, N) or (B, S, F)
        foreach (var layer in hidden) h = nn.functional.relu(layer.call(h));
        return readout.call(h).MoveToOuterDisposeScope();
    }
}
