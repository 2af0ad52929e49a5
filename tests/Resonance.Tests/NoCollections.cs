using System.Runtime;

using System.Reflection;
using Xunit.Sdk;

namespace Resonance.Tests;

/// <summary>Runs torch-heavy test bodies with the garbage collector held off where the runtime allows it.</summary>
/// <remarks>
/// TorchSharp 0.107 passes a <c>Scalar</c>'s handle to libtorch without keeping the managed object alive; when another
/// thread (the test runner's) allocates and a collection finalizes that Scalar mid-call, libtorch reads a freed Scalar
/// ("Expected false to be true" from <c>c10::Scalar::toDouble</c>; docs/building.md). The catalogue tests make millions
/// of such calls, so they hit it now and then. A no-GC region (up to its byte budget) means no collection can run while
/// the body runs; past the budget the runtime collects as usual and the body still completes.
/// </remarks>
internal static class NoCollections
{
    public static void Run(Action body)
    {
        bool started = Start();
        try { body(); }
        finally { End(started); }
    }

    /// <summary>Starts a no-GC region where the runtime allows it; true when one started.</summary>
    public static bool Start()
    {
        bool started = false;
        foreach (long bytes in new[] { 256L << 20, 64L << 20, 16L << 20 })
        {
            try { started = GC.TryStartNoGCRegion(bytes); }
            catch (ArgumentOutOfRangeException) { continue; }
            catch (InvalidOperationException) { }
            break;
        }
        return started;
    }

    /// <summary>Ends the region <see cref="Start"/> began, if it still stands.</summary>
    public static void End(bool started)
    {
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { }                          // the budget ran out and a collection ended the region
        }
    }
}

/// <summary>Runs each test of a class inside <see cref="NoCollections"/> (for classes whose tests make many small libtorch calls).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class NoCollectionsAttribute : BeforeAfterTestAttribute
{
    [ThreadStatic] static bool started;

    public override void Before(MethodInfo methodUnderTest) => started = NoCollections.Start();

    public override void After(MethodInfo methodUnderTest) => NoCollections.End(started);
}
