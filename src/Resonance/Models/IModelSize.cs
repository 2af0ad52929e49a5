namespace Resonance.Models;

/// <summary>What a model type's options tell about its memory before it is built: its parameters, what it keeps for the
/// backward pass, and the keys that set both.</summary>
/// <remarks>Estimates err on the side of more (the widest cell of a family), within a factor of a few.</remarks>
public interface IModelSize
{
    /// <summary>Parameters of the model for data of <paramref name="shape"/>.</summary>
    double Parameters(ModelShape shape);

    /// <summary>Floats one example keeps for the backward pass over a whole sequence (every step, every layer).</summary>
    double ActivationFloatsPerExample(ModelShape shape);

    /// <summary>The keys that set the model's size, each with a way to change it.</summary>
    IReadOnlyList<ModelSizeKey> SizeKeys { get; }
}

/// <summary>A key of a model's options that sets its size (<c>model.hidden</c>).</summary>
/// <param name="Key">The key as written in the file.</param>
/// <param name="Value">Its value.</param>
/// <param name="Typical">A usual value.</param>
/// <param name="Minimum">The smallest value the key accepts.</param>
/// <param name="With">The options with this key at another value.</param>
public sealed record ModelSizeKey(string Key, long Value, long Typical, long Minimum, Func<long, IModelSize> With);
