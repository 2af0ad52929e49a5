using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>Simulation speed at one size: the median of several timed repeats after a warm-up.</summary>
/// <param name="Device">Device type the simulation ran on (<c>cpu</c>, <c>cuda</c>).</param>
/// <param name="Neurons">Neurons <c>N</c>.</param>
/// <param name="SparkCount">Sparks <c>S</c>.</param>
/// <param name="WithLayout">Whether the layout was stepped with the simulation.</param>
/// <param name="Steps">Steps per timed repeat.</param>
/// <param name="StepsPerSecond">Median steps per second over the repeats.</param>
/// <param name="RepeatStepsPerSecond">Steps per second of each repeat.</param>
public sealed record SparkBenchmarkResult(
    string Device, int Neurons, int SparkCount, bool WithLayout, int Steps, double StepsPerSecond, IReadOnlyList<double> RepeatStepsPerSecond);

/// <summary>Times the spark simulation (the <c>resonance bench</c> row: N = 1,024, S = 64, with layout).</summary>
public static class SparkBenchmark
{
    /// <summary>Runs <paramref name="warmupSteps"/> untimed steps, then <paramref name="repeats"/> timed runs of
    /// <paramref name="steps"/> steps each, on a default-rule simulation of the given size.</summary>
    /// <exception cref="UserInputException">The size is out of range.</exception>
    public static SparkBenchmarkResult Measure(
        Device device, int neurons = 1024, int sparks = 64, int steps = 200, bool withLayout = true,
        int repeats = 5, int warmupSteps = 20, long seed = 0)
    {
        OptionChecks.WholeAtLeast("--steps", steps, 1);
        OptionChecks.WholeAtLeast("--repeats", repeats, 1);
        var options = new SparkOptions { Neurons = neurons, SparkCount = sparks };
        using var simulation = new SparkSimulation(options, seed, device, new SparkLayoutOptions { Enabled = withLayout });
        simulation.Advance(warmupSteps);
        Synchronize(device);
        var rates = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            simulation.Advance(steps);
            Synchronize(device);
            rates.Add(steps / clock.Elapsed.TotalSeconds);
        }
        var sorted = rates.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return new SparkBenchmarkResult(device.type.ToString().ToLowerInvariant(), neurons, sparks, withLayout, steps, median, rates);
    }

    /// <summary>The <c>resonance bench</c> row: N = 1,024, S = 64, with layout; steps per repeat scale with the settings' repeat time.</summary>
    public static Benchmarks.BenchmarkCase Case() => new("sparks", "N=1024 S=64", "1,024 neurons, 64 sparks, force layout every step", settings =>
    {
        int steps = settings.MinRepeatSeconds >= 1 ? 200 : 50;
        var result = Measure(settings.Device, steps: steps, repeats: settings.Repeats, warmupSteps: settings.WarmupSeconds > 0 ? 20 : 5, seed: settings.Seed);
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double> { ["steps_per_s"] = result.StepsPerSecond },
            Note = $"simulation steps/s: {result.StepsPerSecond:N0} (target >= 200)",
        };
    });

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
