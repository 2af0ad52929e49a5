using Resonance.Reconstruction;
using static TorchSharp.torch;

namespace Resonance.Tests.Reconstruction;

/// <summary>AL-RNNs without ReLU units (<c>P = 0</c>), so <c>z_t = A ⊙ z + W z + h</c> with a Jacobian known by hand.</summary>
internal static class LinearModels
{
    /// <summary>An AL-RNN with <c>P = 0</c> and the given <c>A</c>, <c>W</c> (row-major <c>(M, M)</c>) and <c>h</c>.</summary>
    public static AlRnn Linear(float[] a, float[]? w = null, float[]? h = null)
    {
        int m = a.Length;
        var model = new AlRnn(new AlRnnOptions { LatentSize = m, PiecewiseLinearUnits = 0 }, seed: 0);
        using var noGrad = no_grad();
        model.A.copy_(tensor(a));
        model.W.copy_(w is null ? zeros(m, m) : tensor(w).reshape(m, m));
        model.h.copy_(h is null ? zeros(m) : tensor(h));
        return model;
    }
}
