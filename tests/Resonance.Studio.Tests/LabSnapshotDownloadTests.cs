using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Resonance.Sparks;

namespace Resonance.Studio.Tests;

/// <summary><c>GET /api/labs/{id}/snapshot.npz</c>: a spark lab's state as a NumPy <c>.npz</c> named for the lab and step,
/// whose arrays have the shapes of its N and S, that the engine reads back as a snapshot, with the settings inside; a kept
/// snapshot by id; an unknown lab, an unknown snapshot and the attractor lab answer 404 in one line.</summary>
public sealed partial class LabSnapshotDownloadTests : StudioServerTests
{
    async Task<(SocketClient Page, string Id)> Open(string kind, string query)
    {
        var page = await SocketClient.ConnectAsync(studio.Server.Address, $"/ws/labs/{kind}?{query}");
        var welcome = await page.WaitForAsync(m => (string?)m["type"] is "lab" or "error");
        Assert.Equal("lab", (string?)welcome["type"]);
        return (page, (string)welcome["id"]!);
    }

    static async Task<JsonObject> Command(SocketClient page, string json)
    {
        await page.SendAsync(json);
        return await page.WaitForAsync(m => m["type"] is null || (string?)m["type"] == "error");
    }

    /// <summary>Every <c>.npy</c> member's shape as its header writes it, e.g. <c>weights -> (48, 48)</c>.</summary>
    static Dictionary<string, string> Shapes(byte[] npz, out Dictionary<string, string> texts)
    {
        var shapes = new Dictionary<string, string>();
        texts = [];
        using var zip = new ZipArchive(new MemoryStream(npz), ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.Latin1);
            string text = reader.ReadToEnd();
            if (entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
            {
                Assert.StartsWith("\u0093NUMPY", text);
                shapes[entry.FullName[..^4]] = ShapePattern().Match(text).Groups[1].Value;
            }
            else texts[entry.FullName] = text;
        }
        return shapes;
    }

    [Fact]
    public async Task The_state_now_downloads_as_an_npz_with_the_shapes_of_the_lab_and_reads_back_as_a_snapshot()
    {
        var (page, id) = await Open("sparks", "sparks.neurons=48&sparks.spark_count=6&measures.every=1000&seed=5");
        Assert.Equal(7L, (long)(await Command(page, """{"type":"step","steps":7}"""))["step"]!);

        var response = await studio.Http.GetAsync($"/api/labs/{id}/snapshot.npz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{id}-step-7.npz", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        byte[] npz = await response.Content.ReadAsByteArrayAsync();

        var shapes = Shapes(npz, out var texts);
        Assert.Equal("48, 48", shapes["weights"]);
        Assert.Equal("48,", shapes["activations"]);
        Assert.Equal("48,", shapes["memory"]);
        Assert.Equal("48, 2", shapes["positions"]);
        Assert.Equal("6,", shapes["sparks"]);
        var settings = JsonNode.Parse(texts["settings.json"])!.AsObject();
        Assert.Equal("48", settings["sparks.neurons"]!.ToJsonString());
        Assert.Equal("5", settings["seed"]!.ToJsonString());
        Assert.Contains("frame.max_per_second", settings.Select(p => p.Key));

        string file = Path.Combine(runs.Root, "download.npz");
        await File.WriteAllBytesAsync(file, npz);
        var snapshot = SparkSnapshot.Load(file);                               // the engine's own checks: shapes, ranges, config
        Assert.Equal(7, snapshot.State.Step);
        Assert.Equal(48 * 48, snapshot.State.Weights.Length);
        Assert.Equal(5, snapshot.Experiment.Seed);

        // the lab goes on where it was: the download kept nothing and changed nothing
        var state = await Command(page, """{"type":"state"}""");
        Assert.Equal(7L, (long)state["step"]!);
        Assert.Empty(state["snapshots"]!.AsArray());
        await page.DisposeAsync();
    }

    [Fact]
    public async Task A_kept_snapshot_downloads_by_id_and_an_unknown_one_is_404()
    {
        var (page, id) = await Open("sparks", "sparks.neurons=32&sparks.spark_count=4&measures.every=1000");
        await Command(page, """{"type":"step","steps":3}""");
        string kept = (string)(await Command(page, """{"type":"snapshot"}"""))["snapshot"]!["id"]!;
        await Command(page, """{"type":"step","steps":5}""");

        var response = await studio.Http.GetAsync($"/api/labs/{id}/snapshot.npz?snapshot={kept}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{id}-step-3.npz", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("32, 32", Shapes(await response.Content.ReadAsByteArrayAsync(), out _)["weights"]);

        var missing = await studio.Http.GetAsync($"/api/labs/{id}/snapshot.npz?snapshot=snapshot-99");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("snapshot: no kept snapshot \"snapshot-99\"", (string)(await TestStudio.ReadJsonAsync(missing))["error"]!);
        await page.DisposeAsync();
    }

    [Theory]
    [InlineData("sparks-00000000")]
    [InlineData("..")]
    [InlineData("%2e%2e%2fetc")]
    [InlineData("a-very-long-lab-id-that-no-lab-ever-had-0123456789-0123456789")]
    public async Task An_unknown_lab_is_404_in_one_line(string id)
    {
        var response = await studio.GetRawAsync($"/api/labs/{id}/snapshot.npz");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        string error = (string)(await TestStudio.ReadJsonAsync(response))["error"]!;
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain("internal error", error);
    }

    [Fact]
    public async Task The_attractor_lab_has_no_snapshot_to_download()
    {
        var (page, id) = await Open("attractor", "neurons=16&memories=2&left_rule=hebbian");
        var response = await studio.Http.GetAsync($"/api/labs/{id}/snapshot.npz");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("has no snapshots to download", (string)(await TestStudio.ReadJsonAsync(response))["error"]!);
        await page.DisposeAsync();
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
