using TorchSharp;

namespace Resonance.Runtime;

/// <summary>
/// Scalars for torch calls that stay alive while the calls run: one per value and thread, kept until the thread has made a
/// thousand different ones.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 converts a number to a <c>Scalar</c> implicitly and passes its handle to libtorch without keeping the
/// managed object alive; a collection that finalizes it mid-call corrupts the call ("Expected false to be true", see
/// <see cref="NoCollections"/>). Code that runs torch calls in a loop while other threads allocate (a lab's playing loop beside
/// the studio's sockets) passes <c>HeldScalars.Of(x)</c> instead of <c>x</c>, and an explicit <c>alpha</c> (<see cref="One"/>)
/// to every <c>add</c>, <c>add_</c> and <c>+</c> (TorchSharp makes their default alpha itself); <c>-</c>, <c>*</c> and <c>/</c>
/// between two tensors make no Scalar. Values repeat (options, constants), so the cache
/// stays small; when it is cleared no call of this thread is in flight, since the thread itself is here.
/// </remarks>
public static class HeldScalars
{
    /// <summary>Whether <paramref name="error"/> is the fault a freed Scalar causes (libtorch's "Expected false to be true" from
    /// <c>c10::Scalar</c>), not an error of the computation itself (a singular matrix, a bad shape).</summary>
    public static bool IsScalarFault(Exception error) =>
        error is System.Runtime.InteropServices.ExternalException && error.Message.Contains("Expected false to be true", StringComparison.Ordinal);

    const int MaxHeld = 1024;

    [ThreadStatic] static Dictionary<double, Scalar>? reals;
    [ThreadStatic] static Dictionary<long, Scalar>? integers;

    /// <summary>The floating-point 1, held alive: pass it as the <c>alpha</c> of <c>add</c> and <c>add_</c>, whose overloads
    /// without one make a temporary 1 inside TorchSharp that nothing keeps alive (the playing loop met the fault there).</summary>
    public static Scalar One => Of(1.0);

    /// <summary>The integer 1, held alive: the <c>alpha</c> of <c>add</c> and <c>add_</c> on integer tensors.</summary>
    public static Scalar IntegerOne => Of(1L);

    /// <summary>A floating-point Scalar of <paramref name="value"/>, held alive.</summary>
    public static Scalar Of(double value) => Get(ref reals, value, v => v.ToScalar());

    /// <summary>An integer Scalar of <paramref name="value"/> (keeps integer tensors integer), held alive.</summary>
    public static Scalar Of(long value) => Get(ref integers, value, v => v.ToScalar());

    static Scalar Get<T>(ref Dictionary<T, Scalar>? held, T value, Func<T, Scalar> make) where T : notnull
    {
        held ??= [];
        if (held.TryGetValue(value, out var scalar)) return scalar;
        if (held.Count >= MaxHeld) held.Clear();
        return held[value] = make(value);
    }
}
