namespace Resonance.Models;

/// <summary>What the data fixes about a model: features per step, outputs, and sequence length.</summary>
/// <param name="InputSize">Features per time step (28 for row-wise MNIST, 1 for pixel-wise).</param>
/// <param name="OutputSize">Classes for classification, output features per step for regression.</param>
/// <param name="Steps">Time steps per sequence.</param>
/// <param name="Task">Classification (logits <c>(batch, classes)</c> from the whole sequence) or regression (<c>(batch, steps, outputs)</c>).</param>
public sealed record ModelShape(int InputSize, int OutputSize, int Steps, TaskKind Task);

/// <summary>The kind of supervised task a sequence model is trained for.</summary>
public enum TaskKind
{
    /// <summary>Sequence in, one label out: logits shaped <c>(batch, classes)</c>.</summary>
    Classification,
    /// <summary>Sequence in, sequence out: predictions shaped <c>(batch, steps, outputs)</c>.</summary>
    Regression,
}
