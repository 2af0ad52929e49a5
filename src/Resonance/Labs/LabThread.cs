using System.Collections.Concurrent;

namespace Resonance.Labs;

/// <summary>
/// The one thread a lab's tensors live on: a dedicated background <see cref="Thread"/> with a work queue. Other threads
/// hand it work with <see cref="InvokeAsync{T}"/>; between queued items it calls the lab's idle work (a simulation step
/// while playing), so commands interleave with steps and never run beside them.
/// </summary>
/// <remarks>
/// Hand-written rather than a task scheduler or the thread pool on purpose: with TorchSharp 0.107, while one thread is
/// inside libtorch and another allocates managed memory, libtorch now and then reads a broken Scalar ("Expected false to
/// be true" from <c>c10::Scalar::toFloat</c>) or crashes (docs/building.md). Keeping every tensor operation of a lab on one
/// thread that we own, and never on pool threads that also serve requests, is the rule that avoids it; this class is the
/// whole of that rule. Work runs in the order queued; a faulted item faults only its own task.
/// </remarks>
public sealed class LabThread : IDisposable
{
    readonly ConcurrentQueue<Action> queue = new();
    readonly AutoResetEvent wake = new(false);
    readonly Thread thread;
    readonly object gate = new();
    volatile bool stopping;
    bool closed;                                                                    // no more work is taken (under gate)
    Func<TimeSpan?>? idle;
    long serial;                                                                    // written by the lab thread only

    /// <summary>Starts the thread.</summary>
    /// <param name="name">The thread's name (shown by debuggers and dumps).</param>
    public LabThread(string name)
    {
        thread = new Thread(Loop) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Whether the caller is this lab thread.</summary>
    public bool IsCurrent => Thread.CurrentThread == thread;

    /// <summary>How many queued work items have started. Read inside queued work, it orders what the lab did: a reply built
    /// by a later command carries a larger serial, whichever request thread gets its reply first (so a page can tell a
    /// stale state push from a fresh one).</summary>
    public long Serial => Volatile.Read(ref serial);

    /// <summary>The exception the idle work last threw (a bug); the idle work is then dropped until set again.</summary>
    public Exception? IdleFault { get; private set; }

    /// <summary>Sets the work done whenever the queue is empty (call it from the lab thread, inside queued work). It returns
    /// how long to wait before calling it again (<see cref="TimeSpan.Zero"/>: at once; a new queued item cuts the wait
    /// short), or null for "nothing to do until the next command".</summary>
    public void SetIdle(Func<TimeSpan?>? work)
    {
        idle = work;
        if (work is not null) IdleFault = null;
    }

    /// <summary>Runs <paramref name="work"/> on the lab thread and completes with its result or its exception. Work queued after
    /// <see cref="Dispose"/> fails with <see cref="ObjectDisposedException"/>; work cancelled before it starts is skipped.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work, CancellationToken cancel = default)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (closed)
            {
                done.SetException(new ObjectDisposedException(thread.Name, "the lab has ended"));
                return done.Task;
            }
            queue.Enqueue(() =>
            {
                if (cancel.IsCancellationRequested) { done.TrySetCanceled(cancel); return; }
                try { done.TrySetResult(work()); }
                catch (Exception e) { done.TrySetException(e); }
            });
        }
        wake.Set();
        return done.Task;
    }

    /// <summary>As <see cref="InvokeAsync{T}"/> for work without a result.</summary>
    public Task InvokeAsync(Action work, CancellationToken cancel = default) => InvokeAsync(() => { work(); return true; }, cancel);

    void Loop()
    {
        while (true)
        {
            while (queue.TryDequeue(out var item))
            {
                Volatile.Write(ref serial, serial + 1);
                item();
            }
            if (stopping) break;
            TimeSpan? wait = null;
            if (idle is { } work)
            {
                try { wait = work(); }
                catch (Exception e)
                {
                    IdleFault = e;
                    idle = null;
                }
            }
            if (wait == TimeSpan.Zero) continue;
            if (wait is { } delay) wake.WaitOne(delay);
            else wake.WaitOne();
        }
        lock (gate) closed = true;
        while (queue.TryDequeue(out var late))
            late();                                                                 // still runs: each fails or completes its task
    }

    /// <summary>Runs the work already queued, then ends the thread and waits for it (unless called from it).</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        wake.Set();
        if (!IsCurrent) thread.Join();
    }
}
