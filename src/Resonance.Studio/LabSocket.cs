using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Resonance.Studio;

/// <summary>A live lab as the studio drives it: commands in, replies out, and a latest-frame feed.</summary>
/// <remarks>The lab keeps its tensor work on its own worker thread; the studio's request threads only pass messages.</remarks>
public interface ILabSession : IAsyncDisposable
{
    /// <summary>Handles one command from the page (play, pause, step, edit, ...) and returns the reply.</summary>
    /// <exception cref="UserInputException">A bad command or value; the message goes back to the page as an error.</exception>
    Task<JsonObject> HandleAsync(JsonObject command);

    /// <summary>The first frame newer than <paramref name="after"/> (waits for one); frames in between are dropped.</summary>
    ValueTask<(long Version, byte[] Frame)> NextFrameAsync(long after, CancellationToken cancel);

    /// <summary>A snapshot as a <c>.npz</c> file: the state now (<paramref name="snapshotId"/> null, taken on the lab's thread)
    /// or a kept snapshot; null when the lab has no snapshots (the attractor lab).</summary>
    /// <exception cref="UserInputException">No such kept snapshot, or the lab was stopped.</exception>
    Task<(byte[] Npz, long Step)?> SnapshotFileAsync(string? snapshotId) => Task.FromResult<(byte[] Npz, long Step)?>(null);
}

/// <summary>Makes a lab session from the settings the page opened it with (the URL's query, as JSON).</summary>
/// <exception cref="UserInputException">Bad settings.</exception>
public delegate ILabSession LabSessionFactory(JsonObject settings);

/// <summary>
/// <c>/ws/labs/{kind}?lab=ID&amp;key=value...</c>: a page's socket to a shared lab (<see cref="LabRegistry"/>). The first
/// message tells the page which lab it is on, <c>{"type": "lab", "id", "kind", "joined", "pages"}</c> (the page writes
/// <c>lab=ID</c> into its URL, so a reload or a second tab joins the same lab). Then text messages from the page are commands
/// (JSON objects) whose replies go back as text to that page alone, one command at a time in the order sent, except <c>cancel</c>
/// and <c>state</c>, which are handled at once beside a command in flight (a reply carries the command's <c>request</c> back, so a
/// page can tell which reply is which); a command that changes the lab's state reaches the other
/// pages as a <c>{"type": "state"}</c> push; frames go out as binary messages, the newest only per page (a slow page gets
/// fewer frames, never a queue). An unknown kind is answered with the kinds there are, and the socket closes.
/// </summary>
public sealed class LabSocket(LabRegistry registry, int maxMessageBytes)
{
    /// <summary>The query key that names the lab to join.</summary>
    public const string LabKey = "lab";

