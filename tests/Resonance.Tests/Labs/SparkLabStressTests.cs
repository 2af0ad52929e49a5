using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Tests.Labs;

public class SparkLabStressTests
{
    /// <summary>Seconds of the stress run: 2 by default; set RESONANCE_LAB_STRESS_SECONDS=60 for the one-minute run by hand.</summary>
    static double Seconds => double.TryParse(Environment.GetEnvironmentVariable("RESONANCE_LAB_STRESS_SECONDS"), out double s) && s > 0 ? s : 2;

    [Fact]
    public async Task Commands_from_many_threads_beside_readers_and_allocating_threads_raise_only_lab_input_errors()
    {
        await using var lab = SparkLabTesting.Small(new JsonObject { ["frame.max_per_second"] = 240 });
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        int refused = 0, handled = 0, framesRead = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(Seconds));

        Thread Commander(int seed) => new(() =>
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var command = random.Next(7) switch
                {
                    0 => SparkLabTesting.Command("play"),
                    1 => SparkLabTesting.Command("pause"),
                    2 => SparkLabTesting.Command("step", ("steps", random.Next(1, 4))),
                    3 => SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.temperature"] = 0.05 + random.NextDouble() / 4 })),
                    4 => SparkLabTesting.Command("edit", ("settings", new JsonObject { ["sparks.epsilon"] = 1.5 })),         // always refused
                    5 => SparkLabTesting.Command("step", ("steps", "many")),                                                   // always refused
                    _ => SparkLabTesting.Command("state"),
                };
                try
                {
                    var reply = lab.HandleAsync(command).GetAwaiter().GetResult();
                    if (reply["state"] is null || reply["error"] is not null) failures.Add(new InvalidOperationException(reply.ToJsonString()));
                    Interlocked.Increment(ref handled);
                }
                catch (LabInputException) { Interlocked.Increment(ref refused); }
                catch (Exception e) { failures.Add(e); }
            }
        }) { IsBackground = true };

        Thread Reader() => new(() =>
        {
            long version = 0;
            try
            {
                while (true)
                {
                    (version, var bytes) = lab.Frames.NextAsync(version, stop.Token).AsTask().GetAwaiter().GetResult();
                    var frame = SparkLabFrame.Decode(bytes);
                    if (frame.Neurons != 32 || frame.Sparks.Any(s => s is < 0 or >= 32)) failures.Add(new InvalidOperationException($"bad frame at step {frame.Step}"));
                    Interlocked.Increment(ref framesRead);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failures.Add(e); }
        }) { IsBackground = true };

        Thread Allocator(int seed) => new(() =>
        {
            var random = new Random(seed);
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[random.Next(1, 200_000)]);
                if (keep.Count > 50) keep.Clear();
            }
        }) { IsBackground = true };

        Thread[] threads = [Commander(1), Commander(2), Commander(3), Reader(), Reader(), Allocator(4), Allocator(5)];
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Empty(failures);
        Assert.True(handled > 0 && refused > 0 && framesRead > 0, $"handled {handled}, refused {refused}, frames {framesRead}");
        // Still consistent: pause, step, and the frame and the reply agree.
        await lab.Send("pause");
        long step = (long)(await lab.Send("state"))["step"]!;
        var stepped = await lab.Send("step", ("steps", 2));
        Assert.Equal(step + 2, (long)stepped["step"]!);
        Assert.Equal(step + 2, lab.LatestFrame().Step);
    }
}
