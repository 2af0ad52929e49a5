using System.Globalization;
using Microsoft.Playwright;

namespace Resonance.Studio.Tests.Browser;

/// <summary>The attractor lab page (<c>#/attractor</c>) in headless Chromium against a real studio: it loads clean and draws
/// its grids, a picked memory is retrieved by the classical rule at low load, a refused setting shows the engine's message
/// beside its field, a URL restores its settings, and a load sweep draws success against P with where retrieval breaks.
/// Small labs (N = 64 or 100, a few memories, a short training) keep each test to seconds. Screenshots go to
/// <see cref="BrowserFixture.Screenshots"/>.</summary>
public sealed class AttractorPageTests(BrowserFixture fixture) : StudioPageSession(fixture, timeoutMs: 20_000)
{
    /// <summary>A small lab: N = 64, P = 3, a learned net of 60 epochs beside Hebbian weights, 10% of the bits flipped.</summary>
    const string Small = "#/attractor?neurons=64&memories=3&epochs=60&left=learned-dense&right=hebbian&corruption=flips&level=0.1&steps=10&speed=40";


    /// <summary>Opens the page and waits until the lab has applied the URL's settings and drawn a retrieval frame.</summary>
    async Task OpenAsync(string hash)
    {
        await page.GotoAsync("about:blank");                                                      // a fresh document, not a hash change
        await page.GotoAsync(Url(hash));
        await Ready();
        await page.WaitForSelectorAsync("section.net[data-net=right][data-step]");
    }

    Task Ready() => Assertions.Expect(page.Locator(".lab-status")).ToHaveAttributeAsync("data-lab-state", "ready", new() { Timeout = 30_000 });

    async Task<double> TargetOverlap(string side) =>
        double.Parse((await page.GetAttributeAsync($"section.net[data-net={side}]", "data-target-overlap"))!, CultureInfo.InvariantCulture);

