using System.Net;
using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary>A sweep through the HTTP API and the runs socket: its details carry the settings and points, its points are
/// runs of their own at <c>SWEEP/runs/POINT</c>, and nothing reaches outside the runs folder through a sweep.</summary>
public sealed class SweepApiTests : StudioServerTests
{
    const string Sweep = "demo-sweep";
    protected override void Populate()
    {
        TestSweeps.Add(runs.Root, Sweep, completed: 3);
        runs.AddRun("plain", "completed", DateTimeOffset.Parse("2026-11-01T10:00:00Z"));
    }

    async Task<JsonObject> GetJsonAsync(string path)
    {
        var response = await studio.GetRawAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await TestStudio.ReadJsonAsync(response);
    }

    [Fact]
    public async Task A_sweep_is_one_row_of_the_list_with_its_point_counts_read_from_its_points_while_it_runs()
    {
        var list = (await GetJsonAsync("/api/runs"))["runs"]!.AsArray();
        Assert.Equal([Sweep, "plain"], list.Select(r => (string)r!["name"]!));
        var progress = list[0]!["progress"]!;
        Assert.Equal(4, (int)progress["points"]!);
        Assert.Equal(3, (int)progress["completed"]!);
        Assert.Equal(1, (int)progress["running"]!);
        Assert.Equal(0, (int)progress["pending"]!);
        Assert.Null(list[1]!["progress"]);
    }

    [Fact]
    public async Task A_sweeps_details_have_its_keys_settings_with_mean_and_interval_and_every_point()
    {
        var run = await GetJsonAsync($"/api/runs/{Sweep}");
        Assert.Equal("sweep", (string)run["kind"]!);
        var sweep = run["sweep"]!;
        Assert.Equal(["training.lr"], sweep["keys"]!.AsArray().Select(k => (string)k!));
        Assert.Equal(["test_loss"], sweep["figures"]!.AsArray().Select(k => (string)k!)); // epochs_completed is 1 everywhere: left out
        Assert.Equal(3, (int)sweep["counts"]!["completed"]!);

        var settings = sweep["settings"]!.AsArray();
        Assert.Equal(["0.01", "0.02"], settings.Select(s => (string)s!["values"]!["training.lr"]!));
        Assert.Equal([2, 1], settings.Select(s => (int)s!["seedsCompleted"]!));
        Assert.Equal([2, 2], settings.Select(s => (int)s!["seeds"]!));
        var first = settings[0]!["figures"]!["test_loss"]!;
        Assert.Equal(0.2, (double)first["mean"]!, 12);
        Assert.Equal(TestSweeps.T975OneDegree * 0.1, (double)first["ci95"]!, 9); // s = 0.1414, s / sqrt(2) = 0.1
        Assert.Equal(2, (int)first["n"]!);
        var second = settings[1]!["figures"]!["test_loss"]!;
        Assert.Equal(0.05, (double)second["mean"]!, 12);
        Assert.Null(second["ci95"]); // one seed: no interval
        Assert.Equal(1, (int)sweep["best"]!); // the lower test loss

        var points = sweep["points"]!.AsArray();
        Assert.Equal(["p000", "p001", "p002", "p003"], points.Select(p => (string)p!["name"]!));
        Assert.Equal(["completed", "completed", "completed", "running"], points.Select(p => (string)p!["state"]!));
        Assert.Equal([1, 2, 1, 2], points.Select(p => (int)p!["seed"]!));
        Assert.Equal($"{Sweep}/runs/p001", (string)points[1]!["run"]!);
        Assert.Equal(0.3, (double)points[1]!["figures"]!["test_loss"]!, 12);
        Assert.Null(points[3]!["figures"]!["test_loss"]);
        Assert.Equal("0.02", (string)points[3]!["values"]!["training.lr"]!);
    }

