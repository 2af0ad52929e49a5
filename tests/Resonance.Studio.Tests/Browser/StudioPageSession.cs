using Microsoft.Playwright;

namespace Resonance.Studio.Tests.Browser;

/// <summary>What every browser test class sets up: a runs folder, a studio serving it, one browser context and a first page
/// whose console errors and warnings, page errors and failed requests are gathered in <see cref="problems"/>.</summary>
/// <param name="fixture">The shared headless Chromium.</param>
/// <param name="width">The viewport's width.</param>
/// <param name="height">The viewport's height.</param>
/// <param name="timeoutMs">Playwright's default timeout for each page.</param>
public abstract class StudioPageSession(BrowserFixture fixture, int width = 1280, int height = 900, int timeoutMs = 15_000)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    protected readonly TestRuns runs = new();
    protected readonly List<string> problems = [];
    protected TestStudio studio = null!;
    protected IBrowserContext context = null!;
    protected IPage page = null!;

    /// <summary>Fills the runs folder before the studio starts (nothing by default).</summary>
    protected virtual void Arrange() { }

    public async Task InitializeAsync()
    {
        Arrange();
        studio = await TestStudio.StartAsync(runs.Root);
        context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page = await NewPage();
    }

    /// <summary>Another tab in the same context, watched like the first.</summary>
    protected async Task<IPage> NewPage()
    {
        var tab = await context.NewPageAsync();
        tab.SetDefaultTimeout(timeoutMs);
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        tab.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} {request.Failure}");
        return tab;
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        await studio.DisposeAsync();
        runs.Dispose();
    }

    /// <summary>The studio's address with <paramref name="hash"/> (<c>#/runs</c>).</summary>
    protected string Url(string hash) => new Uri(studio.Server.Address, "/" + hash).ToString();

    /// <summary>A full-page screenshot of the first page into <see cref="BrowserFixture.Screenshots"/>.</summary>
    protected Task Shot(string name) => Shot(page, name);

    /// <summary>A full-page screenshot of <paramref name="tab"/>.</summary>
    protected static Task Shot(IPage tab, string name) => tab.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });
}
