using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Resonance.Studio.Tests;

/// <summary><c>/ws/labs/KIND?lab=ID</c>: labs shared by pages over real sockets. Two pages on one lab see the same steps and
/// each other's state changes; a lab outlives its last page by the grace period (a fake clock, so no waiting); at most
/// <c>MaxLabs</c> run at once; URL settings arrive typed.</summary>
public sealed class LabRegistryTests : IAsyncLifetime
{
    const string Tiny = "sparks.neurons=32&sparks.spark_count=4&measures.every=1000";

    readonly TestRuns runs = new();
    readonly FakeTimeProvider clock = new();
    TestStudio studio = null!;

    public async Task InitializeAsync() =>
        studio = await TestStudio.StartAsync(runs.Root, options => options with { MaxLabs = 2, LabGracePeriod = TimeSpan.FromSeconds(30), Time = clock });

    public async Task DisposeAsync()
    {
        await studio.DisposeAsync();
        runs.Dispose();
    }

    Task<SocketClient> Open(string query) => SocketClient.ConnectAsync(studio.Server.Address, "/ws/labs/sparks?" + query);

    static Task<JsonObject> Welcome(SocketClient client) => client.WaitForAsync(m => (string?)m["type"] is "lab" or "error");

    static async Task<JsonObject> Command(SocketClient client, string json)
    {
        await client.SendAsync(json);
        return await client.WaitForAsync(m => m["type"] is null || (string?)m["type"] == "error");
    }

    static long StepOf(byte[] frame) => (long)BinaryPrimitives.ReadDoubleLittleEndian(frame.AsSpan(8));

