using System.Diagnostics;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>What readers of a playing spark lab received.</summary>
/// <param name="Neurons">N.</param>
/// <param name="SparkCount">S.</param>
/// <param name="Readers">Concurrent readers, each awaiting <see cref="LabFrameFeed.NextSlotAsync"/> in a loop.</param>
/// <param name="Seconds">Timed seconds.</param>
/// <param name="FramesPublishedPerS">Frames the lab published per second.</param>
/// <param name="SlowestReaderFramesPerS">Frames per second received by the reader that received fewest.</param>
/// <param name="MedianLatencyMs">Median time from publish to a reader holding the frame.</param>
/// <param name="P95LatencyMs">Its 95th percentile.</param>
/// <param name="StepsPerS">Simulation steps per second while streaming.</param>
/// <param name="FrameBytes">Bytes of one frame.</param>
public sealed record SparkLabBenchmarkResult(int Neurons, int SparkCount, int Readers, double Seconds, double FramesPublishedPerS, double SlowestReaderFramesPerS,
    double MedianLatencyMs, double P95LatencyMs, double StepsPerS, int FrameBytes);

/// <summary>Frames a playing spark lab delivers to concurrent readers, with the publish-to-read latency: the <c>resonance bench</c>
/// row <c>spark-lab-frames</c> (N = 1,024, S = 64, layout on; N = 256, S = 16 with <c>--quick</c>).</summary>
public static class SparkLabBenchmark
{
    /// <summary>Plays a default-rule lab for <paramref name="seconds"/> (after <paramref name="warmupSeconds"/>) while
    /// <paramref name="readers"/> readers take every frame they can; each reader decodes the frame's header as a page would.</summary>
    public static SparkLabBenchmarkResult Measure(Device device, int neurons = 1024, int sparks = 64, int readers = 1, double seconds = 3,
        double warmupSeconds = 0.5, long seed = 0)
    {
        OptionChecks.WholeInRange("readers", readers, 1, 64);
        OptionChecks.Positive("seconds", seconds);
        var settings = new JsonObject { ["seed"] = seed, ["sparks.neurons"] = neurons, ["sparks.spark_count"] = sparks, ["layout.enabled"] = true };
        var lab = new SparkLab(settings, device);
        try
        {
            Run(lab, new JsonObject { ["type"] = "play" });
            Thread.Sleep(TimeSpan.FromSeconds(warmupSeconds));
            using var stop = new CancellationTokenSource();
            long startVersion = lab.Frames.Version;
            long startStep = (long)Run(lab, new JsonObject { ["type"] = "state" })["step"]!;
            var clock = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, readers).Select(_ => Task.Run(() => Read(lab.Frames, stop.Token))).ToArray();
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            stop.Cancel();
            Task.WaitAll(tasks);
            double elapsed = clock.Elapsed.TotalSeconds;
            long endStep = (long)Run(lab, new JsonObject { ["type"] = "state" })["step"]!;
            long published = lab.Frames.Version - startVersion;
            var latencies = tasks.SelectMany(t => t.Result.LatenciesMs).Order().ToList();
            int bytes = lab.Frames.Latest.Frame.Length;
            return new SparkLabBenchmarkResult(neurons, sparks, readers, elapsed, published / elapsed, tasks.Min(t => t.Result.Frames) / elapsed,
                Percentile(latencies, 0.5), Percentile(latencies, 0.95), (endStep - startStep) / elapsed, bytes);
        }
        finally
        {
            lab.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The <c>resonance bench</c> row: frames/s to 1 and to 4 readers, latency, steps/s.</summary>
    public static Benchmarks.BenchmarkCase Case() => new("spark-lab-frames", "N=1024 S=64", "live spark lab, layout on, frames to 1 and 4 readers (quick: N=256 S=16)", settings =>
    {
        bool quick = settings.MinRepeatSeconds < 1;
        int n = quick ? 256 : 1024, s = quick ? 16 : 64;
        double seconds = quick ? 1 : 4;
        var one = Measure(settings.Device, n, s, readers: 1, seconds, seed: settings.Seed);
        var four = Measure(settings.Device, n, s, readers: 4, seconds, seed: settings.Seed);
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double>
            {
                ["frames_1_reader_per_s"] = one.SlowestReaderFramesPerS,
                ["frames_4_readers_per_s"] = four.SlowestReaderFramesPerS,
                ["latency_median_s"] = four.MedianLatencyMs / 1000,
                ["latency_p95_s"] = four.P95LatencyMs / 1000,
                ["steps_1_reader_per_s"] = one.StepsPerS,
                ["steps_4_readers_per_s"] = four.StepsPerS,
                ["frame_bytes"] = four.FrameBytes,
            },
            Note = $"N={n} S={s}: {one.SlowestReaderFramesPerS:F1} frames/s to 1 reader, {four.SlowestReaderFramesPerS:F1} to each of 4 (target >= 30, >= 20); " +
                $"latency median {four.MedianLatencyMs:F1} ms, p95 {four.P95LatencyMs:F1} ms (target < 100); {four.StepsPerS:F0} steps/s; {four.FrameBytes:N0} B a frame",
        };
    });

    static (int Frames, List<double> LatenciesMs) Read(LabFrameFeed feed, CancellationToken stop)
    {
        long have = feed.Version;
        int frames = 0;
        var latencies = new List<double>();
        try
        {
            while (true)
            {
                var slot = feed.NextSlotAsync(have, stop).AsTask().GetAwaiter().GetResult();
                latencies.Add(Stopwatch.GetElapsedTime(slot.PublishedTimestamp).TotalMilliseconds);
                _ = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(slot.Frame.AsSpan(8));   // the step, as a page reads it
                have = slot.Version;
                frames++;
            }
        }
        catch (OperationCanceledException) { }
        return (frames, latencies);
    }

    static JsonObject Run(ILab lab, JsonObject command) => lab.HandleAsync(command).GetAwaiter().GetResult();

    static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * (sorted.Count - 1) + 0.5))];
}