    /// <summary>Serves one page's lab until it closes the socket or the studio stops.</summary>
    /// <param name="kind">The lab kind from the path.</param>
    /// <param name="query">The URL's query: <c>lab</c> and the settings, as text.</param>
    /// <param name="socket">The accepted socket.</param>
    /// <param name="stopping">The studio is stopping.</param>
    public async Task ServeAsync(string kind, IEnumerable<KeyValuePair<string, string[]>> query, WebSocket socket, CancellationToken stopping)
    {
        var channel = new SocketChannel(socket, maxMessageBytes);
        var labs = registry.Factories;
        if (!labs.ContainsKey(kind))
        {
            await channel.SendAsync(Error(labs.Count == 0
                ? "this studio has no labs"
                : $"no lab called \"{(kind.Length > 40 ? kind[..40] + "..." : kind)}\"; the labs are {string.Join(", ", labs.Keys)}"), stopping);
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "no such lab");
            return;
        }
        SharedLab lab;
        bool joined;
        try
        {
            var (id, settings) = ReadQuery(query);
            (lab, joined) = await registry.JoinAsync(kind, id, settings, channel);
        }
        catch (Exception e) when (e is BadMessageException or UserInputException)
        {
            await channel.SendAsync(ErrorOf(e), stopping);
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad settings");
            return;
        }
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task frames = Task.CompletedTask;
        var queue = Channel.CreateBounded<(JsonObject Command, JsonNode? Request)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, SingleWriter = true });
        var quick = new SemaphoreSlim(MaxQuick, MaxQuick);                    // not disposed: a reply still in flight releases it after the socket ends
        try
        {
            await channel.SendAsync(new JsonObject { ["type"] = "lab", ["id"] = lab.Id, ["kind"] = kind, ["joined"] = joined, ["pages"] = lab.SocketCount }, done.Token);
            frames = PumpFramesAsync(lab.Session, channel, done.Token);
            _ = HandleInOrderAsync(queue.Reader, lab, channel, done.Token);
            while (await channel.ReceiveAsync(done.Token) is { } bytes)
            {
                JsonObject command;
                JsonNode? request;
                try
                {
                    command = Messages.ParseObject(bytes);
                    request = TakeRequest(command);
                }
                catch (BadMessageException e)
                {
                    await channel.SendAsync(ErrorOf(e), done.Token);
                    continue;
                }
                if (command["type"] is JsonValue type && type.TryGetValue(out string? name) && AtOnce.Contains(name))
                {
                    await quick.WaitAsync(done.Token);
                    _ = HandleAtOnceAsync(command, request, lab, channel, quick, done.Token);
                }
                else await queue.Writer.WriteAsync((command, request), done.Token);
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Writer.TryComplete();
            await done.CancelAsync();
            try { await frames; } catch (OperationCanceledException) { }
            registry.Leave(lab, channel);
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "lab closed");
        }
    }

    /// <summary>Commands answered at once, beside a command in flight (a <c>cancel</c> must reach the training it stops).</summary>
    public static readonly IReadOnlySet<string> AtOnce = new HashSet<string>(StringComparer.Ordinal) { "cancel", "state" };

    /// <summary>Most commands a page may have waiting behind the one in flight (then the socket reads no more until one ends).</summary>
    const int MaxQueued = 32;

    /// <summary>Most <see cref="AtOnce"/> commands of one page in flight together.</summary>
    const int MaxQuick = 4;

    /// <summary>Runs a page's commands one at a time, in the order sent, until the socket ends.</summary>
    static async Task HandleInOrderAsync(ChannelReader<(JsonObject Command, JsonNode? Request)> queue, SharedLab lab, SocketChannel channel, CancellationToken cancel)
    {
        try
        {
            await foreach (var (command, request) in queue.ReadAllAsync(cancel))
                await channel.SendAsync(await ReplyAsync(command, request, lab, channel, cancel), cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }

    static async Task HandleAtOnceAsync(JsonObject command, JsonNode? request, SharedLab lab, SocketChannel channel, SemaphoreSlim quick, CancellationToken cancel)
    {
        try
        {
            await channel.SendAsync(await ReplyAsync(command, request, lab, channel, cancel), cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            quick.Release();
        }
    }

    /// <summary>The reply to one command, or the error it met, carrying the command's <c>request</c> back.</summary>
    static async Task<JsonObject> ReplyAsync(JsonObject command, JsonNode? request, SharedLab lab, SocketChannel channel, CancellationToken cancel)
    {
        JsonObject reply;
        try
        {
            reply = await lab.HandleAsync(command, channel, cancel);
        }
        catch (Exception e) when (e is BadMessageException or UserInputException)
        {
            reply = ErrorOf(e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            reply = Error($"internal error in the lab: {e.Message.Split('\n')[0]}");             // a bug; the page keeps its socket
        }
        if (request is not null) reply["request"] = request.DeepClone();
        return reply;
    }

    /// <summary>Removes the command's <c>request</c>, a tag of the page's own (a number, or text up to 64 characters) that
    /// its reply carries back: replies to <see cref="AtOnce"/> commands may overtake the reply to a command in flight.</summary>
    /// <exception cref="BadMessageException">A <c>request</c> of another kind.</exception>
    public static JsonNode? TakeRequest(JsonObject command)
    {
        if (!command.Remove("request", out var request) || request is null) return null;
        return request.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => request,
            System.Text.Json.JsonValueKind.String when request.GetValue<string>().Length <= 64 => request,
            _ => throw new BadMessageException("request: expected a number or a text of at most 64 characters (the reply carries it back)"),
        };
    }

    /// <summary>The lab id and the settings from a URL query. Values are text there: <c>true</c> and <c>false</c> become
    /// booleans, numbers become JSON numbers (whole ones whole), anything else stays a string (the lab checks each key).</summary>
    /// <exception cref="BadMessageException">A key given twice, or a malformed lab id.</exception>
    public static (string? Id, JsonObject Settings) ReadQuery(IEnumerable<KeyValuePair<string, string[]>> query)
    {
        string? id = null;
        var settings = new JsonObject();
        foreach (var (key, values) in query)
        {
            if (values.Length != 1) throw new BadMessageException($"{Shorten(key)}: given {values.Length} times in the URL; give it once");
            string text = values[0];
            if (key == LabKey)
            {
                if (text.Length is 0 or > 60 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    throw new BadMessageException($"lab: expected a lab id such as sparks-1f2e3d4c, got \"{Shorten(text)}\"; leave it out for a new lab");
                id = text;
            }
            else settings[key] = Value(text);
        }
        return (id, settings);
    }

    static JsonNode Value(string text)
    {
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (text.Length > 0 && text.Length < 40 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole)) return JsonValue.Create(whole);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)) return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }

    static async Task PumpFramesAsync(ILabSession session, SocketChannel channel, CancellationToken cancel)
    {
        long version = 0;
        while (!cancel.IsCancellationRequested)
        {
            var (next, frame) = await session.NextFrameAsync(version, cancel);
            version = next;
            if (!await channel.SendAsync(frame, WebSocketMessageType.Binary, cancel)) return;
        }
    }

    static JsonObject ErrorOf(Exception e)
    {
        var error = Error(e.Message);
        if (e is Resonance.Labs.LabInputException { Field: { } field })
            error["field"] = field;
        return error;
    }

    static JsonObject Error(string message) => new() { ["type"] = "error", ["message"] = message };

    static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
