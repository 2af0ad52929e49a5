using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Resonance.Studio.Tests.Browser;

/// <summary>A sweep's page in headless Chromium: the settings table (mean ± 95% over seeds), the points with their states
/// and links, a point's own page with its chart, the compare link, and the page following the sweep as a point ends.</summary>
public sealed class SweepPageTests(BrowserFixture fixture) : StudioPageSession(fixture)
{
    const string Sweep = "demo-sweep";

    protected override void Arrange()
    {
        TestSweeps.Add(runs.Root, Sweep, completed: 3);
    }

    [Fact]
    public async Task The_sweep_page_shows_settings_and_points_and_a_point_link_opens_its_run_page_with_its_chart()
    {
        await page.GotoAsync(Url($"#/runs/{Sweep}"));
        var settings = page.Locator("table.sweep-settings tbody tr[data-setting]");
        await Assertions.Expect(settings).ToHaveCountAsync(2);
        await Assertions.Expect(settings.Nth(0)).ToContainTextAsync("0.01");
        await Assertions.Expect(settings.Nth(0).Locator("[data-figure=test_loss]")).ToHaveTextAsync("0.2000 ± 1.271");
        await Assertions.Expect(settings.Nth(1).Locator("[data-figure=test_loss]")).ToHaveTextAsync("0.05000"); // one seed: no interval
        await Assertions.Expect(settings.Nth(1)).ToContainTextAsync("1/2");
        await Assertions.Expect(settings.Nth(1)).ToHaveClassAsync("best");
        await Assertions.Expect(page.Locator("p.sweep-counts")).ToHaveTextAsync("3 of 4 points completed, 1 running");

        var points = page.Locator("table.sweep-points tbody tr[data-point]");
        await Assertions.Expect(points).ToHaveCountAsync(4);
        Assert.Equal(["completed", "completed", "completed", "running"], await points.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)"));
        await Assertions.Expect(points.Nth(1).Locator("[data-figure=test_loss]")).ToHaveTextAsync("0.3000");
        await Assertions.Expect(points.Nth(3).Locator("[data-status]")).ToHaveTextAsync("running");
        // the sweep's own metrics (a line per finished point) are charted like any run's
        await Assertions.Expect(page.Locator(".chart[data-chart=test_loss] canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".chart[data-chart=seed]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("a.sweep-compare")).ToHaveAttributeAsync("href",
            $"#/compare?runs={Uri.EscapeDataString($"{Sweep}/runs/p000")},{Uri.EscapeDataString($"{Sweep}/runs/p001")},{Uri.EscapeDataString($"{Sweep}/runs/p002")}");
        await Shot("sweep");

        await points.Nth(1).Locator("a[data-run]").ClickAsync();
        await page.WaitForURLAsync($"**#/runs/{Sweep}/runs/p001");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync($"{Sweep}/runs/p001");
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.Locator($"p.parent a[data-run='{Sweep}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".chart[data-chart=loss] canvas")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => window.studioStats.chartPoints === 3");
        await Assertions.Expect(page.Locator($".plots img[alt='{Sweep}/runs/p001/plots/loss.png']")).ToHaveCountAsync(1);
        await Shot("sweep-point");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_compare_link_shows_the_completed_points_curves()
    {
        await page.GotoAsync(Url($"#/runs/{Sweep}"));
        await page.ClickAsync("a.sweep-compare");
        await page.WaitForURLAsync("**#/compare?runs=*");
        await Assertions.Expect(page.Locator("a[data-run]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("select[name=key]")).ToHaveValueAsync("loss");
        await page.WaitForFunctionAsync("() => window.studioStats.chartPoints === 9");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_page_follows_the_sweep_when_a_point_ends()
    {
        await page.GotoAsync(Url($"#/runs/{Sweep}"));
        var last = page.Locator("table.sweep-points tr[data-point=p003]");
        await Assertions.Expect(last).ToHaveAttributeAsync("data-state", "running");

        // the running point ends, as its own run would write it
        string summary = Path.Combine(runs.Root, Sweep, "runs", "p003", "summary.json");
        var ended = JsonNode.Parse(File.ReadAllText(summary))!.AsObject();
        ended["status"] = "completed";
        ended["test_loss"] = TestSweeps.TestLoss[3];
        File.WriteAllText(summary + ".tmp", ended.ToJsonString());
        File.Move(summary + ".tmp", summary, overwrite: true);

        await Assertions.Expect(last).ToHaveAttributeAsync("data-state", "completed");
        await Assertions.Expect(page.Locator("p.sweep-counts")).ToHaveTextAsync("4 of 4 points completed");
        var second = page.Locator("table.sweep-settings tr[data-setting='1']");
        await Assertions.Expect(second).ToContainTextAsync("2/2");
        await Assertions.Expect(second.Locator("[data-figure=test_loss]")).ToHaveTextAsync("0.06000 ± 0.1271");
        Assert.Empty(problems);
    }
}
