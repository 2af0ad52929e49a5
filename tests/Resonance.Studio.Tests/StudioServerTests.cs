namespace Resonance.Studio.Tests;

/// <summary>A test class whose every test gets a runs folder of its own and a studio on a free port serving it.</summary>
public abstract class StudioServerTests : IAsyncLifetime
{
    /// <summary>The runs folder, deleted after the test.</summary>
    protected readonly TestRuns runs = new();
    /// <summary>The studio, started before the test and stopped after it.</summary>
    protected TestStudio studio = null!;

    /// <summary>Fills the runs folder before the studio starts; nothing by default.</summary>
    protected virtual void Populate() { }

    public async Task InitializeAsync()
    {
        Populate();
        studio = await TestStudio.StartAsync(runs.Root);
    }

    public async Task DisposeAsync()
    {
        await studio.DisposeAsync();
        runs.Dispose();
    }
}
