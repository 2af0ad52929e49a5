using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary><see cref="SocketChannel.Post"/> over a real loopback socket: state pushes go out in the lab's order (their serial),
/// an older one posted after a newer one is dropped, and messages without a serial always go out.</summary>
public sealed class SocketChannelTests
{
    /// <summary>A connected pair of WebSockets over loopback TCP (framing only; no HTTP handshake is needed for that).</summary>
    static async Task<(WebSocket Server, SocketClientEnd Client)> PairAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await listener.AcceptTcpClientAsync();
        await connecting;
        listener.Stop();
        var server = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true });
        var end = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
        return (server, new SocketClientEnd(end));
    }

    sealed class SocketClientEnd(WebSocket socket)
    {
        public async Task<JsonObject> ReceiveAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[1 << 16];
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            return JsonNode.Parse(buffer.AsSpan(0, result.Count))!.AsObject();
        }
    }

    [Fact]
    public async Task A_push_older_than_one_already_posted_is_dropped()
    {
        var (server, client) = await PairAsync();
        var channel = new SocketChannel(server, 1024);
        channel.Post(new JsonObject { ["type"] = "state", ["serial"] = 5 }, 5);
        channel.Post(new JsonObject { ["type"] = "state", ["serial"] = 4 }, 4);     // made earlier, arrived later: dropped
        channel.Post(new JsonObject { ["type"] = "state", ["serial"] = 5 }, 5);     // the same state again: dropped
        channel.Post(new JsonObject { ["type"] = "note" });                         // no serial: always sent
        channel.Post(new JsonObject { ["type"] = "state", ["serial"] = 9 }, 9);

        Assert.Equal(5, (int)(await client.ReceiveAsync())["serial"]!);
        Assert.Equal("note", (string)(await client.ReceiveAsync())["type"]!);
        Assert.Equal(9, (int)(await client.ReceiveAsync())["serial"]!);
        server.Dispose();
    }
}
