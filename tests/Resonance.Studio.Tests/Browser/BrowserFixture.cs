using Microsoft.Playwright;

namespace Resonance.Studio.Tests.Browser;

/// <summary>One headless Chromium for the browser test class, driven by Playwright's .NET driver (which ships its own node).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots next to the test binaries.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Chromium.Ensure();
        Directory.CreateDirectory(Screenshots);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}