    [Fact]
    public async Task A_point_of_a_sweep_is_served_as_a_run_with_its_metrics_plots_and_files()
    {
        var run = await GetJsonAsync($"/api/runs/{Sweep}/runs/p001");
        Assert.Equal($"{Sweep}/runs/p001", (string)run["name"]!);
        Assert.Equal("training", (string)run["kind"]!);
        Assert.Equal("completed", (string)run["status"]!);
        Assert.StartsWith("kind: training", (string)run["config"]!);
        Assert.Equal([1, 2, 3], run["metrics"]!.AsArray().Select(l => (int)l!["step"]!));
        Assert.Equal([$"{Sweep}/runs/p001/plots/loss.png"], run["plots"]!.AsArray().Select(p => (string)p!));
        Assert.Null(run["sweep"]);

        var plot = await studio.GetRawAsync($"/files/{Sweep}/runs/p001/plots/loss.png");
        Assert.Equal(HttpStatusCode.OK, plot.StatusCode);
        Assert.Equal(TestRuns.Png, await plot.Content.ReadAsByteArrayAsync());
        var summary = await studio.GetRawAsync($"/files/{Sweep}/runs/p001/summary.json");
        Assert.Equal(0.3, (double)JsonNode.Parse(await summary.Content.ReadAsStringAsync())!["test_loss"]!, 12);
    }

    [Theory]
    [InlineData("/api/runs/plain/runs/p000")]          // not a sweep
    [InlineData("/api/runs/demo-sweep/runs/p009")]     // no such point
    [InlineData("/api/runs/demo-sweep/points/p000")]   // not a point's folder
    [InlineData("/api/runs/demo-sweep/runs/p000/runs/p000")]
    public async Task Other_nested_names_are_not_runs(string path)
    {
        var response = await studio.GetRawAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/files/demo-sweep/runs/../../../secret.txt")]
    [InlineData("/files/demo-sweep/runs/p000/../../../../secret.txt")]
    [InlineData("/files/demo-sweep/runs/%2e%2e/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/files/demo-sweep%2fruns%2f..%2f..%2f..%2fsecret.txt")]
    [InlineData("/files/demo-sweep/runs/p000%2f..%2f..%2f..%2f..%2fsecret.txt")]
    [InlineData("/files/demo-sweep/runs/%252e%252e/%252e%252e/%252e%252e/secret.txt")]
    [InlineData("/api/runs/demo-sweep/runs/..%2f..%2f..%2fsecret.txt")]
    [InlineData("/api/runs/demo-sweep/runs/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt")]
    [InlineData("/api/runs/%2e%2e/runs/secret.txt")]
    [InlineData("/api/runs/demo-sweep/runs/.hidden")]
    public async Task Dot_dot_through_a_sweep_is_refused(string path)
    {
        var response = await studio.GetRawAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TestRuns.Secret, text);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
        Assert.Contains("\"error\"", text);
    }

    [Fact]
    public async Task A_point_folder_that_links_outside_the_runs_folder_is_not_served()
    {
        string outside = Path.Combine(runs.Parent, "elsewhere");
        runs.AddRun("../elsewhere", "completed", DateTimeOffset.Parse("2026-11-01T10:00:00Z"));
        Directory.CreateSymbolicLink(Path.Combine(runs.Root, Sweep, "runs", "p003x"), outside);
        var details = await studio.GetRawAsync($"/api/runs/{Sweep}/runs/p003x");
        Assert.Equal(HttpStatusCode.NotFound, details.StatusCode);
        var file = await studio.GetRawAsync($"/files/{Sweep}/runs/p003x/summary.json");
        Assert.Equal(HttpStatusCode.Forbidden, file.StatusCode);
        Assert.Contains("outside the runs folder", await file.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_point_of_a_sweep_can_be_followed_over_the_runs_socket_and_a_bad_nested_name_is_answered()
    {
        await using var client = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/runs");
        await client.SendAsync($"{{\"follow\": \"{Sweep}/runs/p002\"}}");
        var lines = await client.WaitForAsync(m => (string?)m["type"] == "metrics");
        Assert.Equal($"{Sweep}/runs/p002", (string)lines["run"]!);
        Assert.Equal([1, 2, 3], lines["lines"]!.AsArray().Select(l => (int)l!["step"]!));

        await client.SendAsync($"{{\"follow\": \"{Sweep}/runs/../../plain\"}}");
        var error = await client.WaitForAsync(m => (string?)m["type"] == "error");
        Assert.Contains("is not a plain name", (string)error["message"]!);
    }
}
