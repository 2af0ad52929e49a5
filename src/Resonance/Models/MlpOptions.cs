namespace Resonance.Models;

/// <summary>Options of the <c>mlp</c> model (<see cref="Mlp"/>), bound from an experiment's <c>model:</c> section.</summary>
/// <example><code>
/// model:
///   type: mlp
///   hidden: 765
///   layers: 2
/// </code></example>
public sealed record MlpOptions : IModelSize
{
    /// <summary>Units per hidden layer (<c>model.hidden</c>).</summary>
    public int Hidden { get; init; } = 256;
    /// <summary>Hidden layers (<c>model.layers</c>), each a linear map followed by ReLU.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Refuses impossible values, naming the key.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate()
    {
        if (Hidden < 1) throw new UserInputException($"model.hidden: expected a positive whole number, got {Hidden}.");
        if (Layers < 1) throw new UserInputException($"model.layers: expected a positive whole number, got {Layers}.");
    }

    /// <summary>Inputs of the first layer: the whole sequence flattened for classification, one step's features for regression.</summary>
    public static int Inputs(ModelShape shape) => shape.Task == TaskKind.Classification ? checked(shape.Steps * shape.InputSize) : shape.InputSize;

    /// <summary><c>H (N + 1) + (layers − 1) H (H + 1) + classes (H + 1)</c>.</summary>
    public double Parameters(ModelShape shape) =>
        (double)Hidden * (Inputs(shape) + 1) + (Layers - 1.0) * Hidden * (Hidden + 1) + (double)shape.OutputSize * (Hidden + 1);

    /// <summary><c>steps · layers · H · 3</c>: each hidden layer's pre-activation, output and ReLU mask (per step for regression).</summary>
    public double ActivationFloatsPerExample(ModelShape shape) =>
        (shape.Task == TaskKind.Classification ? 1.0 : shape.Steps) * Layers * Hidden * 3 + (double)shape.Steps * shape.InputSize;

    /// <summary><c>model.hidden</c> and <c>model.layers</c>.</summary>
    public IReadOnlyList<ModelSizeKey> SizeKeys =>
    [
        new("model.hidden", Hidden, 256, 1, value => this with { Hidden = (int)value }),
        new("model.layers", Layers, 2, 1, value => this with { Layers = (int)value }),
    ];
}
