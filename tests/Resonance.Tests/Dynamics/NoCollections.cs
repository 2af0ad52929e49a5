using System.Runtime;

namespace Resonance.Tests.Dynamics;

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
        bool started = false;
        foreach (long bytes in new[] { 256L << 20, 64L << 20, 16L << 20 })
        {
            try { started = GC.TryStartNoGCRegion(bytes); }
            catch (ArgumentOutOfRangeException) { continue; }
            catch (InvalidOperationException) { }
            break;
        }
        try { body(); }
        finally
        {
            if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try { GC.EndNoGCRegion(); }
                catch (InvalidOperationException) { }                      // the budget ran out and a collection ended the region
            }
        }
    }
}
