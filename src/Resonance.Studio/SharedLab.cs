using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>
/// One lab and the pages (sockets) attached to it. Each page gets the frames (the newest only, per page) and the replies to
/// its own commands; when a command changes the lab's <c>state</c> or settings <c>revision</c> (play, pause, edit,
/// restore, stop) or takes a snapshot, every other page gets a <c>{"type": "state", ...}</c> push with the lab's whole state.
/// </summary>
public sealed class SharedLab
{
    readonly object gate = new();
    readonly List<SocketChannel> channels = [];
    readonly LabRegistry registry;
    readonly CancellationTokenSource ending = new();
    Task? ended;
    string? lastState;
    string? lastRevision;
    bool stopped;

    internal SharedLab(string id, string kind, ILabSession session, LabRegistry registry)
    {
        Id = id;
        Kind = kind;
        Session = session;
        this.registry = registry;
    }

    /// <summary>The lab's id (<c>sparks-1f2e3d4c</c>).</summary>
    public string Id { get; }

    /// <summary>The lab's kind.</summary>
    public string Kind { get; }

    /// <summary>The lab itself.</summary>
    public ILabSession Session { get; }

    internal DateTime Created { get; } = DateTime.UtcNow;

    internal DateTime IdleSince { get; private set; } = DateTime.UtcNow;

    /// <summary>One more each time the lab loses its last page (so a grace timer knows whether a page came and went since).</summary>
    internal long IdleGeneration { get; private set; }

    /// <summary>Fires when the lab ends (grace timers stop waiting).</summary>
    internal CancellationToken Ending => ending.Token;

    /// <summary>Pages attached now.</summary>
    public int SocketCount
    {
        get { lock (gate) return channels.Count; }
    }

    /// <summary>Whether a page stopped the lab (it is then no longer joined).</summary>
    public bool IsStopped
    {
        get { lock (gate) return stopped; }
    }

    internal bool Attach(SocketChannel channel)
    {
        lock (gate)
        {
            if (stopped || ended is not null) return false;
            channels.Add(channel);
            return true;
        }
    }

    /// <summary>Detaches a page; returns the pages left.</summary>
    internal int Detach(SocketChannel channel)
    {
        lock (gate)
        {
            channels.Remove(channel);
            if (channels.Count == 0)
            {
                IdleSince = DateTime.UtcNow;
                IdleGeneration++;
            }
            return channels.Count;
        }
    }

    /// <summary>Reads the lab's state and revision once, so that the first command that changes them is told to the other pages.</summary>
    internal async Task LearnStateAsync()
    {
        var reply = await Session.HandleAsync(new JsonObject { ["type"] = "state" });
        lock (gate) (lastState, lastRevision) = Read(reply);
    }

    static (string? State, string? Revision) Read(JsonObject reply) =>
        (reply["state"] is JsonValue s && s.TryGetValue(out string? text) ? text : null, reply["revision"]?.ToJsonString());

    /// <summary>Runs a command from <paramref name="sender"/> and returns its reply; tells the other pages when it changed the lab.</summary>
    /// <exception cref="UserInputException">A bad command (the lab's message, with its field).</exception>
    public async Task<JsonObject> HandleAsync(JsonObject command, SocketChannel sender, CancellationToken cancel)
    {
        string type = command["type"] is JsonValue value && value.TryGetValue(out string? name) ? name : "";
        var reply = await Session.HandleAsync(command);
        var (state, revision) = Read(reply);
        List<SocketChannel> others;
        bool changed;
        lock (gate)
        {
            // A state reply changes nothing and is answered beside the command in flight, so it may have been read on the lab
            // thread before that command ran and arrive here after it: it must not be taken for a change back (a stale push).
            changed = type != "state" && (state != lastState || revision != lastRevision || type == "snapshot");
            if (type != "state")
            {
                lastState = state;
                lastRevision = revision;
            }
            if (state == "stopped") stopped = true;
            others = [.. channels.Where(c => c != sender)];
        }
        if (state == "stopped") registry.Forget(this);
        if (changed && others.Count > 0)
        {
            var push = await WholeStateAsync(reply);
            long? serial = push["serial"] is JsonValue n && n.TryGetValue(out long v) ? v : null;
            foreach (var channel in others) channel.Post(push, serial);      // never waits on another page's socket
        }
        return reply;
    }

    /// <summary>The push for the other pages: the reply itself when it carries the settings, else a fresh <c>state</c> reply.</summary>
    async Task<JsonObject> WholeStateAsync(JsonObject reply)
    {
        JsonObject push;
        if (reply.ContainsKey("settings") || reply["state"]?.ToString() == "stopped") push = (JsonObject)reply.DeepClone();
        else
        {
            try { push = await Session.HandleAsync(new JsonObject { ["type"] = "state" }); }
            catch (UserInputException) { push = (JsonObject)reply.DeepClone(); }
        }
        push["type"] = "state";
        return push;
    }

    /// <summary>Ends the lab (idempotent): frees its thread and tensors.</summary>
    internal Task EndAsync()
    {
        lock (gate)
            ended ??= EndOnceAsync();
        return ended;
    }

    async Task EndOnceAsync()
    {
        await ending.CancelAsync();
        await Session.DisposeAsync();
    }
}
