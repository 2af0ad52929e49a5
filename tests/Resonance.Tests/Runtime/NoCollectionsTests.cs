using System.Runtime;
using Resonance.Runtime;

namespace Resonance.Tests.Runtime;

/// <summary>The no-GC region around torch-heavy work: no collection inside its budget, the work completes past it, and the
/// process is back to ordinary collections afterwards.</summary>
public class NoCollectionsTests
{
    static object? sink;                                                   // keeps each allocation from being optimised away

    static void Allocate(long bytes)
    {
        for (long done = 0; done < bytes; done += 1024) sink = new byte[1000];
    }

    [Fact]
    public void No_collection_runs_while_the_work_stays_inside_its_budget()
    {
        int before = 0, after = -1;

        NoCollections.Run(() =>
        {
            before = GC.CollectionCount(0);
            Allocate(64L << 20);
            after = GC.CollectionCount(0);
        }, budgetBytes: 512L << 20);

        Assert.Equal(before, after);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Work_that_outgrows_its_budget_completes_and_collections_resume()
    {
        bool started = NoCollections.Start(budgetBytes: 16L << 20);
        Allocate(128L << 20);
        bool held = NoCollections.End(started);

        Assert.True(started);
        Assert.False(held);                                                 // the budget ran out: a collection ended the region
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.Equal(42, NoCollections.Run(() => 42));
    }

    [Fact]
    public void A_restart_collects_once_and_holds_collections_off_again_past_the_first_budget()
    {
        bool started = NoCollections.Start(budgetBytes: 64L << 20);
        Allocate(48L << 20);
        int before = GC.CollectionCount(0);
        bool restarted = NoCollections.Restart(budgetBytes: 64L << 20);
        int afterRestart = GC.CollectionCount(0);
        Allocate(48L << 20);                                                // 96 MiB in all: past one budget, inside two
        int afterWork = GC.CollectionCount(0);
        bool held = NoCollections.End(restarted);

        Assert.True(started);
        Assert.True(restarted);
        Assert.True(afterRestart > before, "the restart should collect");
        Assert.Equal(afterRestart, afterWork);                              // none while the second region holds
        Assert.True(held);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
