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
public sealed record RecurrentBaselineOptions
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
}
