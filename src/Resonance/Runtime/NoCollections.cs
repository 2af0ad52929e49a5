using System.Runtime;

namespace Resonance.Runtime;

/// <summary>Runs torch-heavy work with the garbage collector held off where the runtime allows it.</summary>
/// <remarks>
/// TorchSharp 0.107 passes a <c>Scalar</c>'s handle to libtorch without keeping the managed object alive; when another
/// thread (a test runner's, the JIT's, a display's) allocates and a collection finalizes that Scalar mid-call, libtorch
/// reads a freed Scalar ("Expected false to be true" from <c>c10::Scalar::toDouble</c>; docs/building.md). Work that makes
/// millions of such calls (a catalogue sweep, the chaos benchmark) hits it now and then. A no-GC region (up to its byte
/// budget) means no collection can run while the work runs; past the budget the runtime collects as usual and the work
/// still completes, only without the protection. The runtime reserves nothing up front for the budget: memory is committed as
/// it is allocated, so a large budget costs only the garbage that piles up until the region ends.
/// </remarks>
public static class NoCollections
{
    /// <summary>The budgets tried after the caller's, largest first: the runtime refuses a budget larger than it can reserve.</summary>
    static readonly long[] Budgets = [256L << 20, 64L << 20, 16L << 20];

    /// <summary>Runs <paramref name="body"/> inside a no-GC region where one can start.</summary>
    /// <param name="body">The work.</param>
    /// <param name="budgetBytes">The managed bytes the work may allocate before collections resume; null: 256 MiB.</param>
    public static void Run(Action body, long? budgetBytes = null)
    {
        bool started = Start(budgetBytes);
        try { body(); }
        finally { End(started); }
    }

    /// <summary>Runs <paramref name="body"/> inside a no-GC region where one can start, and returns its result.</summary>
    /// <param name="body">The work.</param>
    /// <param name="budgetBytes">The managed bytes the work may allocate before collections resume; null: 256 MiB.</param>
    public static T Run<T>(Func<T> body, long? budgetBytes = null)
    {
        bool started = Start(budgetBytes);
        try { return body(); }
        finally { End(started); }
    }

    /// <summary>Starts a no-GC region where the runtime allows it; true when one started.</summary>
    /// <param name="budgetBytes">The budget to try first; null: 256 MiB.</param>
    public static bool Start(long? budgetBytes = null)
    {
        bool started = false;
        foreach (long bytes in budgetBytes is long first ? [first, .. Budgets.Where(b => b < first)] : Budgets)
        {
            try { started = GC.TryStartNoGCRegion(bytes); }
            catch (ArgumentOutOfRangeException) { continue; }                  // more than this runtime can reserve: try less
            catch (InvalidOperationException) { }                              // a region already stands (nested use)
            break;
        }
        return started;
    }

    /// <summary>For long work that allocates more than one region's budget (a training of thousands of epochs): at a point where
    /// no torch call is in flight, ends the region that stands (if any), collects and runs the finalizers (so the garbage is
    /// reclaimed while nothing can be hurt by it), and starts a new region.</summary>
    /// <returns>Whether a new region started (the caller ends it with <see cref="End"/>).</returns>
    public static bool Restart(long? budgetBytes = null)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { }                              // ended by a collection in the meantime
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Start(budgetBytes);
    }

    /// <summary>Ends the region <see cref="Start"/> began, if it still stands.</summary>
    /// <returns>Whether the region held to the end (false when none started or the work outgrew its budget).</returns>
    public static bool End(bool started)
    {
        if (!started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return false;
        try
        {
            GC.EndNoGCRegion();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;                                                      // the budget ran out and a collection ended the region
        }
    }
}
