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
    readonly SemaphoreSlim sending = new(1, 1);

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
