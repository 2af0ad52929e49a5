using Resonance.Labs;

namespace Resonance.Tests.Labs;

public class LabThreadTests
{
    [Fact]
    public async Task All_work_runs_on_one_named_background_thread_in_the_order_queued()
    {
        using var lab = new LabThread("test-lab");
        var seen = new List<(int Thread, string? Name, bool Background, int Order)>();
        var tasks = Enumerable.Range(0, 20).Select(i => lab.InvokeAsync(() =>
        {
            seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsBackground, i));
            return i;
        })).ToArray();
        Assert.Equal(Enumerable.Range(0, 20), await Task.WhenAll(tasks));
        Assert.Single(seen.Select(s => s.Thread).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
        Assert.All(seen, s => Assert.Equal(("test-lab", true), (s.Name, s.Background)));
        Assert.Equal(Enumerable.Range(0, 20), seen.Select(s => s.Order));
    }

    [Fact]
    public async Task A_failing_item_faults_only_its_own_task()
    {
        using var lab = new LabThread("test-lab");
        var bad = lab.InvokeAsync<int>(() => throw new InvalidOperationException("boom"));
        var good = lab.InvokeAsync(() => 5);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => bad)).Message);
        Assert.Equal(5, await good);
    }

    [Fact]
    public async Task Idle_work_runs_between_commands_on_the_lab_thread()
    {
        using var lab = new LabThread("test-lab");
        int ticks = 0, idleThread = 0;
        int labThread = await lab.InvokeAsync(() =>
        {
            lab.SetIdle(() =>
            {
                idleThread = Environment.CurrentManagedThreadId;
                return ++ticks < 50 ? TimeSpan.Zero : null;
            });
            return Environment.CurrentManagedThreadId;
        });
        // Every command is followed by at least one call of the idle work, so this loop ends.
        int seen;
        do seen = await lab.InvokeAsync(() => ticks); while (seen < 50);
        Assert.Equal(labThread, idleThread);
    }

    [Fact]
    public async Task Idle_work_that_throws_is_dropped_and_its_exception_kept()
    {
        using var lab = new LabThread("test-lab");
        await lab.InvokeAsync(() => lab.SetIdle(() => throw new InvalidOperationException("bug")));
        // Commands keep running; the fault is seen once the loop has called the idle work.
        Exception? fault = null;
        for (int i = 0; i < 1000 && fault is null; i++) fault = await lab.InvokeAsync(() => lab.IdleFault);
        Assert.Equal("bug", fault?.Message);
    }

    [Fact]
    public async Task Work_queued_after_dispose_fails_with_object_disposed()
    {
        var lab = new LabThread("test-lab");
        Assert.Equal(1, await lab.InvokeAsync(() => 1));
        lab.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => lab.InvokeAsync(() => 2));
    }
}
