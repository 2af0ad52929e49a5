using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Runtime;

public class HeldScalarsTests
{
    [Fact]
    public void One_value_is_one_held_scalar_and_integer_scalars_keep_integer_tensors_integer()
    {
        Assert.Same(HeldScalars.Of(0.25), HeldScalars.Of(0.25));
        Assert.NotSame(HeldScalars.Of(0.25), HeldScalars.Of(0.5));
        using var counts = tensor(new long[] { 1, 2, 3 });
        using var scaled = counts.mul(HeldScalars.Of(4L));
        Assert.Equal(ScalarType.Int64, scaled.dtype);
        Assert.Equal([4L, 8L, 12L], scaled.data<long>().ToArray());
        using var halves = counts.mul(HeldScalars.Of(0.5));
        Assert.Equal([0.5f, 1f, 1.5f], halves.data<float>().ToArray());
    }

    [Fact]
    public void Only_the_freed_scalar_message_from_libtorch_counts_as_the_scalar_fault()
    {
        Assert.True(HeldScalars.IsScalarFault(new System.Runtime.InteropServices.ExternalException(
            "Expected false to be true, but got false.  (Could this error message be improved?)\nException raised from toFloat")));
        Assert.False(HeldScalars.IsScalarFault(new System.Runtime.InteropServices.ExternalException("linalg.inv: The diagonal element 3 is zero, the inversion could not be completed")));
        Assert.False(HeldScalars.IsScalarFault(new InvalidOperationException("Expected false to be true")));
    }
}
