using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Resonance.Benchmarks;

namespace Resonance.Studio;

/// <summary>What the clients of one shared spark lab received over real loopback WebSockets from a studio.</summary>
/// <param name="Clients">Sockets on the lab (one made it, the others joined with <c>lab=ID</c>).</param>
/// <param name="Seconds">Timed seconds.</param>
/// <param name="FramesPerSPerClient">Frames per second each client received, in client order.</param>
/// <param name="MedianLatencyMs">Median of publish-to-receive over every frame of every client (the frame header's wall-clock time
/// subtracted from the client's clock on receipt of the whole message).</param>
/// <param name="P95LatencyMs">Its 95th percentile.</param>
/// <param name="FrameBytes">Bytes of one frame.</param>
public sealed record StudioFramesResult(int Clients, double Seconds, IReadOnlyList<double> FramesPerSPerClient, double MedianLatencyMs, double P95LatencyMs, int FrameBytes);

/// <summary>The <c>resonance bench</c> row <c>studio-frames</c>: frames/s served by a studio (Kestrel on 127.0.0.1, a free port)
/// from one shared spark lab (N = 1,024, S = 64, layout on; N = 256, S = 16 with <c>--quick</c>) to 1 and to 4 WebSocket clients,
/// with the publish-to-receive latency: what <c>resonance bench --only spark-lab-frames</c> measures inside the process, plus the
/// encode, the socket hop and the client's receive.</summary>
public static class StudioFramesBenchmark
{
    /// <summary>Starts a studio over an empty runs folder, opens a lab, plays it, and lets <paramref name="clients"/> sockets read
    /// frames for <paramref name="seconds"/> after <paramref name="warmupSeconds"/>.</summary>
    public static async Task<StudioFramesResult> MeasureAsync(int neurons, int sparks, int clients, double seconds, double warmupSeconds = 0.5, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clients, 16);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        string root = Directory.CreateTempSubdirectory("resonance-bench-studio-").FullName;
        try
        {
            var options = new StudioOptions(root, "127.0.0.1", 0, new ExperimentCatalog(new Dictionary<string, string>(), null), ["resonance"]);
            await using var server = await StudioServer.StartAsync(options);
            string settings = $"seed={seed}&sparks.neurons={neurons}&sparks.spark_count={sparks}&layout.enabled=true";
            var sockets = new List<ClientWebSocket>();
            try
            {
                var first = await ConnectAsync(server.Address, settings, sockets);
                var welcome = await ReceiveTextAsync(first);
                string id = (string)welcome["id"]!;
                for (int i = 1; i < clients; i++) await ConnectAsync(server.Address, $"lab={id}", sockets);
                await first.SendAsync(Encoding.UTF8.GetBytes("""{"type": "play", "request": 1}"""), WebSocketMessageType.Text, true, CancellationToken.None);
                using var stop = new CancellationTokenSource();
                var start = Stopwatch.GetTimestamp() + (long)(warmupSeconds * Stopwatch.Frequency);
                var readers = sockets.Select(s => ReadAsync(s, start, stop.Token)).ToArray();
                await Task.Delay(TimeSpan.FromSeconds(warmupSeconds + seconds));
                await stop.CancelAsync();
                var results = await Task.WhenAll(readers);
                double elapsed = seconds;
                var latencies = results.SelectMany(r => r.LatenciesMs).Order().ToList();
                return new StudioFramesResult(clients, elapsed, [.. results.Select(r => r.Frames / elapsed)],
                    Percentile(latencies, 0.5), Percentile(latencies, 0.95), results.Max(r => r.FrameBytes));
            }
            finally
            {
                foreach (var socket in sockets) socket.Abort();
                foreach (var socket in sockets) socket.Dispose();
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The bench row: frames/s per client with 1 and 4 clients, latency median and p95 of both.</summary>
    public static BenchmarkCase Case() => new("studio-frames", "N=1024 S=64", "studio over loopback WebSockets, one shared spark lab, layout on, 1 and 4 clients (quick: N=256 S=16)", settings =>
    {
        bool quick = settings.MinRepeatSeconds < 1;
        int n = quick ? 256 : 1024, s = quick ? 16 : 64;
        double seconds = quick ? 1.5 : 4;
        var one = MeasureAsync(n, s, 1, seconds, seed: settings.Seed).GetAwaiter().GetResult();
        var four = MeasureAsync(n, s, 4, seconds, seed: settings.Seed).GetAwaiter().GetResult();
        return new BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double>
            {
                ["frames_1_client_per_s"] = one.FramesPerSPerClient[0],
                ["frames_4_clients_slowest_per_s"] = four.FramesPerSPerClient.Min(),
                ["frames_4_clients_mean_per_s"] = four.FramesPerSPerClient.Average(),
                ["latency_1_client_median_s"] = one.MedianLatencyMs / 1000,
                ["latency_1_client_p95_s"] = one.P95LatencyMs / 1000,
                ["latency_4_clients_median_s"] = four.MedianLatencyMs / 1000,
                ["latency_4_clients_p95_s"] = four.P95LatencyMs / 1000,
                ["frame_bytes"] = four.FrameBytes,
            },
            Note = $"N={n} S={s}: {one.FramesPerSPerClient[0]:F1} frames/s to 1 client (latency median {one.MedianLatencyMs:F1} ms, p95 {one.P95LatencyMs:F1}); " +
                $"to each of 4: {string.Join(", ", four.FramesPerSPerClient.Select(f => f.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} " +
                $"(latency median {four.MedianLatencyMs:F1} ms, p95 {four.P95LatencyMs:F1}); targets >= 30, >= 20 frames/s, < 100 ms",
        };
    });

    static async Task<ClientWebSocket> ConnectAsync(Uri address, string query, List<ClientWebSocket> sockets)
    {
        var socket = new ClientWebSocket();
        sockets.Add(socket);
        await socket.ConnectAsync(new Uri($"ws://{address.Authority}/ws/labs/sparks?{query}"), CancellationToken.None);
        return socket;
    }

    static async Task<JsonObject> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            var (type, length) = await ReceiveWholeAsync(socket, buffer, CancellationToken.None);
            if (type == WebSocketMessageType.Text)
            {
                var message = JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
                if ((string?)message["type"] == "error") throw new InvalidOperationException($"the studio refused the lab: {message["message"]}");
                return message;
            }
            if (type == WebSocketMessageType.Close) throw new InvalidOperationException("the studio closed the lab socket");
        }
    }

    static async Task<(int Frames, List<double> LatenciesMs, int FrameBytes)> ReadAsync(ClientWebSocket socket, long startTimestamp, CancellationToken stop)
    {
        var buffer = new byte[1 << 20];
        var latencies = new List<double>();
        int frames = 0, bytes = 0;
        try
        {
            while (true)
            {
                var (type, length) = await ReceiveWholeAsync(socket, buffer, stop);
                if (type == WebSocketMessageType.Close) break;
                if (type != WebSocketMessageType.Binary || Stopwatch.GetTimestamp() < startTimestamp) continue;
                double published = BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(64));          // ms since 1970, the frame header
                latencies.Add((DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds - published);
                bytes = length;
                frames++;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        return (frames, latencies, bytes);
    }

    static async Task<(WebSocketMessageType Type, int Length)> ReceiveWholeAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancel)
    {
        int length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancel);
            length += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close) return (result.MessageType, length);
        }
    }

    static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * (sorted.Count - 1) + 0.5))];
}
