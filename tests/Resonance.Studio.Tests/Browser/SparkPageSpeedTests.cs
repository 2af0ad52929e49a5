using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Resonance.Studio.Tests.Browser;

/// <summary>
/// The Spark lab page at the size (N = 1,024, S = 64, layout on), read from the page's own counters
/// (<c>window.studioStats</c>): frames drawn per second and engine-to-canvas latency with one tab and with four tabs on the
/// same lab, beside the engine's own frames published per second (the lab's <c>frames_published</c>), and the page's JS heap
/// over a soak. Figures go to the test output and to <c>TestResults/spark-page-*.json</c>.
/// </summary>
/// <remarks>
/// Environment: <c>RESONANCE_STUDIO_URL</c> measures a studio already running (e.g. a Release <c>resonance studio --port 0</c>)
/// instead of one in the test process; <c>RESONANCE_STUDIO_MEASURE_SECONDS</c> (default 4) is each measuring window;
/// <c>RESONANCE_STUDIO_SOAK_SECONDS</c> (default 15; 600 for the ten-minute run) the soak. The suite's frame-rate bounds are
/// smoke checks far below the targets (30 and 20 frames/s, 100 ms), which a busy shared machine does not reach; the
/// figures measured are the report (docs/studio.md). <c>RESONANCE_STUDIO_STRICT_SPEED=1</c> asserts the issue's
/// "four tabs do not slow the engine below 20 frames/s". The heap bound is a real one.
/// </remarks>
public sealed class SparkPageSpeedTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    const string Target = "seed=0&sparks.neurons=1024&sparks.spark_count=64&layout.enabled=true";

    readonly TestRuns runs = new();
    readonly List<string> problems = [];
    TestStudio? studio;
    Uri address = null!;
    IBrowserContext context = null!;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("RESONANCE_STUDIO_URL") is { Length: > 0 } url) address = new Uri(url);
        else
        {
            studio = await TestStudio.StartAsync(runs.Root);
            address = studio.Server.Address;
        }
        context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        if (studio is not null) await studio.DisposeAsync();
        runs.Dispose();
    }

    static double Seconds(string variable, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? s : fallback;

    async Task<IPage> Open(string hash, string state = "paused")
    {
        var tab = await context.NewPageAsync();
        tab.SetDefaultTimeout(60_000);
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        await tab.GotoAsync(new Uri(address, "/" + hash).ToString());
        await Assertions.Expect(tab.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", state, new() { Timeout = 60_000 });
        return tab;
    }

    static Task<JsonElement> Stats(IPage tab) => tab.EvaluateAsync<JsonElement>("() => ({ ...window.studioStats.lab, latency: window.studioStats.latencyMs, now: performance.now() })");

    /// <summary>Frames drawn per second by each tab over the window, each tab's latency median / p95 at its end, and the
    /// engine's own frames published per second over the same window (<see cref="EngineCount"/>).</summary>
    static async Task<(List<(double FramesPerS, double MedianMs, double P95Ms, double StepsPerS)> Tabs, double EngineFramesPerS)> Measure(
        IReadOnlyList<IPage> tabs, SocketClient engine, double seconds)
    {
        var engineBefore = await EngineCount(engine);
        var before = await Task.WhenAll(tabs.Select(Stats));
        await Task.Delay(TimeSpan.FromSeconds(seconds));                        // the measuring window itself, not a wait for a state
        var after = await Task.WhenAll(tabs.Select(Stats));
        var engineAfter = await EngineCount(engine);
        return ([.. before.Zip(after, (b, a) => (
            1000 * (a.GetProperty("panelFrames").GetDouble() - b.GetProperty("panelFrames").GetDouble()) / (a.GetProperty("now").GetDouble() - b.GetProperty("now").GetDouble()),
            a.GetProperty("latency").GetProperty("median").GetDouble(), a.GetProperty("latency").GetProperty("p95").GetDouble(),
            a.GetProperty("stepsPerSecond").GetDouble()))],
            (engineAfter.Published - engineBefore.Published) / (engineAfter.Seconds - engineBefore.Seconds));
    }

    /// <summary>A socket of the test's own on the lab, to ask it for its counters: it reads nothing between two questions, so
    /// the server sends it no frame meanwhile (each socket gets the newest frame when it can take one) and it costs the engine
    /// nothing; it is not a tab.</summary>
    async Task<SocketClient> EngineWatcher(string labId)
    {
        var watcher = await SocketClient.ConnectAsync(address, "/ws/labs/sparks?lab=" + labId);
        var welcome = await watcher.WaitForAsync(m => (string?)m["type"] is "lab" or "error");
        Assert.Equal(labId, (string?)welcome["id"]);
        return watcher;
    }

    static int questions;

    /// <summary>The lab's own count of frames published (<c>frames_published</c> of a <c>state</c> reply) and when it was read.</summary>
    static async Task<(double Published, double Seconds)> EngineCount(SocketClient watcher)
    {
        string tag = $"count-{Interlocked.Increment(ref questions)}";
        await watcher.SendAsync(new JsonObject { ["type"] = "state", ["request"] = tag }.ToJsonString());
        var reply = await watcher.WaitForAsync(m => (string?)m["request"] == tag, seconds: 60);
        watcher.Frames.Clear();
        return (reply["frames_published"]!.GetValue<double>(), System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>Whether the strict check of the target was asked for: <c>RESONANCE_STUDIO_STRICT_SPEED=1</c>.</summary>
    static bool Strict => Environment.GetEnvironmentVariable("RESONANCE_STUDIO_STRICT_SPEED") == "1";

    void Report(string name, JsonObject figures)
    {
        string text = figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine($"{name}: {text}");
        Directory.CreateDirectory(BrowserFixture.Screenshots);
        File.WriteAllText(Path.Combine(BrowserFixture.Screenshots, "..", $"spark-page-{name}.json"), text + "\n");
    }

    [Fact]
    public async Task One_tab_and_four_tabs_on_one_lab_draw_frames_with_their_latency_measured()
    {
        double window = Seconds("RESONANCE_STUDIO_MEASURE_SECONDS", 4);
        var first = await Open("#/sparks?" + Target);
        await first.WaitForURLAsync("**lab=sparks-*");
        await first.ClickAsync("button[data-action=play]");
        await first.WaitForFunctionAsync("() => window.studioStats.lab.framePlaying && window.studioStats.lab.panelFrames > 10");
        await Task.Delay(TimeSpan.FromSeconds(1));                              // warm-up
        string labId = System.Text.RegularExpressions.Regex.Match(first.Url, "lab=(sparks-[0-9a-f]+)").Groups[1].Value;
        await using var engine = await EngineWatcher(labId);
        var (oneTab, engineOne) = await Measure([first], engine, window);
        var one = oneTab[0];

        var tabs = new List<IPage> { first };
        for (int i = 0; i < 3; i++) tabs.Add(await Open(new Uri(first.Url).Fragment, "playing"));
        // Each tab has drawn a playing frame; not more: Chromium throttles the background tabs to about one frame a second,
        // and under a heavy load (the suite met a load average of 65 on two cores) ten of them took longer than the timeout.
        foreach (var tab in tabs) await tab.WaitForFunctionAsync("() => window.studioStats.lab.framePlaying && window.studioStats.lab.panelFrames > 0");
        var (four, engineFour) = await Measure(tabs, engine, window);
        await first.ClickAsync("button[data-action=pause]");
        await Assertions.Expect(first.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", "paused");
        await first.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "sparks-n1024.png"), FullPage = true });

        Report("speed", new JsonObject
        {
            ["studio"] = studio is null ? address.ToString() : "in the test process",
            ["window_s"] = window,
            ["engine_frames_per_s"] = new JsonObject { ["one_tab"] = Math.Round(engineOne, 1), ["four_tabs"] = Math.Round(engineFour, 1) },
            ["one_tab"] = new JsonObject { ["frames_per_s"] = Math.Round(one.FramesPerS, 1), ["latency_median_ms"] = Math.Round(one.MedianMs, 1), ["latency_p95_ms"] = Math.Round(one.P95Ms, 1), ["steps_per_s"] = Math.Round(one.StepsPerS) },
            ["four_tabs"] = new JsonArray([.. four.Select(t => (JsonNode)new JsonObject { ["frames_per_s"] = Math.Round(t.FramesPerS, 1), ["latency_median_ms"] = Math.Round(t.MedianMs, 1), ["latency_p95_ms"] = Math.Round(t.P95Ms, 1), ["steps_per_s"] = Math.Round(t.StepsPerS) })]),
        });
        // The "4 open tabs do not slow the engine below 20 frames/s" is the engine's rate, asserted when asked for
        // (RESONANCE_STUDIO_STRICT_SPEED=1, on a machine that is not shared). In the suite the floor is loose on purpose: a
        // Debug build beside other builds and five headless renderers on two cores can starve the lab thread itself, and a
        // test that fails with the machine's load rather than with the studio would flake; the figures are the report.
        Assert.True(engineFour >= (Strict ? 20 : 1), $"with four tabs the engine published {engineFour:F1} frames/s (one tab: {engineOne:F1})");
        // smoke bounds only (the figures are the report): every tab draws, and frames are seconds fresh at worst
        Assert.True(one.FramesPerS >= 1, $"one tab drew {one.FramesPerS:F1} frames/s");
        Assert.All(four, t => Assert.True(t.FramesPerS > 0, $"a tab of four drew {t.FramesPerS:F1} frames/s"));
        Assert.True(one.MedianMs < 5000, $"latency median {one.MedianMs:F0} ms");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_pages_heap_stays_flat_while_the_lab_plays()
    {
        double seconds = Seconds("RESONANCE_STUDIO_SOAK_SECONDS", 15);
        var tab = await Open("#/sparks?" + Target);
        var cdp = await context.NewCDPSessionAsync(tab);
        async Task<double> HeapMiB()
        {
            await cdp.SendAsync("HeapProfiler.collectGarbage");
            var usage = await cdp.SendAsync("Runtime.getHeapUsage");
            return usage!.Value.GetProperty("usedSize").GetDouble() / (1 << 20);
        }
        await tab.ClickAsync("button[data-action=play]");
        await tab.WaitForFunctionAsync("() => window.studioStats.lab.framePlaying && window.studioStats.lab.panelFrames > 10");
        double warmup = Math.Min(60, seconds / 3);
        await Task.Delay(TimeSpan.FromSeconds(warmup));                         // charts fill, caches settle
        double baseline = await HeapMiB();
        var samples = new JsonArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double frames0 = (await Stats(tab)).GetProperty("panelFrames").GetDouble();
        double interval = Math.Max(1, (seconds - warmup) / 10);
        double last = baseline, peak = baseline;
        while (clock.Elapsed.TotalSeconds < seconds - warmup)
        {
            await Task.Delay(TimeSpan.FromSeconds(interval));                   // sampling period of the soak
            last = await HeapMiB();
            peak = Math.Max(peak, last);
            samples.Add(new JsonObject { ["t_s"] = Math.Round(warmup + clock.Elapsed.TotalSeconds), ["heap_mib"] = Math.Round(last, 2) });
        }
        var end = await Stats(tab);
        double framesPerS = (end.GetProperty("panelFrames").GetDouble() - frames0) / clock.Elapsed.TotalSeconds;
        await tab.ClickAsync("button[data-action=pause]");
        Report(seconds >= 300 ? "soak-long" : "soak", new JsonObject
        {
            ["seconds"] = seconds, ["warmup_s"] = warmup, ["baseline_heap_mib"] = Math.Round(baseline, 2), ["end_heap_mib"] = Math.Round(last, 2),
            ["peak_heap_mib"] = Math.Round(peak, 2), ["frames_per_s"] = Math.Round(framesPerS, 1), ["samples"] = samples,
        });
        // flat: after garbage collection the heap ends within 1 MiB + 10% of where it was after the warm-up
        Assert.True(last - baseline <= 1 + 0.1 * baseline, $"heap grew from {baseline:F2} MiB to {last:F2} MiB");
        Assert.True(framesPerS >= 1, $"{framesPerS:F1} frames/s during the soak");
        Assert.Empty(problems);
    }
}
