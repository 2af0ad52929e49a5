using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>What the registry knows of one open lab (for listings and tests).</summary>
/// <param name="Id">The lab's id, e.g. <c>sparks-1f2e3d4c</c>; a page puts it in its URL as <c>lab=ID</c>.</param>
/// <param name="Kind"><c>sparks</c> or <c>attractor</c>.</param>
/// <param name="Sockets">Pages (sockets) attached now; 0 while the lab waits out its grace period.</param>
public sealed record LabInfo(string Id, string Kind, int Sockets);

/// <summary>
/// The studio's open labs, shared by the pages (tabs) that join them: <c>/ws/labs/KIND?lab=ID</c> joins lab ID when it
/// lives, and otherwise a new lab is made from the URL's settings. A lab whose last page left is disposed after the grace
/// period (a reload joins it again in time); at most <c>maxLabs</c> run at once: when a new one is asked for at the cap, the
/// lab that has had no page for longest makes room, and when every lab has a page the request is refused with one line.
/// </summary>
/// <remarks>Thread-safe; the labs keep their tensor work on their own threads, so the registry only counts and passes messages.</remarks>
public sealed class LabRegistry(IReadOnlyDictionary<string, LabSessionFactory> factories, int maxLabs, TimeSpan gracePeriod, TimeProvider time) : IAsyncDisposable
{
    readonly object gate = new();
    readonly Dictionary<string, SharedLab> labs = new(StringComparer.Ordinal);
    int creating;
    bool disposed;

    /// <summary>The lab kinds this studio makes.</summary>
    public IReadOnlyDictionary<string, LabSessionFactory> Factories => factories;

    /// <summary>The open labs, oldest first.</summary>
    public IReadOnlyList<LabInfo> List()
    {
        lock (gate) return [.. labs.Values.OrderBy(l => l.Created).Select(l => new LabInfo(l.Id, l.Kind, l.SocketCount))];
    }

    /// <summary>The open lab <paramref name="id"/>, or null.</summary>
    public SharedLab? Find(string id)
    {
        lock (gate) return labs.GetValueOrDefault(id);
    }

    /// <summary>Attaches <paramref name="channel"/> to lab <paramref name="id"/> of <paramref name="kind"/> when it lives,
    /// and otherwise to a new lab made from <paramref name="settings"/>.</summary>
    /// <returns>The lab and whether it already existed.</returns>
    /// <exception cref="UserInputException">Every one of the <c>maxLabs</c> labs has a page, or the settings are bad
    /// (a <see cref="Resonance.Labs.LabInputException"/> naming the key).</exception>
    public async Task<(SharedLab Lab, bool Joined)> JoinAsync(string kind, string? id, JsonObject settings, SocketChannel channel)
    {
        SharedLab? evict = null;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (id is not null && labs.TryGetValue(id, out var existing) && existing.Kind == kind && existing.Attach(channel))
                return (existing, true);
            if (labs.Count + creating >= maxLabs)
            {
                evict = labs.Values.Where(l => l.SocketCount == 0).MinBy(l => l.IdleSince)
                    ?? throw new UserInputException($"at most {maxLabs} labs run at once and all {maxLabs} are open in pages; " +
                        $"join one with ?lab=ID ({string.Join(", ", labs.Keys.Order())}) or close the pages of one");
                labs.Remove(evict.Id);
            }
            creating++;
        }
        if (evict is not null) await evict.EndAsync();
        SharedLab lab;
        try
        {
            var session = factories[kind](settings);
            lab = new SharedLab(NewId(kind), kind, session, this);
            try { await lab.LearnStateAsync(); }
            catch
            {
                await session.DisposeAsync();
                throw;
            }
            lab.Attach(channel);
        }
        finally
        {
            lock (gate) creating--;
        }
        bool orphan;
        lock (gate)
        {
            orphan = disposed;
            if (!orphan) labs.Add(lab.Id, lab);
        }
        if (orphan)
        {
            await lab.EndAsync();
            throw new ObjectDisposedException(nameof(LabRegistry));
        }
        return (lab, false);
    }

    /// <summary>Detaches a page; the lab ends after the grace period unless a page joins it again (at once if it was stopped).</summary>
    public void Leave(SharedLab lab, SocketChannel channel)
    {
        if (lab.Detach(channel) > 0) return;
        if (lab.IsStopped)
        {
            _ = EndIfIdleAsync(lab, lab.IdleGeneration);
            return;
        }
        long generation = lab.IdleGeneration;
        _ = WaitThenEndAsync(lab, generation);
    }

    async Task WaitThenEndAsync(SharedLab lab, long generation)
    {
        try
        {
            await Task.Delay(gracePeriod, time, lab.Ending);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await EndIfIdleAsync(lab, generation);
    }

    async Task EndIfIdleAsync(SharedLab lab, long generation)
    {
        lock (gate)
        {
            if (lab.SocketCount > 0 || lab.IdleGeneration != generation) return;   // a page came back in time
            if (labs.TryGetValue(lab.Id, out var listed) && listed == lab) labs.Remove(lab.Id);
        }
        await lab.EndAsync();
    }

    /// <summary>A stopped lab is no longer joined: a page that asks for its id gets a new lab.</summary>
    internal void Forget(SharedLab lab)
    {
        lock (gate)
            if (labs.TryGetValue(lab.Id, out var listed) && listed == lab) labs.Remove(lab.Id);
    }

    static string NewId(string kind) => $"{kind}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";

    /// <summary>Ends every lab (the studio is stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        List<SharedLab> all;
        lock (gate)
        {
            disposed = true;
            all = [.. labs.Values];
            labs.Clear();
        }
        foreach (var lab in all) await lab.EndAsync();
    }
}
