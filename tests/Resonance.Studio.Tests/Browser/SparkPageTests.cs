using Microsoft.Playwright;

namespace Resonance.Studio.Tests.Browser;

/// <summary>The Spark lab page (<c>#/sparks</c>) in headless Chromium on small labs (seconds each): it loads clean and its
/// four canvases are not blank; play, pause, step and stop do what they say; an edit while paused takes effect and a bad
/// value shows the engine's message beside its field; a URL restores its settings; a second tab joins the same lab, and its
/// snapshots and the state now download as .npz files the engine reads back.</summary>
public sealed class SparkPageTests(BrowserFixture fixture) : StudioPageSession(fixture, width: 1400, height: 1000, timeoutMs: 20_000)
{
    const string Small = "sparks.neurons=64&sparks.spark_count=8&measures.every=5";

    static Task Paused(IPage tab) => Assertions.Expect(tab.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", "paused");

    /// <summary>Waits until the page has drawn a paused frame of <paramref name="step"/>.</summary>
    static Task DrawnAt(IPage tab, long step) =>
        tab.WaitForFunctionAsync($"() => window.studioStats.lab?.step === {step} && !window.studioStats.lab.framePlaying && window.studioStats.lab.panelFrames > 0");

    static async Task<long> ShownStep(IPage tab) => long.Parse(await tab.Locator("[data-step]").GetAttributeAsync("data-step") ?? "-1");

    static async Task Step(IPage tab, int steps)
    {
        await tab.FillAsync("input[name=steps]", steps.ToString());
        await tab.ClickAsync("button[data-action=step]");
    }

    [Fact]
    public async Task The_page_loads_clean_and_its_four_canvases_are_not_blank()
    {
        await page.GotoAsync(Url("#/sparks?" + Small));
        await Paused(page);
        await Step(page, 20);
        await DrawnAt(page, 20);
        var colours = await page.EvaluateAsync<int[]>("""
            () => [...document.querySelectorAll('canvas[data-panel]')].map(canvas => {
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              const seen = new Set();
              for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
              return seen.size;
            })
            """);
        Assert.Equal(4, colours.Length);
        Assert.All(colours, count => Assert.True(count > 1, $"distinct colours per panel: {string.Join(", ", colours)}"));
        Assert.Contains("lab=sparks-", page.Url);
        Assert.Contains("sparks.neurons=64", page.Url);
        await Assertions.Expect(page.Locator(".spark-charts .chart canvas")).ToHaveCountAsync(4);
        await Shot("sparks-paused");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Play_advances_the_step_pause_stops_it_step_adds_its_steps_and_stop_ends_the_lab()
    {
        await page.GotoAsync(Url("#/sparks?" + Small));
        await Paused(page);
        await Assertions.Expect(page.Locator("input[name='sparks.temperature']")).ToBeEnabledAsync();
        await page.ClickAsync("button[data-action=play]");
        await Assertions.Expect(page.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", "playing");
        await Assertions.Expect(page.Locator("input[name='sparks.temperature']")).ToBeDisabledAsync();
        await page.WaitForFunctionAsync("() => window.studioStats.lab.step > 30 && window.studioStats.lab.framePlaying");
        await Shot("sparks-playing");

        await page.ClickAsync("button[data-action=pause]");
        await Paused(page);
        await page.WaitForFunctionAsync("() => !window.studioStats.lab.framePlaying");
        long paused = await ShownStep(page);
        Assert.True(paused > 30);
        await Step(page, 1);                                                      // refused while playing: this proves the pause
        await DrawnAt(page, paused + 1);
        await Step(page, 10);
        await DrawnAt(page, paused + 11);
        Assert.Equal(paused + 11, await ShownStep(page));

        await page.ClickAsync("button[data-action=stop]");
        await Assertions.Expect(page.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", "stopped");
        foreach (string action in new[] { "play", "pause", "step", "stop" })
            await Assertions.Expect(page.Locator($"button[data-action={action}]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("button.fresh-lab")).ToBeVisibleAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task An_edit_while_paused_takes_effect_and_a_bad_value_shows_the_engines_message_beside_its_field()
    {
        await page.GotoAsync(Url("#/sparks?" + Small));
        await Paused(page);
        await page.FillAsync("input[name='sparks.temperature']", "0.35");
        await page.PressAsync("input[name='sparks.temperature']", "Tab");
        await page.WaitForURLAsync("**sparks.temperature=0.35*");                // written from the engine's reply
        await Assertions.Expect(page.Locator("input[name='sparks.temperature']")).ToHaveValueAsync("0.35");
        await Step(page, 3);
        await DrawnAt(page, 3);

        await page.FillAsync("input[name='sparks.epsilon']", "2");
        await page.PressAsync("input[name='sparks.epsilon']", "Tab");
        var message = page.Locator("[data-error-for='sparks.epsilon']");
        await Assertions.Expect(message).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^sparks\.epsilon: expected a number in \[0, 1\].*2"));
        await Assertions.Expect(page.Locator("input[name='sparks.epsilon']")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.DoesNotContain("sparks.epsilon=2", page.Url);
        await Shot("sparks-bad-value");

        await page.FillAsync("input[name='sparks.neurons']", "100");              // a new network at step 0
        await page.PressAsync("input[name='sparks.neurons']", "Tab");
        await page.WaitForURLAsync("**sparks.neurons=100*");
        await DrawnAt(page, 0);
        await Assertions.Expect(page.Locator("[data-error-for='sparks.epsilon']")).ToBeEmptyAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_url_with_settings_restores_them_into_the_editor()
    {
        await page.GotoAsync(Url("#/sparks?seed=11&sparks.neurons=81&sparks.spark_count=5&sparks.temperature=0.42&layout.enabled=false"));
        await Paused(page);
        await Assertions.Expect(page.Locator("input[name=seed]")).ToHaveValueAsync("11");
        await Assertions.Expect(page.Locator("input[name='sparks.neurons']")).ToHaveValueAsync("81");
        await Assertions.Expect(page.Locator("input[name='sparks.spark_count']")).ToHaveValueAsync("5");
        await Assertions.Expect(page.Locator("input[name='sparks.temperature']")).ToHaveValueAsync("0.42");
        await Assertions.Expect(page.Locator("input[name='layout.enabled']")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("figure:has(canvas[data-panel=layout]) figcaption")).ToContainTextAsync("81 neurons, 5 sparks (layout off)");
        Assert.Contains("sparks.temperature=0.42", page.Url);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_second_tab_joins_the_same_lab_follows_its_play_and_pause_and_restores_its_snapshot()
    {
        await page.GotoAsync(Url("#/sparks?" + Small));
        await Paused(page);
        await page.WaitForURLAsync("**lab=sparks-*");
        string id = await page.Locator("[data-lab-id]").GetAttributeAsync("data-lab-id") ?? "";
        Assert.StartsWith("sparks-", id);
        var second = await NewPage();
        await second.GotoAsync(page.Url);
        await Paused(second);
        await Assertions.Expect(second.Locator("[data-lab-id]")).ToHaveAttributeAsync("data-lab-id", id);

        await Step(page, 5);
        await DrawnAt(second, 5);                                                 // the other tab's step, drawn here
        await page.ClickAsync("button[data-action=snapshot]");
        await Assertions.Expect(second.Locator("li[data-snapshot=snapshot-1]")).ToContainTextAsync("step 5");
        await page.ClickAsync("button[data-action=play]");
        await Assertions.Expect(second.Locator("[data-lab-state]")).ToHaveAttributeAsync("data-lab-state", "playing");
        await second.WaitForFunctionAsync("() => window.studioStats.lab.step > 20");
        await second.ClickAsync("button[data-action=pause]");
        await Paused(page);
        await page.WaitForFunctionAsync("() => !window.studioStats.lab.framePlaying");
        await second.WaitForFunctionAsync("() => !window.studioStats.lab.framePlaying");
        Assert.Equal(await ShownStep(page), await ShownStep(second));

        var download = await second.RunAndWaitForDownloadAsync(() => second.ClickAsync("li[data-snapshot=snapshot-1] a.download"));
        Assert.Equal($"{id}-step-5.npz", download.SuggestedFilename);
        string saved = Path.Combine(runs.Root, "kept.npz");
        await download.SaveAsAsync(saved);
        Assert.Equal(5, Resonance.Sparks.SparkSnapshot.Load(saved).State.Step);     // the engine reads it back as a snapshot
        download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-action=download]"));
        Assert.Matches($"^{id}-step-[0-9]+\\.npz$", download.SuggestedFilename);

        await second.ClickAsync("li[data-snapshot=snapshot-1] button");
        await DrawnAt(page, 5);
        await DrawnAt(second, 5);
        await Shot(second, "sparks-second-tab");
        Assert.Single(studio.Server.Labs.List());
        Assert.Empty(problems);
    }
}
