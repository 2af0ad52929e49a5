using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// The autonomous step of a recurrent model, <c>h_{t+1} = F(h_t, x_t)</c>, over a flat state vector.
/// Analysis (fixed points, Jacobians, Lyapunov spectra) works on any model through this interface.
/// </summary>
/// <remarks>
/// A model whose state has several parts (an LSTM's <c>(h, c)</c>) concatenates them into one vector of
/// <see cref="StateSize"/> along the last dimension, in an order it documents.
/// </remarks>
public interface IRecurrentDynamics
{
    /// <summary>Length of the flat state vector.</summary>
    int StateSize { get; }

    /// <summary>Number of external input features per step.</summary>
    int InputSize { get; }

    /// <summary>The state before any input, shaped <c>(batch, StateSize)</c>.</summary>
    Tensor InitialState(long batch, Device device);

    /// <summary>One step of the dynamics.</summary>
    /// <param name="state">Flat state, <c>(batch, StateSize)</c>.</param>
    /// <param name="input">External input <c>(batch, InputSize)</c>, or null for the autonomous map (no input).</param>
    /// <returns>The next flat state, <c>(batch, StateSize)</c>.</returns>
    Tensor Step(Tensor state, Tensor? input);
}