    /// <summary>Distinct colours in a canvas's pixels.</summary>
    Task<int> Colours(string selector) => page.EvaluateAsync<int>(
        "selector => { const c = document.querySelector(selector); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + " const seen = new Set(); for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]); return seen.size; }", selector);

    [Fact]
    public async Task The_page_loads_with_no_console_error_and_its_grids_are_not_blank()
    {
        await OpenAsync(Small);
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory]")).ToHaveCountAsync(3);
        foreach (string grid in new[] { "[data-net=left] canvas[data-grid=state]", "[data-net=right] canvas[data-grid=state]", "canvas[data-grid=cue]",
                     "canvas[data-grid=target]", "button.thumbnail[data-memory='1'] canvas", "[data-net=right] canvas[data-bars]" })
            Assert.True(await Colours(grid) > 1, $"{grid} is blank");
        await Assertions.Expect(page.Locator("[data-net=left]")).ToHaveAttributeAsync("data-rule", "learned-dense");
        await Assertions.Expect(page.Locator("[data-net=left]")).ToHaveAttributeAsync("data-training-epoch", "60");
        Assert.True(await page.EvaluateAsync<double>("() => window.studioStats.framesDrawn") > 0);
        await Shot("attractor");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_drawn_pattern_survives_in_the_url_and_a_malformed_one_is_noted_and_ignored()
    {
        await OpenAsync(Small);
        var grid = page.Locator("canvas[data-grid=draw]");
        var box = (await grid.BoundingBoxAsync())!;
        (int Row, int Column)[] cells = [(0, 0), (1, 2), (3, 3), (4, 6), (7, 5)];
        foreach (var (row, column) in cells)
            await page.Mouse.ClickAsync(box.X + (column + 0.5f) * box.Width / 8, box.Y + (row + 0.5f) * box.Height / 8);
        // The known answer: cells 0, 10, 27, 38, 61 of 64, eight to a byte, the first cell in the high bit, base64url.
        var bytes = new byte[8];
        foreach (var (row, column) in cells) bytes[(row * 8 + column) >> 3] |= (byte)(0x80 >> ((row * 8 + column) & 7));
        string expected = "8." + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal("8.gCAAEAIAAAQ", expected);
        await Assertions.Expect(grid).ToHaveAttributeAsync("data-drawn", expected);
        await page.WaitForURLAsync($"**drawn={expected}*");
        string pixels = await PixelsAsync("canvas[data-grid=draw]");

        string link = page.Url;
        await page.GotoAsync("about:blank");
        await page.GotoAsync(link);
        await Ready();
        await Assertions.Expect(grid).ToHaveAttributeAsync("data-drawn", expected);
        Assert.Equal(pixels, await PixelsAsync("canvas[data-grid=draw]"));
        await Assertions.Expect(page.Locator("[data-drawn-note]")).ToBeHiddenAsync();

        foreach (string bad in new[] { "8.gCAAEAIAAA", "99.gCAAEAIAAAQ", "8.gCAA*AIAAAQ", "nonsense" })
        {
            await OpenAsync(Small + "&drawn=" + Uri.EscapeDataString(bad));
            await Assertions.Expect(page.Locator("[data-drawn-note]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-drawn-note]")).ToContainTextAsync("the drawing in the link was ignored");
            await Assertions.Expect(grid).ToHaveAttributeAsync("data-drawn", "");
            await page.WaitForURLAsync(url => !url.Contains("drawn=", StringComparison.Ordinal));    // rewritten without it
        }
        Assert.Empty(problems);
    }

    /// <summary>A canvas's pixels as one text (to compare two drawings).</summary>
    Task<string> PixelsAsync(string selector) => page.EvaluateAsync<string>(
        "selector => { const c = document.querySelector(selector); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(','); }", selector);

    [Fact]
    public async Task A_picked_memory_is_retrieved_by_the_classical_rule_at_low_load()
    {
        await OpenAsync(Small);
        await page.ClickAsync("button.thumbnail[data-memory='2']");
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory='2']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("picked"));
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-step", "0");
        Assert.Equal(1 - 2 * 6 / 64.0, await TargetOverlap("right"), 4);                       // round(0.1 * 64) = 6 of 64 bits flipped
        Assert.Contains("memory=2", page.Url);
        await page.ClickAsync("button[data-action=run]");
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-step", "10");
        await Ready();
        Assert.Equal(1.0, await TargetOverlap("right"), 4);
        Assert.True(await TargetOverlap("left") > 0.9, "the learned net should be near its memory too");
        Assert.True(await page.EvaluateAsync<double>("() => window.studioStats.chartPoints") >= 2 * 3 * 2, "the overlap curves have points");
        await Shot("attractor-retrieved");
        await page.ClickAsync("button[data-action=reset]");
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-step", "0");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_drawn_pattern_becomes_the_target()
    {
        await OpenAsync("#/attractor?neurons=16&memories=2&left=hebbian&right=storkey&level=0");
        var box = (await page.Locator("canvas[data-grid=draw]").BoundingBoxAsync())!;
        double cell = box.Width / 4;
        (float X, float Y) Centre(int row, int column) => ((float)(box.X + (column + 0.5) * cell), (float)(box.Y + (row + 0.5) * cell));
        var (x0, y0) = Centre(0, 0);
        var (x3, y3) = Centre(0, 3);
        await page.Mouse.MoveAsync(x0, y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x3, y3, new() { Steps = 6 });                                    // a drag paints the whole first row
        await page.Mouse.UpAsync();
        var (xc, yc) = Centre(3, 1);
        await page.Mouse.ClickAsync(xc, yc);                                                      // a click toggles one cell
        await page.ClickAsync("button[data-action=draw]");
        await Assertions.Expect(page.Locator(".cue-text")).ToHaveTextAsync("the drawn pattern, 0 of 16 entries flipped");
        await Assertions.Expect(page.Locator("button.thumbnail.picked")).ToHaveCountAsync(0);
        Assert.DoesNotContain("memory=", page.Url);
        // The target grid shows the drawing: +1 dark, -1 light.
        string[] rows = await page.EvaluateAsync<string[]>(
            "() => { const c = document.querySelector('canvas[data-grid=target]'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + " const s = c.width / 4, rows = []; for (let r = 0; r < 4; r++) { let row = '';"
            + " for (let k = 0; k < 4; k++) row += d[(Math.floor((r + 0.5) * s) * c.width + Math.floor((k + 0.5) * s)) * 4] < 128 ? '#' : '.'; rows.push(row); } return rows; }");
        Assert.Equal(["####", "....", "....", ".#.."], rows);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_refused_setting_shows_the_engines_message_beside_its_field()
    {
        await OpenAsync(Small.Replace("left=learned-dense", "left=storkey"));
        await page.FillAsync("input[name=neurons]", "50");
        await page.DispatchEventAsync("input[name=neurons]", "change");
        await Assertions.Expect(page.Locator("[data-error-for=neurons]")).ToContainTextAsync("neurons: expected a square number of neurons");
        await Assertions.Expect(page.Locator("label[data-field=neurons]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await page.FillAsync("input[name=neurons]", "64");
        await page.FillAsync("input[name=memories]", "100");
        await page.DispatchEventAsync("input[name=memories]", "change");
        await Assertions.Expect(page.Locator("[data-error-for=memories]")).ToHaveTextAsync("memories: expected a whole number in [1, neurons = 64], got 100.");
        await Assertions.Expect(page.Locator("[data-error-for=neurons]")).ToBeHiddenAsync();
        await Shot("attractor-refused");
        Assert.Contains("memories=3", page.Url);                                                  // the URL keeps the settings the lab runs

        // From the URL: the bad key's message is beside its field, and the rest of the settings apply.
        await OpenAsync("#/attractor?neurons=50&memories=4&left=hebbian&right=storkey");
        await Assertions.Expect(page.Locator("[data-error-for=neurons]")).ToContainTextAsync("got 50");
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-rule", "storkey");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_url_with_settings_restores_them()
    {
        await OpenAsync("#/attractor?neurons=100&memories=4&seed=7&left=storkey&right=pseudo-inverse&update=async-sign&corruption=noise&level=0.3&steps=12&speed=0&trials=2&memory=3&p_max=20");
        await Assertions.Expect(page.Locator("input[name=neurons]")).ToHaveValueAsync("100");
        await Assertions.Expect(page.Locator("input[name=memories]")).ToHaveValueAsync("4");
        await Assertions.Expect(page.Locator("input[name=seed]")).ToHaveValueAsync("7");
        await Assertions.Expect(page.Locator("select[name=left_rule]")).ToHaveValueAsync("storkey");
        await Assertions.Expect(page.Locator("select[name=right_rule]")).ToHaveValueAsync("pseudo-inverse");
        await Assertions.Expect(page.Locator("select[name=update]")).ToHaveValueAsync("async-sign");
        await Assertions.Expect(page.Locator("select[name=corruption]")).ToHaveValueAsync("noise");
        await Assertions.Expect(page.Locator("input[name=level]")).ToHaveValueAsync("0.3");
        await Assertions.Expect(page.Locator("input[name=steps]")).ToHaveValueAsync("12");
        await Assertions.Expect(page.Locator("input[name=p_max]")).ToHaveValueAsync("20");
        await Assertions.Expect(page.Locator("[data-net=left]")).ToHaveAttributeAsync("data-rule", "storkey");
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-rule", "pseudo-inverse");
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory='3']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("picked"));
        await Assertions.Expect(page.Locator(".cue-text")).ToHaveTextAsync("memory 3, Gaussian noise σ = 0.3");
        // The page writes back what the lab runs: the same keys and values.
        foreach (string pair in new[] { "neurons=100", "memories=4", "seed=7", "left=storkey", "right=pseudo-inverse", "update=async-sign", "corruption=noise", "level=0.3", "steps=12", "speed=0", "trials=2", "memory=3", "p_max=20" })
            Assert.Contains(pair, page.Url);
        await Shot("attractor-url");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_load_sweep_draws_success_against_load_and_marks_where_retrieval_breaks()
    {
        await OpenAsync("#/attractor?neurons=64&memories=3&left=hebbian&right=pseudo-inverse&level=0.1&steps=10&trials=2&p_max=32");
        await page.ClickAsync("button[data-action=sweep]");
        await Assertions.Expect(page.Locator("section.sweep")).ToHaveAttributeAsync("data-sweep-done", "2", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".sweep-summary")).ToHaveAttributeAsync("data-sweep", "done");
        await Assertions.Expect(page.Locator("section.sweep .chart canvas")).ToHaveCountAsync(1);
        // Hebbian weights hold every cue at P = 3 of N = 64 and fewer than half by P = 32 (~0.14 N is their capacity).
        string hebbianBreak = (await page.GetAttributeAsync("section.sweep", "data-break-left"))!;
        Assert.NotEqual("none", hebbianBreak);
        int load = int.Parse(hebbianBreak, CultureInfo.InvariantCulture);
        Assert.InRange(load, 5, 32);
        await Assertions.Expect(page.Locator(".sweep-summary")).ToContainTextAsync($"left (hebbian) breaks at P = {load}");
        await page.WaitForFunctionAsync("() => window.studioStats.chartPoints >= 24");             // 12 loads x 2 nets
        Assert.True(await Colours("section.sweep .chart canvas") > 1);
        await Shot("attractor-sweep");
        Assert.Empty(problems);
    }
    [Fact]
    public async Task A_reload_joins_the_same_lab_with_its_id_in_the_url()
    {
        await OpenAsync("#/attractor?neurons=64&memories=3&left=hebbian&right=storkey&level=0.1&steps=10&speed=0");
        string id = (await page.GetAttributeAsync("[data-lab-id]", "data-lab-id"))!;
        Assert.StartsWith("attractor-", id);
        await page.ClickAsync("button.thumbnail[data-memory='2']");
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory='2']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("picked"));
        Assert.Contains($"lab={id}", page.Url);
        for (int reload = 0; reload < 5; reload++)                                              // more reloads than the lab cap (4)
        {
            await page.ReloadAsync();
            await Ready();
            await Assertions.Expect(page.Locator("[data-lab-id]")).ToHaveAttributeAsync("data-lab-id", id);
        }
        await Assertions.Expect(page.Locator("[data-net=right]")).ToHaveAttributeAsync("data-rule", "storkey");
        await Assertions.Expect(page.Locator("button.thumbnail[data-memory='2']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("picked"));
        Assert.Equal([id], studio.Server.Labs.List().Select(l => l.Id));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Cancel_stops_a_training_and_the_lab_keeps_the_nets_it_had()
    {
        await OpenAsync("#/attractor?neurons=64&memories=3&left=hebbian&right=hebbian&epochs=5000&level=0.1&steps=10&speed=0");
        await Assertions.Expect(page.Locator("button[data-action=cancel]")).ToBeHiddenAsync();
        await page.SelectOptionAsync("select[name=left_rule]", "learned-dense");               // 5,000 epochs: seconds of training
        await Assertions.Expect(page.Locator("button[data-action=cancel]")).ToBeVisibleAsync();
        await page.WaitForSelectorAsync("[data-net=left][data-training-epoch]");
        await page.ClickAsync("button[data-action=cancel]");
        await Assertions.Expect(page.Locator(".lab-message")).ToHaveTextAsync("configure: cancelled; the lab keeps the settings and nets it had.");
        await Ready();
        await Assertions.Expect(page.Locator("button[data-action=cancel]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("select[name=left_rule]")).ToHaveValueAsync("hebbian");
        await Assertions.Expect(page.Locator("[data-net=left]")).ToHaveAttributeAsync("data-rule", "hebbian");
        Assert.Contains("left=hebbian", page.Url);
        await Shot("attractor-cancelled");
        await page.ClickAsync("button[data-action=run]");                                         // the lab still retrieves
        await Assertions.Expect(page.Locator("section.net[data-net=left]")).ToHaveAttributeAsync("data-step", "10");
        Assert.Empty(problems);
    }
}
