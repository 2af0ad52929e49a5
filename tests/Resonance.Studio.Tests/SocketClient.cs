using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary>A test's WebSocket to the studio: send JSON, wait for the next message that matches (with a deadline).</summary>
public sealed class SocketClient : IAsyncDisposable
{
    readonly ClientWebSocket socket = new();

    public static async Task<SocketClient> ConnectAsync(Uri address, string path)
    {
        var client = new SocketClient();
        await client.socket.ConnectAsync(new Uri($"ws://{address.Authority}{path}"), CancellationToken.None);
        return client;
    }

    public WebSocket Socket => socket;
    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public Task SendAsync(string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text message parsed, or null when the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    /// <summary>Messages until one satisfies <paramref name="match"/> (fails after <paramref name="seconds"/>).</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, double seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            var message = await ReceiveAsync(until - DateTime.UtcNow) ?? throw new InvalidOperationException("the studio closed the socket");
            if (match(message)) return message;
        }
        throw new TimeoutException($"no matching message within {seconds} s");
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        socket.Dispose();
    }
}
