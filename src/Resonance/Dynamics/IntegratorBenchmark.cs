using System.Diagnostics;
using Resonance.Benchmarks;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>The <c>resonance bench</c> row of the integrators: 1,000 Lorenz-63 trajectories for 10,000 RK4 steps
/// (dt = 0.01), vectorised across trajectories, in float32 and float64.</summary>
public static class IntegratorBenchmark
{
    const int Trajectories = 1000, Steps = 10_000;

    /// <summary>The bench row; its figures are steps × trajectories per second for each dtype.</summary>
    public static BenchmarkCase Case() => new("rk4-lorenz63", "B=1000 T=10000", "1,000 Lorenz-63 trajectories, 10,000 RK4 steps of 0.01", settings =>
    {
        double single = Measure(settings.Device, ScalarType.Float32, Steps, settings.Seed);
        double @double = Measure(settings.Device, ScalarType.Float64, Steps, settings.Seed);
        return new BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double> { ["float32_trajectory_steps_per_s"] = single, ["float64_trajectory_steps_per_s"] = @double },
            Note = $"RK4 on Lorenz-63: {single / 1e6:F1} M trajectory-steps/s in float32, {@double / 1e6:F1} M in float64 " +
                $"({Steps:N0} steps x {Trajectories:N0} trajectories: {Trajectories * (double)Steps / single:F1} s and {Trajectories * (double)Steps / @double:F1} s)",
        };
    });

    /// <summary>Times <paramref name="steps"/> RK4 steps of 1,000 trajectories and returns trajectory-steps per second.</summary>
    public static double Measure(Device device, ScalarType dtype, int steps, long seed = 0)
    {
        var lorenz = SystemCatalog.Get("lorenz63");
        var step = SystemSimulation.Step(lorenz, lorenz.DefaultParameters, 0.01);
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "bench.rk4.starts"));
        Tensor start = (tensor(lorenz.InitialCondition, dtype: ScalarType.Float64) + randn([Trajectories, 3], dtype: ScalarType.Float64, generator: generator))
            .to(dtype).to(device);                                                            // (B, 3)
        SystemSimulation.Advance(step, start, 10, lorenz.Name);                               // warm-up
        var clock = Stopwatch.StartNew();
        Tensor end = SystemSimulation.Advance(step, start, steps, lorenz.Name);
        end.cpu();
        return Trajectories * (double)steps / clock.Elapsed.TotalSeconds;
    }
}
