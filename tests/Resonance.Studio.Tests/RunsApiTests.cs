using System.Net;
using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary>The HTTP API against a real Kestrel on a free port.</summary>
public sealed class RunsApiTests : StudioServerTests
{
    protected override void Populate()
    {
        runs.AddRun("older", "completed", DateTimeOffset.Parse("2026-11-01T10:00:00Z"), modularity: 0.5);
        runs.AddRun("newer", "interrupted", DateTimeOffset.Parse("2026-11-02T10:00:00Z"), steps: 7);
        Directory.CreateDirectory(Path.Combine(runs.Root, "not-a-run"));
    }

    [Fact]
    public async Task Listing_has_every_run_newest_first_with_status_and_headline_figures()
    {
        var body = await TestStudio.ReadJsonAsync(await studio.Http.GetAsync("/api/runs"));
        var list = body["runs"]!.AsArray();
        Assert.Equal(["newer", "older"], list.Select(r => (string)r!["name"]!));
        Assert.Equal("interrupted", (string)list[0]!["status"]!);
        Assert.Equal("sparks", (string)list[1]!["kind"]!);
        var headline = list[1]!["headline"]!.AsArray().ToDictionary(f => (string)f!["key"]!, f => (string)f!["text"]!);
        Assert.Equal("0.5", headline["modularity"]);
        Assert.False((bool)list[0]!["live"]!);
    }

