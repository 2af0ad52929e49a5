namespace Resonance.Models;

/// <summary>
/// Options of the baseline recurrent models (<c>lstm</c>, <c>gru</c>, <c>rnn</c>, <c>lstm-fused</c>, <c>gru-fused</c>),
/// bound from an experiment's <c>model:</c> section.
/// </summary>
/// <example><code>
/// model:
///   type: lstm
///   hidden: 128
///   layers: 1
/// </code></example>
public sealed record RecurrentBaselineOptions : IModelSize
{
    /// <summary>Hidden units per layer (<c>model.hidden</c>).</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Stacked recurrent layers (<c>model.layers</c>); layer <c>l + 1</c> reads layer <c>l</c>'s outputs.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Refuses impossible values.</summary>
    /// <exception cref="UserInputException">A key holds a value outside its range; the message names the key.</exception>
    public void Validate()
    {
        if (Hidden < 1)
            throw new UserInputException($"model.hidden: expected a positive whole number, got {Hidden}.");
        if (Layers < 1)
            throw new UserInputException($"model.layers: expected a positive whole number, got {Layers}.");
    }

    /// <summary>Floats each hidden unit keeps per step for the backward pass (an LSTM's four gates, cell, output and their tanh).</summary>
    const int FloatsPerUnitStep = 8;

    /// <summary>Parameters of the widest family member, the LSTM: four gates per layer, each <c>(hidden, input + hidden)</c> plus
    /// two biases, and the readout <c>(output, hidden)</c>.</summary>
    public double Parameters(ModelShape shape)
    {
        double layers = 4.0 * Hidden * (shape.InputSize + Hidden + 2) + (Layers - 1) * 4.0 * Hidden * (2.0 * Hidden + 2);
        return layers + (double)shape.OutputSize * (Hidden + 1);
    }

    /// <summary><c>steps * layers * hidden * 8</c>.</summary>
    public double ActivationFloatsPerExample(ModelShape shape) => (double)shape.Steps * Layers * Hidden * FloatsPerUnitStep;

    /// <summary><c>model.hidden</c> and <c>model.layers</c>.</summary>
    public IReadOnlyList<ModelSizeKey> SizeKeys =>
    [
        new("model.hidden", Hidden, 128, 1, value => this with { Hidden = (int)value }),
        new("model.layers", Layers, 1, 1, value => this with { Layers = (int)value }),
    ];
}
