using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Resonance.Runs;

namespace Resonance.Studio;

/// <summary>
/// <c>/ws/runs</c>: the server push of the Runs pages. The server sends <c>{"type": "runs", "runs": [...]}</c> when the
/// list changes (and on connect), and <c>{"type": "metrics", "run": NAME, "start": I, "lines": [...]}</c> with the lines
/// a followed run appended (<c>start</c> is the index of the first; 0 means "from the top": drop what you had). The page
/// sends <c>{"follow": NAME}</c> (NAME may be a sweep's point, <c>SWEEP/runs/POINT</c>) or <c>{"unfollow": NAME}</c>; anything else is answered with <c>{"type": "error"}</c>.
/// </summary>
public sealed class RunsSocket(string root, RunListWatcher watcher, RunProcesses processes, TimeSpan pollInterval, int maxMessageBytes)
{
    /// <summary>The most runs one page may follow at once (a compare view of many runs stays well below it).</summary>
    public const int MaxFollowed = 16;

    /// <summary>Serves one page until it closes the socket or the studio stops.</summary>
    public async Task ServeAsync(WebSocket socket, CancellationToken stopping)
    {
        var channel = new SocketChannel(socket, maxMessageBytes);
        var followed = new ConcurrentDictionary<string, MetricsFollower>(StringComparer.Ordinal);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var push = PushAsync(channel, followed, done.Token);
        try
        {
            while (await channel.ReceiveAsync(done.Token) is { } bytes)
            {
                try
                {
                    Apply(Messages.ParseObject(bytes), followed);
                }
                catch (Exception e) when (e is BadMessageException or UserInputException)
                {
                    await channel.SendAsync(new JsonObject { ["type"] = "error", ["message"] = e.Message }, done.Token);
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
        finally
        {
            await done.CancelAsync();
            try { await push; } catch (OperationCanceledException) { }
            await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "studio stopping");
        }
    }

    void Apply(JsonObject message, ConcurrentDictionary<string, MetricsFollower> followed)
    {
        Messages.OnlyKeys(message, "follow", "unfollow");
        if (message.Count != 1) throw new BadMessageException("expected one key: {\"follow\": NAME} or {\"unfollow\": NAME}");
        if (message.ContainsKey("unfollow"))
        {
            followed.TryRemove(Messages.Text(message, "unfollow"), out _);
            return;
        }
        string name = Messages.Text(message, "follow");
        RunNames.Check(name);
        // a run started from the page a moment ago may not have made its folder yet
        string? folder = RunNames.Folder(root, name);
        if ((folder is null || !Directory.Exists(folder)) && !processes.Knows(name)) throw new BadMessageException($"follow: no run called \"{name}\"");
        if (followed.Count >= MaxFollowed && !followed.ContainsKey(name))
            throw new BadMessageException($"follow: at most {MaxFollowed} runs at once; unfollow one first");
        followed[name] = new MetricsFollower(Path.Combine(folder ?? Path.Combine(root, name), "metrics.jsonl"));
    }

    async Task PushAsync(SocketChannel channel, ConcurrentDictionary<string, MetricsFollower> followed, CancellationToken cancel)
    {
        long sentVersion = -1;
        using var timer = new PeriodicTimer(pollInterval);
        do
        {
            var (version, json) = watcher.Current();
            if (version != sentVersion)
            {
                if (!await channel.SendTextAsync(json, cancel)) return;
                sentVersion = version;
            }
            foreach (var (name, follower) in followed)
            {
                var (start, lines) = follower.ReadNew();
                if (lines.Count == 0 && follower.Announced) continue;
                follower.Announced = true; // a newly followed run gets one message at once, empty or not

                var message = new JsonObject { ["type"] = "metrics", ["run"] = name, ["start"] = start, ["lines"] = new JsonArray(lines.Select(JsonNode (l) => l).ToArray()) };
                if (!await channel.SendAsync(message, cancel)) return;
            }
        }
        while (await timer.WaitForNextTickAsync(cancel));
    }

}
