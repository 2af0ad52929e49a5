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

    /// <summary>Binary messages (lab frames) received so far, newest last; text messages are what <see cref="ReceiveAsync"/> returns.</summary>
    public List<byte[]> Frames { get; } = [];

    /// <summary>The next text message parsed (binary ones are kept in <see cref="Frames"/>), or null when the server closed the socket.</summary>
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
            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Text) return JsonNode.Parse(message.ToArray())!.AsObject();
            Frames.Add(message.ToArray());
            message.SetLength(0);
        }
    }

    /// <summary>Reads messages until a frame satisfies <paramref name="match"/> (fails after <paramref name="seconds"/>);
    /// text messages met on the way are returned in order.</summary>
    public async Task<List<JsonObject>> WaitForFrameAsync(Func<byte[], bool> match, double seconds = 20)
    {
        var texts = new List<JsonObject>();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        int seen = 0;
        while (DateTime.UtcNow < until)
        {
            for (; seen < Frames.Count; seen++)
                if (match(Frames[seen])) return texts;
            using var deadline = new CancellationTokenSource(until - DateTime.UtcNow);
            var buffer = new byte[1 << 20];
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the studio closed the socket");
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Text) texts.Add(JsonNode.Parse(message.ToArray())!.AsObject());
            else Frames.Add(message.ToArray());
        }
        throw new TimeoutException($"no matching frame within {seconds} s");
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
