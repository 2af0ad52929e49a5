using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>Shape guards at the public edges of cells and models: a wrong shape is a bug, reported before it broadcasts.</summary>
internal static class ShapeChecks
{
    /// <summary>Throws unless <paramref name="tensor"/> has exactly the given shape; <c>-1</c> leaves a dimension free.</summary>
    public static void Require(Tensor tensor, string name, params long[] expected)
    {
        long[] actual = tensor.shape;
        bool ok = actual.Length == expected.Length;
        for (int i = 0; ok && i < actual.Length; i++)
            ok = expected[i] < 0 || expected[i] == actual[i];
        if (!ok)
            throw new ArgumentException(
                $"{name}: expected shape ({string.Join(", ", expected.Select(e => e < 0 ? "*" : e.ToString()))}), got ({string.Join(", ", actual)})",
                name);
    }
}
