using Resonance.Runtime;

namespace Resonance.Models;

/// <summary>What the temporal-averaging network minimises (<c>model.loss</c>).</summary>
public enum TemporalLossKind
{
    /// <summary>Cross-entropy of the averaged readout taken as logits (the trainer's usual loss).</summary>
    CrossEntropy,
    /// <summary>Squared error against one-hot targets, summed over classes and averaged over the batch:
    /// <c>L = (1/B) Σ_b Σ_k (ȳ_bk − 1[k = label_b])²</c>.</summary>
    Mse,
}

/// <summary>Options of the <c>temporal-averaging</c> model (<see cref="TemporalAveragingNet"/>), bound from an experiment's
/// <c>model:</c> section.</summary>
/// <example><code>
/// model:
///   type: temporal-averaging
///   hidden: 512
///   layers: 2
///   iterations: 8
///   feedback: true
///   gradient: surrogate        # or straight-through
///   surrogate: fast-sigmoid
///   input: bernoulli           # training presentation; eval_input: intensity | threshold | bernoulli
///   loss: cross-entropy        # or mse
///   homeostasis_rate: 0.01     # 0 turns homeostasis off
///   target_rate: 0.1
/// </code></example>
public sealed record TemporalAveragingOptions : IModelSize
{
    /// <summary>Binary units per layer (<c>model.hidden</c>).</summary>
    public int Hidden { get; init; } = 256;
    /// <summary>Layers <c>L</c> (<c>model.layers</c>).</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Iterations <c>T</c> per input (<c>model.iterations</c>); the output is the mean of the readout over them.</summary>
    public int Iterations { get; init; } = 8;
    /// <summary>Top-down feedback: layer <c>l</c> also reads layer <c>l + 1</c>'s activity of the previous iteration (<c>model.feedback</c>).</summary>
    public bool Feedback { get; init; }
    /// <summary>Surrogate or straight-through gradient through the binary units (<c>model.gradient</c>).</summary>
    public BinaryGradientKind Gradient { get; init; } = BinaryGradientKind.Surrogate;
    /// <summary>The surrogate when <see cref="Gradient"/> is <c>surrogate</c> (<c>model.surrogate</c>).</summary>
    public SurrogateKind Surrogate { get; init; } = SurrogateKind.FastSigmoid;
    /// <summary>The surrogate's sharpness <c>k</c> (<c>model.slope</c>), positive.</summary>
    public double Slope { get; init; } = 4;
    /// <summary>How intensities are presented while training (<c>model.input</c>).</summary>
    public InputPresentation Input { get; init; } = InputPresentation.Bernoulli;
    /// <summary>How intensities are presented while evaluating (<c>model.eval_input</c>); <c>bernoulli</c> here redraws from
    /// the same stream at every evaluation call, so evaluation stays repeatable.</summary>
    public InputPresentation EvalInput { get; init; } = InputPresentation.Intensity;
    /// <summary>Cross-entropy or one-hot MSE (<c>model.loss</c>).</summary>
    public TemporalLossKind Loss { get; init; } = TemporalLossKind.CrossEntropy;
    /// <summary><c>η</c> of the homeostatic threshold rule (<c>model.homeostasis_rate</c>), threshold units per unit of rate
    /// error per training batch; 0 turns homeostasis off.</summary>
    public double HomeostasisRate { get; init; }
    /// <summary><c>ρ*</c>: the firing rate (spikes per unit per iteration) homeostasis drives each unit toward (<c>model.target_rate</c>).</summary>
    public double TargetRate { get; init; } = 0.1;

    /// <summary>The binary unit every layer uses.</summary>
    public BinaryUnit Unit() => new(Gradient, Surrogate, Slope);

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        if (Hidden < 1) throw new UserInputException($"model.hidden: expected a positive whole number, got {Hidden}.");
        if (Layers < 1) throw new UserInputException($"model.layers: expected a positive whole number, got {Layers}.");
        if (Iterations < 1) throw new UserInputException($"model.iterations: expected a positive whole number (T = 8 is typical), got {Iterations}.");
        SizeCaps.AtMost("model.iterations", Iterations, SizeCaps.Steps);
        if (!(Slope > 0) || double.IsInfinity(Slope)) throw new UserInputException($"model.slope: expected a positive number (4 is typical), got {Slope}.");
        if (!(HomeostasisRate >= 0) || double.IsInfinity(HomeostasisRate))
            throw new UserInputException($"model.homeostasis_rate: expected a number >= 0 (0 turns homeostasis off; 0.01 is typical), got {HomeostasisRate}.");
        if (!(TargetRate > 0 && TargetRate < 1)) throw new UserInputException($"model.target_rate: expected a firing rate in (0, 1), got {TargetRate}.");
        foreach (var (key, value) in new[] { ("model.gradient", (Enum)Gradient), ("model.surrogate", Surrogate), ("model.input", Input), ("model.eval_input", EvalInput), ("model.loss", Loss) })
            if (!Enum.IsDefined(value.GetType(), value)) throw new UserInputException($"{key}: unknown value {value}.");
    }

    /// <summary>Pixels presented at each iteration: the whole input sequence flattened, <c>steps × features</c>.</summary>
    public static int Pixels(ModelShape shape) => checked(shape.Steps * shape.InputSize);

    /// <summary>Floats each unit keeps per iteration for the backward pass (drive, surrogate terms, output).</summary>
    const int FloatsPerUnitIteration = 6;

    /// <summary>Per layer the input weights and biases <c>(H, below + 1)</c>, lateral weights <c>(H, H)</c> and, with feedback,
    /// <c>(H, H)</c> from the layer above; the readout <c>(classes, H + 1)</c>.</summary>
    public double Parameters(ModelShape shape)
    {
        double total = (double)shape.OutputSize * (Hidden + 1);
        for (int l = 0; l < Layers; l++)
        {
            double below = l == 0 ? Pixels(shape) : Hidden;
            double above = Feedback && l < Layers - 1 ? Hidden : 0;
            total += Hidden * (below + 1 + Hidden + above);
        }
        return total;
    }

    /// <summary><c>T · (L · H · 6 + N)</c>: every layer's units and the presented pixels at every iteration.</summary>
    public double ActivationFloatsPerExample(ModelShape shape) =>
        (double)Iterations * ((double)Layers * Hidden * FloatsPerUnitIteration + Pixels(shape));

    /// <summary><c>model.hidden</c>, <c>model.layers</c> and <c>model.iterations</c>.</summary>
    public IReadOnlyList<ModelSizeKey> SizeKeys =>
    [
        new("model.hidden", Hidden, 256, 1, value => this with { Hidden = (int)value }),
        new("model.layers", Layers, 2, 1, value => this with { Layers = (int)value }),
        new("model.iterations", Iterations, 8, 1, value => this with { Iterations = (int)value }),
    ];
}