    async Task Until(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: not within 20 s; labs: {string.Join(", ", studio.Server.Labs.List())}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Two_pages_on_one_lab_see_the_same_steps_and_each_others_state_changes()
    {
        await using var first = await Open(Tiny);
        var made = await Welcome(first);
        Assert.False((bool)made["joined"]!);
        string id = (string)made["id"]!;
        Assert.StartsWith("sparks-", id);

        await using var second = await Open($"lab={id}&sparks.neurons=64");       // settings are ignored when joining
        var joined = await Welcome(second);
        Assert.Equal(id, (string)joined["id"]!);
        Assert.True((bool)joined["joined"]!);
        Assert.Equal(2, (int)joined["pages"]!);
        Assert.Single(studio.Server.Labs.List());

        var stepped = await Command(first, """{"type": "step", "steps": 7}""");
        Assert.Equal(7, (long)stepped["step"]!);
        await first.WaitForFrameAsync(f => StepOf(f) == 7);
        await second.WaitForFrameAsync(f => StepOf(f) == 7);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(second.Frames[^1].AsSpan(24)));

        var edited = await Command(first, """{"type": "edit", "settings": {"sparks.temperature": 0.75}}""");
        Assert.Equal(1, (int)edited["revision"]!);
        var push = await second.WaitForAsync(m => (string?)m["type"] == "state");
        Assert.Equal(0.75, (double)push["settings"]!["sparks.temperature"]!);
        Assert.Equal("paused", (string)push["state"]!);

        await Command(second, """{"type": "play"}""");
        var playing = await first.WaitForAsync(m => (string?)m["type"] == "state");
        Assert.Equal("playing", (string)playing["state"]!);
        Assert.NotNull(playing["settings"]);                                      // the whole state, not just the short reply
        var paused = await Command(second, """{"type": "pause"}""");
        long at = (long)paused["step"]!;
        Assert.True(at > 7, $"played from 7 to {at}");
        Assert.Equal("paused", (string)(await first.WaitForAsync(m => (string?)m["type"] == "state"))["state"]!);
        await first.WaitForFrameAsync(f => StepOf(f) == at && (BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(6)) & 1) == 0);
        await second.WaitForFrameAsync(f => StepOf(f) == at && (BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(6)) & 1) == 0);
    }

    [Fact]
    public async Task Two_pages_changing_a_lab_at_once_reach_a_third_page_in_the_labs_order()
    {
        await using var first = await Open(Tiny);
        string id = (string)(await Welcome(first))["id"]!;
        await using var second = await Open($"lab={id}");
        await Welcome(second);
        await using var third = await Open($"lab={id}");
        await Welcome(third);

        // Both pages send their edits at once; the lab runs them one by one in some interleaving, and the replies' awaits
        // end on request threads in any order. What the third page is told must follow the lab's order (its serial).
        const int each = 20;
        async Task<List<JsonObject>> Edits(SocketClient page, double offset)
        {
            for (int i = 0; i < each; i++)
            {
                string value = (offset + 0.01 * i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await page.SendAsync("{\"type\": \"edit\", \"request\": " + i + ", \"settings\": {\"sparks.temperature\": " + value + "}}");
            }
            var replies = new List<JsonObject>();
            while (replies.Count < each)
            {
                var message = await page.WaitForAsync(m => m["type"] is null || (string?)m["type"] is "error" or "state");
                if ((string?)message["type"] == "error") throw new InvalidOperationException(message.ToJsonString());
                if (message["type"] is null) replies.Add(message);
            }
            return replies;
        }
        var both = await Task.WhenAll(Edits(first, 0.1), Edits(second, 0.5));
        var replies = both.SelectMany(r => r).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * each), replies.Select(r => (int)r["revision"]!).Order());
        long last = replies.Max(r => (long)r["serial"]!);
        double final = (double)replies.MaxBy(r => (long)r["serial"]!)!["settings"]!["sparks.temperature"]!;

        var pushes = new List<JsonObject>();
        while (pushes.Count == 0 || (long)pushes[^1]["serial"]! < last)
            pushes.Add(await third.WaitForAsync(m => (string?)m["type"] == "state"));
        var serials = pushes.Select(p => (long)p["serial"]!).ToList();
        Assert.True(serials.Zip(serials.Skip(1)).All(p => p.First < p.Second), $"serials out of order: {string.Join(", ", serials)}");
        Assert.Equal(2 * each, (int)pushes[^1]["revision"]!);
        Assert.Equal(final, (double)pushes[^1]["settings"]!["sparks.temperature"]!);
        var now = await Command(third, """{"type": "state"}""");
        Assert.Equal(final, (double)now["settings"]!["sparks.temperature"]!);
    }

    [Fact]
    public async Task A_lab_outlives_its_last_page_by_the_grace_period_then_ends()
    {
        string id;
        await using (var page = await Open(Tiny))
        {
            id = (string)(await Welcome(page))["id"]!;
            await Command(page, """{"type": "step", "steps": 3}""");
        }
        await Until(() => studio.Server.Labs.List() is [{ Sockets: 0 }], "the page leaves");
        clock.Advance(TimeSpan.FromSeconds(29));                                  // a reload within the grace period joins again
        await using (var reload = await Open($"lab={id}"))
        {
            var again = await Welcome(reload);
            Assert.True((bool)again["joined"]!);
            await reload.WaitForFrameAsync(f => StepOf(f) == 3);                  // the same engine, where it was
        }
        await Until(() => studio.Server.Labs.List() is [{ Sockets: 0 }], "the reload leaves");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(studio.Server.Labs.List());                                 // the grace period restarted when it left
        clock.Advance(TimeSpan.FromSeconds(1));
        await Until(() => studio.Server.Labs.List().Count == 0, "the lab ends");

        await using var late = await Open($"lab={id}&{Tiny}");
        var fresh = await Welcome(late);
        Assert.False((bool)fresh["joined"]!);
        Assert.NotEqual(id, (string)fresh["id"]!);
    }

    [Fact]
    public async Task Beyond_the_cap_an_idle_lab_makes_room_and_otherwise_the_page_is_refused_in_one_line()
    {
        await using var first = await Open(Tiny);
        string firstId = (string)(await Welcome(first))["id"]!;
        await using var second = await Open(Tiny);
        string secondId = (string)(await Welcome(second))["id"]!;

        await using (var third = await Open(Tiny))
        {
            var refused = await Welcome(third);
            Assert.Equal("error", (string)refused["type"]!);
            Assert.StartsWith("at most 2 labs run at once and all 2 are open in pages; join one with ?lab=ID (", (string)refused["message"]!);
            Assert.Null(await third.ReceiveAsync(TimeSpan.FromSeconds(10)));      // then the socket closes
        }

        await first.DisposeAsync();
        await Until(() => studio.Server.Labs.List().Any(l => l.Id == firstId && l.Sockets == 0), "the first page leaves");
        await using var fourth = await Open(Tiny);
        var made = await Welcome(fourth);
        Assert.Equal("lab", (string)made["type"]!);
        Assert.Equal([secondId, (string)made["id"]!], studio.Server.Labs.List().Select(l => l.Id).ToArray());
    }

    [Fact]
    public async Task A_stopped_lab_tells_every_page_and_is_not_joined_again()
    {
        await using var first = await Open(Tiny);
        string id = (string)(await Welcome(first))["id"]!;
        await using var second = await Open($"lab={id}");
        await Welcome(second);
        Assert.Equal("stopped", (string)(await Command(first, """{"type": "stop"}"""))["state"]!);
        Assert.Equal("stopped", (string)(await second.WaitForAsync(m => (string?)m["type"] == "state"))["state"]!);
        await using var third = await Open($"lab={id}&{Tiny}");
        Assert.False((bool)(await Welcome(third))["joined"]!);
    }

    [Fact]
    public async Task Url_settings_arrive_as_numbers_and_booleans_and_a_bad_one_names_its_key()
    {
        await using (var page = await Open("sparks.neurons=48&sparks.spark_count=4&sparks.temperature=0.25&layout.enabled=false&seed=9"))
        {
            await Welcome(page);
            var settings = (await Command(page, """{"type": "state"}"""))["settings"]!;
            Assert.Equal(48, (int)settings["sparks.neurons"]!);
            Assert.Equal(0.25, (double)settings["sparks.temperature"]!);
            Assert.False((bool)settings["layout.enabled"]!);
            Assert.Equal(9, (long)settings["seed"]!);
        }
        await using var bad = await Open("sparks.neurons=many");
        var error = await Welcome(bad);
        Assert.Equal("error", (string)error["type"]!);
        Assert.Equal("sparks.neurons", (string)error["field"]!);
        Assert.StartsWith("sparks.neurons: expected a whole number", (string)error["message"]!);
        Assert.EndsWith("got the string \"many\".", (string)error["message"]!);
        await using var twice = await Open("seed=1&seed=2");
        Assert.Equal("seed: given 2 times in the URL; give it once", (string)(await Welcome(twice))["message"]!);
    }

    [Fact]
    public async Task The_attractor_lab_opens_through_the_same_registry()
    {
        await using var page = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/labs/attractor?neurons=16&memories=2&left_rule=hebbian&epochs=5");
        var made = await Welcome(page);
        Assert.StartsWith("attractor-", (string)made["id"]!);
        var reply = await Command(page, """{"type": "state"}""");
        Assert.Equal(16, (int)reply["settings"]!["neurons"]!);
        Assert.Equal("hebbian", (string)reply["settings"]!["left_rule"]!);
    }
    [Fact]
    public async Task A_cancel_overtakes_the_training_it_stops_and_the_configure_ends_in_an_error_reply()
    {
        await using var page = await SocketClient.ConnectAsync(studio.Server.Address, "/ws/labs/attractor?neurons=16&memories=2&left_rule=hebbian&level=0");
        await Welcome(page);
        await page.SendAsync("""{"type": "configure", "settings": {"left_rule": "learned-dense", "epochs": 5000}, "request": 1}""");
        var before = await page.WaitForFrameAsync(f => System.Text.Encoding.UTF8.GetString(f).Contains("\"type\":\"training\""));
        Assert.Empty(before);                                                            // the configure is still in flight
        var cancelled = await Command(page, """{"type": "cancel", "request": "stop-it"}""");   // the first reply: before the configure's
        Assert.Equal("stop-it", (string)cancelled["request"]!);
        Assert.True((bool)cancelled["cancelled"]!);
        var configure = await page.WaitForAsync(m => m["type"] is null || (string?)m["type"] == "error");
        Assert.Equal("error", (string)configure["type"]!);
        Assert.Equal(1, (int)configure["request"]!);
        Assert.Equal("configure: cancelled; the lab keeps the settings and nets it had.", (string)configure["message"]!);
        var state = await Command(page, """{"type": "state"}""");
        Assert.Equal("hebbian", (string)state["settings"]!["left_rule"]!);
        Assert.False(state.ContainsKey("request"));
        var refused = await Command(page, """{"type": "state", "request": [1]}""");
        Assert.Equal("request: expected a number or a text of at most 64 characters (the reply carries it back)", (string)refused["message"]!);
    }
}
