using System.Text.Json.Nodes;

namespace Resonance.Studio.Tests;

/// <summary>A temporary runs folder with hand-written runs (no tensors needed), inside a temporary parent that also
/// holds a file outside the runs folder (<see cref="SecretPath"/>) for the traversal tests.</summary>
public sealed class TestRuns : IDisposable
{
    /// <summary>What the file outside the runs folder holds; no reply may ever contain it.</summary>
    public const string Secret = "the-secret-outside-the-runs-folder";

    /// <summary>A 1x1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public TestRuns()
    {
        Parent = Path.Combine(Path.GetTempPath(), $"resonance-studio-{Guid.NewGuid():N}");
        Root = Path.Combine(Parent, "runs");
        Directory.CreateDirectory(Root);
        SecretPath = Path.Combine(Parent, "secret.txt");
        File.WriteAllText(SecretPath, Secret);
    }

    public string Parent { get; }
    public string Root { get; }
    public string SecretPath { get; }

    /// <summary>Writes a finished spark-kind run: config, summary, <paramref name="steps"/> metrics lines, one plot.</summary>
    public string AddRun(string name, string status, DateTimeOffset startedAt, int steps = 5, double modularity = 0.25)
    {
        string folder = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.Combine(folder, "plots"));
        File.WriteAllText(Path.Combine(folder, "config.yaml"), "kind: sparks\nseed: 3\nsparks:\n  neurons: 32\n");
        var summary = new JsonObject
        {
            ["kind"] = "sparks", ["status"] = status, ["started_at"] = startedAt.ToString("O"),
            ["last_step"] = steps * 10, ["modularity"] = modularity, ["diagonal_bias"] = 0.125,
        };
        File.WriteAllText(Path.Combine(folder, "summary.json"), summary.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"),
            Enumerable.Range(0, steps).Select(i => $"{{\"step\":{i * 10},\"modularity\":{modularity * i / steps:R},\"diagonal_bias\":{0.01 * i:R}}}"));
        File.WriteAllBytes(Path.Combine(folder, "plots", "metrics.png"), Png);
        return folder;
    }

    public void Dispose()
    {
        try { Directory.Delete(Parent, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Paths of the repository and of the CLI next to the tests.</summary>
public static class Repository
{
    /// <summary>The folder holding Resonance.slnx, found upward from the test binaries.</summary>
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Resonance.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Resonance.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>How to start the CLI built next to the tests: <c>dotnet resonance.dll</c>.</summary>
    public static IReadOnlyList<string> Cli { get; } = ["dotnet", Path.Combine(AppContext.BaseDirectory, "resonance.dll")];

    /// <summary>The catalog of the project's experiments/ folder.</summary>
    public static ExperimentCatalog Experiments() => new(new Dictionary<string, string>(), Path.Combine(Root, "experiments"));
}

/// <summary>A studio on a free loopback port over a test runs folder, with an HttpClient that sends paths exactly as given.</summary>
public sealed class TestStudio : IAsyncDisposable
{
    TestStudio(StudioServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public StudioServer Server { get; }
    public HttpClient Http { get; }

    public static async Task<TestStudio> StartAsync(string root, Func<StudioOptions, StudioOptions>? adjust = null)
    {
        var options = new StudioOptions(root, "127.0.0.1", 0, Repository.Experiments(), Repository.Cli)
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        return new TestStudio(await StudioServer.StartAsync(adjust is null ? options : adjust(options)));
    }

    /// <summary>A GET of a path sent as written (no dot-segment removal or unescaping by the client).</summary>
    public Task<HttpResponseMessage> GetRawAsync(string pathAndQuery)
    {
        var uri = new Uri(Server.Address.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        return Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri));
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
