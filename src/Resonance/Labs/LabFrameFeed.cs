using System.Diagnostics;

namespace Resonance.Labs;

/// <summary>One published frame: its number, its bytes and when it was published.</summary>
/// <param name="Version">1 for the first frame of a lab, then one more per frame.</param>
/// <param name="Frame">The encoded frame (a lab's documented format); never modified after publishing.</param>
/// <param name="PublishedTimestamp">The <see cref="Stopwatch.GetTimestamp"/> of the publish, for latency figures.</param>
public readonly record struct LabFrameSlot(long Version, byte[] Frame, long PublishedTimestamp);

/// <summary>
/// A lab's latest frame, for any number of readers: a single slot that each publish overwrites, never a queue. A reader
/// asks for the next frame after the one it has and gets the newest; frames published while it was busy are skipped, so a
/// slow reader never slows the lab nor holds memory.
/// </summary>
/// <remarks>
/// End of stream: after <see cref="Complete"/> (the lab stopped or was disposed), <see cref="NextAsync"/> still returns a
/// frame newer than the one asked after, if there is one, and otherwise throws <see cref="OperationCanceledException"/>
/// at once (as it does when the reader's own token is cancelled); <see cref="IsCompleted"/> tells the two apart.
/// </remarks>
public sealed class LabFrameFeed
{
    readonly object gate = new();
    LabFrameSlot latest = new(0, [], 0);
    TaskCompletionSource next = NewSignal();
    bool completed;

    /// <summary>The version of the latest frame; 0 before the first.</summary>
    public long Version
    {
        get { lock (gate) return latest.Version; }
    }

    /// <summary>The latest frame (version 0 and no bytes before the first).</summary>
    public (long Version, byte[] Frame) Latest
    {
        get { lock (gate) return (latest.Version, latest.Frame); }
    }

    /// <summary>The latest frame with its publish time.</summary>
    public LabFrameSlot LatestSlot
    {
        get { lock (gate) return latest; }
    }

    /// <summary>Whether the lab has ended its stream.</summary>
    public bool IsCompleted
    {
        get { lock (gate) return completed; }
    }

    /// <summary>The newest frame with a version above <paramref name="after"/>, waiting for one if there is none yet.</summary>
    /// <param name="after">The version the reader already has (0 for none).</param>
    /// <param name="cancel">Stops the wait.</param>
    /// <exception cref="OperationCanceledException">The stream is complete with nothing newer, or <paramref name="cancel"/> fired.</exception>
    public async ValueTask<(long Version, byte[] Frame)> NextAsync(long after, CancellationToken cancel)
    {
        var slot = await NextSlotAsync(after, cancel).ConfigureAwait(false);
        return (slot.Version, slot.Frame);
    }

    /// <summary>As <see cref="NextAsync"/>, with the publish time.</summary>
    public async ValueTask<LabFrameSlot> NextSlotAsync(long after, CancellationToken cancel)
    {
        while (true)
        {
            Task signal;
            lock (gate)
            {
                if (latest.Version > after) return latest;
                if (completed) throw new OperationCanceledException("the lab has ended its frame stream");
                signal = next.Task;
            }
            cancel.ThrowIfCancellationRequested();
            await signal.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the latest frame and wakes every waiting reader. Only the lab's own thread publishes.</summary>
    internal void Publish(byte[] frame)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (completed) return;
            latest = new LabFrameSlot(latest.Version + 1, frame, Stopwatch.GetTimestamp());
            wake = next;
            next = NewSignal();
        }
        wake.TrySetResult();
    }

    /// <summary>Ends the stream: readers get what is newer than what they have, then <see cref="OperationCanceledException"/>.</summary>
    public void Complete()
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (completed) return;
            completed = true;
            wake = next;
        }
        wake.TrySetResult();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
