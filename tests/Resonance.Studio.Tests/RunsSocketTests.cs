using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary><c>/ws/runs</c>: the run list pushed on change, followed metrics pushed as lines are appended, bad messages answered.</summary>
public sealed class RunsSocketTests : StudioServerTests
{
    protected override void Populate()
    {
        runs.AddRun("first", "completed", DateTimeOffset.Parse("2026-11-01T10:00:00Z"), steps: 3);
    }

    static string[] Names(JsonObject message) => message["runs"]!.AsArray().Select(r => (string)r!["name"]!).ToArray();

    [Fact]
    public async Task The_list_comes_on_connect_and_again_when_a_run_appears()
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        var first = await client.WaitForAsync(m => (string?)m["type"] == "runs");
        Assert.Equal(["first"], Names(first));
        runs.AddRun("second", "running", DateTimeOffset.Parse("2026-11-03T10:00:00Z"));
        var next = await client.WaitForAsync(m => (string?)m["type"] == "runs");
        Assert.Equal(["second", "first"], Names(next));
    }

    [Fact]
    public async Task A_followed_run_sends_its_lines_then_each_appended_line_once_a_partial_line_waits_for_its_end()
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        await client.SendAsync("{\"follow\": \"first\"}");
        var all = await client.WaitForAsync(m => (string?)m["type"] == "metrics");
        Assert.Equal(0, (int)all["start"]!);
        Assert.Equal([0, 10, 20], all["lines"]!.AsArray().Select(l => (int)l!["step"]!));

        string metrics = Path.Combine(runs.Root, "first", "metrics.jsonl");
        File.AppendAllText(metrics, "{\"step\":30,\"modularity\":0.3}\n{\"step\":40,\"modu");
        var appended = await client.WaitForAsync(m => (string?)m["type"] == "metrics");
        Assert.Equal(3, (int)appended["start"]!);
        Assert.Equal([30], appended["lines"]!.AsArray().Select(l => (int)l!["step"]!));

        File.AppendAllText(metrics, "larity\":0.4}\n");
        var completed = await client.WaitForAsync(m => (string?)m["type"] == "metrics");
        Assert.Equal(4, (int)completed["start"]!);
        Assert.Equal(0.4, (double)completed["lines"]![0]!["modularity"]!);
    }

    [Theory]
    [InlineData("{\"follow\": \"first\", \"extra\": 1}", "unknown key \"extra\"; the keys are follow, unfollow")]
    [InlineData("{\"follow\": 12}", "follow: expected a string")]
    [InlineData("{\"follow\": \"nobody\"}", "follow: no run called \"nobody\"")]
    [InlineData("{\"follow\": \"../first\"}", "is not a plain name")]
    [InlineData("{}", "expected one key")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "expected a JSON object")]
    public async Task A_bad_message_is_answered_with_an_error_and_the_socket_stays_open(string text, string expected)
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        await client.SendAsync(text);
        var error = await client.WaitForAsync(m => (string?)m["type"] == "error");
        Assert.Contains(expected, (string)error["message"]!);
        await client.SendAsync("{\"follow\": \"first\"}");
        await client.WaitForAsync(m => (string?)m["type"] == "metrics");
    }

    [Fact]
    public async Task An_oversized_message_is_answered_then_the_socket_is_closed_with_1009()
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        await client.SendAsync("{\"follow\": \"" + new string('a', 70_000) + "\"}");
        var error = await client.WaitForAsync(m => (string?)m["type"] == "error");
        Assert.Contains("message too large: at most 65,536 bytes", (string)error["message"]!);
        while (await client.ReceiveAsync(TimeSpan.FromSeconds(10)) is not null) { }
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task A_socket_from_another_origin_is_refused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://attacker.example");
        var failure = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://{studio.Server.Address.Authority}/ws/runs"), CancellationToken.None));
        Assert.Contains("403", failure.Message);
    }

    [Fact]
    public async Task An_unknown_lab_is_answered_with_the_labs_there_are()
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/labs/gas");
        var message = await client.WaitForAsync(_ => true);
        Assert.Equal("no lab called \"gas\"; the labs are sparks, attractor", (string)message["message"]!);
    }
}
