using System.Net;
using System.Text.Json.Nodes;
using Resonance.Experiments;
using Resonance.Runs;

namespace Resonance.Studio.Tests;

/// <summary>A run started from the studio is a child <c>resonance run</c>; stopping it is Ctrl-C: it ends interrupted and resumable.</summary>
public sealed class StartStopTests : StudioServerTests
{
    /// <summary>A spark simulation small enough to start in a second and long enough to be stopped while it runs.</summary>
    public static readonly string[] TinySparks =
    [
        "sparks.neurons=32", "sparks.spark_count=4", "run.steps=10000000", "measures.every=20",
        "run.frame_every=0", "run.picture_steps=[]", "run.snapshot_every=0",
    ];

    [Fact]
    public async Task A_started_spark_run_logs_metrics_and_a_stop_leaves_it_interrupted_and_resumable()
    {
        var body = new JsonObject { ["experiment"] = "sparks", ["set"] = new JsonArray(TinySparks.Select(s => (JsonNode)s).ToArray()) };
        var started = await studio.PostJsonAsync("/api/runs", body.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        string name = (string)(await TestStudio.ReadJsonAsync(started))["name"]!;
        Assert.StartsWith("sparks-", name);

        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        await client.WaitForAsync(m => (string?)m["type"] == "runs" && m["runs"]!.AsArray().Any(r => (string)r!["name"]! == name && (bool)r["live"]!), 60);
        await client.SendAsync(new JsonObject { ["follow"] = name }.ToJsonString());
        await client.WaitForAsync(m => (string?)m["type"] == "metrics" && m["lines"]!.AsArray().Count > 0, 60);

        var stop = await studio.Http.PostAsync($"/api/runs/{name}/stop", null);
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Equal(130, await studio.Server.Processes.WaitAsync(name, wait.Token));

        var run = new RunDirectory(Path.Combine(runs.Root, name));
        Assert.Equal("interrupted", (string)run.ReadSummary()!["status"]!);
        var kinds = ExperimentKinds.CreateDefault();
        var (kind, config) = kinds.Detect(ConfigDocument.Load(run.ConfigPath));
        Assert.Equal("sparks", kind.Name);
        Assert.NotNull(kind.PrepareResume(run, config)); // a snapshot to continue from is there
        var again = await studio.Http.PostAsync($"/api/runs/{name}/stop", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("has already ended", await again.Content.ReadAsStringAsync());
    }
}