    [Fact]
    public async Task A_run_has_its_config_summary_metrics_and_plots()
    {
        var run = await TestStudio.ReadJsonAsync(await studio.Http.GetAsync("/api/runs/newer"));
        Assert.StartsWith("kind: sparks", (string)run["config"]!);
        Assert.Equal(70, (int)run["summary"]!["last_step"]!);
        var metrics = run["metrics"]!.AsArray();
        Assert.Equal(7, metrics.Count);
        Assert.Equal(60, (int)metrics[^1]!["step"]!);
        Assert.Equal(["newer/plots/metrics.png"], run["plots"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public async Task A_plot_is_served_as_png()
    {
        var response = await studio.Http.GetAsync("/files/newer/plots/metrics.png");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TestRuns.Png, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_unknown_run_is_404_with_a_message_and_a_path_as_name_is_refused()
    {
        var missing = await studio.Http.GetAsync("/api/runs/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no run called \"nothing-here\"", (string)(await TestStudio.ReadJsonAsync(missing))["error"]!);
        var dots = await studio.GetRawAsync("/api/runs/..%2F..%2Fsecret");
        Assert.True(dots.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, dots.StatusCode.ToString());
        Assert.Contains("\"error\"", await dots.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/files/../secret.txt")]
    [InlineData("/files/newer/../../secret.txt")]
    [InlineData("/files/%2e%2e/secret.txt")]
    [InlineData("/files/%2E%2E%2Fsecret.txt")]
    [InlineData("/files/newer%2f..%2f..%2fsecret.txt")]
    [InlineData("/files/%252e%252e/secret.txt")]
    [InlineData("/files/..%5csecret.txt")]
    [InlineData("/files//etc/passwd")]
    [InlineData("/files/%2Fetc%2Fpasswd")]
    [InlineData("/files/newer/.hidden")]
    public async Task Paths_outside_the_runs_folder_are_refused(string path)
    {
        string absolute = path.Replace("/etc/passwd", runs.SecretPath).Replace("%2Fetc%2Fpasswd", Uri.EscapeDataString(runs.SecretPath));
        var response = await studio.GetRawAsync(absolute);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TestRuns.Secret, text);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{absolute}: {response.StatusCode}");
        Assert.Contains("\"error\"", text);
    }

    [Fact]
    public async Task A_link_inside_a_run_pointing_outside_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(runs.Root, "newer", "plots", "escape.png"), runs.SecretPath);
        Directory.CreateSymbolicLink(Path.Combine(runs.Root, "newer", "up"), runs.Parent);
        foreach (string path in new[] { "/files/newer/plots/escape.png", "/files/newer/up/secret.txt" })
        {
            var response = await studio.GetRawAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("outside the runs folder", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("{\"experiment\": \"sparks\", \"colour\": 1}", "unknown key \"colour\"; the keys are experiment, set, seed")]
    [InlineData("{\"experiment\": 7}", "experiment: expected a string")]
    [InlineData("{\"experiment\": \"sparks\", \"seed\": 1.5}", "seed: expected a whole number from 0 to")]
    [InlineData("{\"experiment\": \"sparks\", \"seed\": -1}", "seed: expected a whole number from 0 to")]
    [InlineData("{\"experiment\": \"sparks\", \"set\": [\"sparks.neurons\"]}", "set: \"sparks.neurons\" is not key=value")]
    [InlineData("{\"experiment\": \"sparks\", \"set\": [\"sparks.nurons=3\"]}", "sparks.nurons: unknown key; did you mean sparks.neurons?")]
    [InlineData("{\"experiment\": \"sparks\", \"set\": [\"sparks.neurons=-3\"]}", "sparks.neurons")]
    [InlineData("{\"experiment\": \"../etc/passwd\"}", "experiment: no experiment called \"../etc/passwd\"")]
    [InlineData("{\"experiment\": \"sprks\"}", "did you mean sparks?")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"experiment\": ", "not valid JSON")]
    public async Task A_bad_start_request_is_answered_with_one_line_and_starts_nothing(string body, string expected)
    {
        var response = await studio.PostJsonAsync("/api/runs", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string message = (string)(await TestStudio.ReadJsonAsync(response))["error"]!;
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
        Assert.Equal(3, Directory.GetDirectories(runs.Root).Length);
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_a_form_post_is_415()
    {
        string huge = "{\"experiment\": \"" + new string('x', 70_000) + "\"}";
        var large = await studio.PostJsonAsync("/api/runs", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Contains("at most 65,536 bytes", (string)(await TestStudio.ReadJsonAsync(large))["error"]!);
        var form = await studio.Http.PostAsync("/api/runs", new FormUrlEncodedContent([new("experiment", "sparks")]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    /// <summary>The client sends the whole body before it reads the reply; the server reads an oversized body to its end
    /// before answering, so the client reads the 413 (and keeps its connection) rather than a reset.</summary>
    [Fact]
    public async Task An_oversized_body_sent_whole_reads_its_413_every_time_with_or_without_a_length()
    {
        byte[] huge = System.Text.Encoding.UTF8.GetBytes("{\"experiment\": \"" + new string('x', 300_000) + "\"}");
        for (int attempt = 0; attempt < 8; attempt++)
        {
            HttpContent content = attempt % 2 == 0
                ? new ByteArrayContent(huge)
                : new StreamContent(new UnknownLengthStream(huge));   // chunked: the size shows only as it arrives
            content.Headers.ContentType = new("application/json");
            var response = await studio.Http.PostAsync("/api/runs", content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("at most 65,536 bytes", (string)(await TestStudio.ReadJsonAsync(response))["error"]!);
            Assert.Equal(HttpStatusCode.OK, (await studio.Http.GetAsync("/api/runs")).StatusCode);
        }
    }

    [Fact]
    public async Task A_body_past_the_drain_limit_with_expect_continue_is_413_before_it_is_sent()
    {
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        using var http = new HttpClient(handler) { BaseAddress = studio.Server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = new ByteArrayContent(new byte[RunsApi.DrainBytes + 1]) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 65,536 bytes", (string)(await TestStudio.ReadJsonAsync(response))["error"]!);
    }

    /// <summary>A readable stream that does not tell its length, so HttpClient sends it chunked.</summary>
    sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task Stopping_a_run_this_studio_did_not_start_is_refused()
    {
        var response = await studio.Http.PostAsync("/api/runs/newer/stop", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("not started by this studio", (string)(await TestStudio.ReadJsonAsync(response))["error"]!);
    }

    [Fact]
    public async Task Another_host_name_is_refused_on_loopback()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Host = "attacker.example";
        var response = await studio.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unexpected Host", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Experiments_are_the_project_files_with_their_kinds()
    {
        var body = await TestStudio.ReadJsonAsync(await studio.Http.GetAsync("/api/experiments"));
        var kinds = body["experiments"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string)e!["kind"]!);
        Assert.Equal("sparks", kinds["sparks"]);
        Assert.Equal("training", kinds["quickstart"]);
        Assert.Equal("attractor", kinds["attractor-capacity"]);
    }

    [Fact]
    public async Task The_front_end_is_served_with_a_content_security_policy()
    {
        var response = await studio.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<script src=\"app.js\">", await response.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, (await studio.Http.GetAsync("/app.js")).StatusCode);
    }
}
