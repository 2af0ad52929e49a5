using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Models;

/// <summary>Seeded tensors and tolerant comparisons for model tests.</summary>
internal static class TensorAssert
{
    /// <summary>Standard normal numbers from their own seeded stream.</summary>
    public static Tensor Randn(long seed, params long[] shape)
    {
        using var generator = RandomStreams.Generator(seed);
        return randn(shape, generator: generator);
    }

    /// <summary>Fails unless both have the same shape and every element differs by at most <paramref name="tolerance"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(difference <= tolerance, $"largest difference {difference:G3} exceeds {tolerance:G3}");
    }

    /// <summary>Fails unless the shape is exactly <paramref name="expected"/>.</summary>
    public static void Shape(Tensor tensor, params long[] expected) => Assert.Equal(expected, tensor.shape);
}

/// <summary>Exact comparisons of tensors.</summary>
internal static class TensorEquality
{
    /// <summary>True when both have the same shape and every element is equal.</summary>
    public static bool SameAs(this Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
