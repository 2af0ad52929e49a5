using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>
/// One WebSocket with the studio's rules: sends from several tasks are serialised, a received message is at most
/// <c>maxBytes</c> (a longer one is answered with an error and the socket closed with 1009), and sends to a page that
/// went away end quietly.
/// </summary>
public sealed class SocketChannel(WebSocket socket, int maxBytes)
{
    /// <summary>Most messages <see cref="Post"/> keeps waiting for a page that does not read; then the oldest is dropped.</summary>
    public const int MaxPosted = 8;

    readonly SemaphoreSlim sending = new(1, 1);
    readonly System.Threading.Channels.Channel<byte[]> posted = System.Threading.Channels.Channel.CreateBounded<byte[]>(
        new System.Threading.Channels.BoundedChannelOptions(MaxPosted) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest, SingleReader = true });
    readonly object postGate = new();
    Task? posting;
    long newestPosted = long.MinValue;                                             // under postGate

    public WebSocket Socket => socket;

    /// <summary>Sends a JSON text message; false when the socket is no longer open.</summary>
    public Task<bool> SendAsync(JsonNode message, CancellationToken cancel) =>
        SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString(Messages.Json)), WebSocketMessageType.Text, cancel);

    /// <summary>Sends text that is already JSON; false when the socket is no longer open.</summary>
    public Task<bool> SendTextAsync(string json, CancellationToken cancel) =>
        SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, cancel);

    /// <summary>Sends one message; false when the socket is no longer open.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancel)
    {
        await sending.WaitAsync(cancel);
        try
        {
            if (socket.State != WebSocketState.Open) return false;
            await socket.SendAsync(payload, type, endOfMessage: true, cancel);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>Queues a JSON text message for this page and returns at once; the messages go out in the order posted. For what
    /// one page's action tells the others (a lab's state push): the sender must not wait on a page that reads slowly or not at
    /// all (whose socket's buffers are full), or one stalled tab would hold up every page's commands. At most
    /// <see cref="MaxPosted"/> wait; older ones are dropped (each push is the lab's whole state, so the newest is enough).</summary>
    /// <param name="message">The message.</param>
    /// <param name="serial">The lab's serial of the state it carries (<c>LabThread.Serial</c>), or null: a message whose serial
    /// is not above the newest posted to this page is dropped, so two pages' changes made at once cannot reach a third page
    /// newest first and leave it showing the older state.</param>
    public void Post(JsonNode message, long? serial = null)
    {
        byte[] text = Encoding.UTF8.GetBytes(message.ToJsonString(Messages.Json));
        lock (postGate)
        {
            if (serial is { } s)
            {
                if (s <= newestPosted) return;                                  // an older state than one already posted
                newestPosted = s;
            }
            if (!posted.Writer.TryWrite(text)) return;                          // closed
            posting ??= SendPostedAsync();
        }
    }

    async Task SendPostedAsync()
    {
        await foreach (byte[] message in posted.Reader.ReadAllAsync())
            if (!await SendAsync(message, WebSocketMessageType.Text, CancellationToken.None)) break;
    }

    /// <summary>The next whole text message, or null when the page closed the socket (or sent something the studio
    /// answered with a close: an oversized or binary message).</summary>
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[maxBytes + 1];
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancel);
            }
            catch (Exception e) when (e is WebSocketException or IOException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
                return null;
            }
            length += result.Count;
            if (length > maxBytes)
            {
                await SendAsync(new JsonObject { ["type"] = "error", ["message"] = $"message too large: at most {maxBytes:N0} bytes" }, cancel);
                await CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too large");
                return null;
            }
            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await SendAsync(new JsonObject { ["type"] = "error", ["message"] = "expected text messages (JSON), got a binary one" }, cancel);
                length = 0;
                continue;
            }
            return buffer[..length];
        }
    }

    /// <summary>Closes the socket if it is still open (errors from a page that already left are ignored).</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        posted.Writer.TryComplete();
        await sending.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseAsync(status, reason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            sending.Release();
        }
    }
}
