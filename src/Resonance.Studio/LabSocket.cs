using System.Net.WebSockets;
using System.Text.Json.Nodes;

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
}

/// <summary>Makes a lab session from the settings the page opened it with (the URL's query, as JSON).</summary>
/// <exception cref="UserInputException">Bad settings.</exception>
public delegate ILabSession LabSessionFactory(JsonObject settings);

/// <summary>
/// <c>/ws/labs/{kind}</c>: one lab session per socket. Text messages from the page are commands (JSON objects) handed to
/// <see cref="ILabSession.HandleAsync"/>, whose reply goes back as text; frames go out as binary messages, the newest
/// only (a slow page gets fewer frames, never a queue). An unknown kind is answered with the kinds there are, and the socket closes.
/// </summary>
public sealed class LabSocket(IReadOnlyDictionary<string, LabSessionFactory> labs, int maxMessageBytes)
{
    /// <summary>Serves one page's lab until it closes the socket or the studio stops.</summary>
    public async Task ServeAsync(string kind, JsonObject settings, WebSocket socket, CancellationToken stopping)
    {
        var channel = new SocketChannel(socket, maxMessageBytes);
        if (!labs.TryGetValue(kind, out var factory))
        {
            await channel.SendAsync(Error(labs.Count == 0
                ? "this studio has no labs"
                : $"no lab called \"{(kind.Length > 40 ? kind[..40] + "..." : kind)}\"; the labs are {string.Join(", ", labs.Keys)}"), stopping);
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "no such lab");
            return;
        }
        ILabSession session;
        try
        {
            session = factory(settings);
        }
        catch (UserInputException e)
        {
            var error = Error(e.Message);
            if (e is Resonance.Labs.LabInputException { Field: { } field })
                error["field"] = field;
            await channel.SendAsync(error, stopping);
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad settings");
            return;
        }
        await using var _ = session;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var frames = PumpFramesAsync(session, channel, done.Token);
        try
        {
            while (await channel.ReceiveAsync(done.Token) is { } bytes)
            {
                JsonObject reply;
                try
                {
                    reply = await session.HandleAsync(Messages.ParseObject(bytes));
                }
                catch (Exception e) when (e is BadMessageException or UserInputException)
                {
                    reply = Error(e.Message);
                    if (e is Resonance.Labs.LabInputException { Field: { } field })
                        reply["field"] = field;
                }
                await channel.SendAsync(reply, done.Token);
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
        finally
        {
            await done.CancelAsync();
            try { await frames; } catch (OperationCanceledException) { }
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "lab closed");
        }
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

    static JsonObject Error(string message) => new() { ["type"] = "error", ["message"] = message };
}
