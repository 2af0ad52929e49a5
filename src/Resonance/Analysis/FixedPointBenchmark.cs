using System.Diagnostics;
using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>Wall-clock figures of one fixed-point search on an untrained resonator.</summary>
/// <param name="Seconds">Seconds of the whole search (optimisation, merging, Jacobians, eigenvalues).</param>
/// <param name="Iterations">Optimiser iterations run.</param>
/// <param name="FixedPoints">Points with <c>q &lt; tol_q</c>.</param>
/// <param name="SlowPoints">Points left with <c>q ≥ tol_q</c>.</param>
/// <param name="Stable">Stable points among all found.</param>
/// <param name="Saddles">Saddles among all found.</param>
/// <param name="Converged">Initial states whose search ended below <c>tol_q</c> (before duplicates are merged).</param>
/// <param name="InitialStates">Initial states searched.</param>
/// <param name="LargestQ">The largest q among the points found (all below <c>tol_q</c> when every state converged).</param>
/// <param name="PolishSteps">Newton polishing steps run.</param>
/// <param name="Times">Seconds of each stage.</param>
public sealed record FixedPointBenchmarkResult(double Seconds, int Iterations, int FixedPoints, int SlowPoints, int Stable, int Saddles,
    int Converged, int InitialStates, double LargestQ, int PolishSteps, FixedPointTimes Times);

/// <summary>Times the <see cref="FixedPointFinder"/> on 1,024 initial states of a 128-neuron resonator (autonomous map, <c>x* = null</c>),
/// in float64 as <c>resonance analyze</c> runs it: the <c>resonance bench</c> row of the analysis (target under 30 s on a 2-core CPU).</summary>
public static class FixedPointBenchmark
{
    const int InitialStates = 1024, Hidden = 128, DrivenSteps = 28, Inputs = 28;

    /// <summary>The <c>resonance bench</c> row.</summary>
    public static Benchmarks.BenchmarkCase Case() => new("fixed-points", "resonator N=1024", "1,024 initial states of a 128-neuron resonator, autonomous", settings =>
    {
        var result = Measure(settings.Device, settings.Seed);
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double>
            {
                ["search_s"] = result.Seconds, ["iterations"] = result.Iterations, ["polish_steps"] = result.PolishSteps,
                ["converged"] = result.Converged, ["largest_q"] = result.LargestQ,
                ["descent_s"] = result.Times.Descent, ["polish_s"] = result.Times.Polish, ["classify_s"] = result.Times.Classify,
            },
            Note = $"fixed-point search: {result.Seconds:F1} s (target < 30 s), {result.Converged:N0} of {result.InitialStates:N0} states below tol_q, "
                + $"largest q {result.LargestQ:G2}; {result.Iterations} Adam iterations + {result.PolishSteps} Newton steps; "
                + $"{result.FixedPoints} fixed and {result.SlowPoints} slow points ({result.Stable} stable, {result.Saddles} saddles); "
                + $"descent {result.Times.Descent:F1} s, polish {result.Times.Polish:F1} s, merge {result.Times.Merge:F1} s, classify {result.Times.Classify:F1} s",
        };
    });

    /// <summary>Builds the resonator, drives 1,024 trajectories with seeded random rows for 28 steps, and times one search from their ends.</summary>
    /// <param name="device">Where the model and states live.</param>
    /// <param name="seed">Seed of the model, the inputs and the search.</param>
    /// <param name="options">The search's settings; when null, those of <c>resonance analyze</c> (1,000 Adam iterations, then the polish) with <paramref name="seed"/>.</param>
    /// <param name="initialStates">Trajectories driven and searched from.</param>
    public static FixedPointBenchmarkResult Measure(Device device, long seed = 0, FixedPointOptions? options = null, int initialStates = InitialStates)
    {
        using var scope = NewDisposeScope();
        using var model = new EmergentResonator(new EmergentResonatorOptions { Hidden = Hidden }, new ModelShape(Inputs, 10, DrivenSteps, TaskKind.Classification), seed);
        model.to(device);
        model.to(ScalarType.Float64);
        var dynamics = model.Dynamics;
        Tensor state = dynamics.InitialState(initialStates, device).to(ScalarType.Float64); // (N, S)
        using (no_grad())
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "bench.fixed_points.inputs")))
            for (int t = 0; t < DrivenSteps; t++)
                state = dynamics.Step(state, rand([initialStates, Inputs], dtype: ScalarType.Float64, generator: generator).to(device));
        var clock = Stopwatch.StartNew();
        options ??= new AnalysisOptions().FixedPoints with { InitialStates = initialStates, Seed = seed };  // the search resonance analyze runs
        var result = FixedPointFinder.Find(dynamics, state, input: null, options);
        double seconds = clock.Elapsed.TotalSeconds;
        return new FixedPointBenchmarkResult(seconds, result.Iterations, result.FixedPoints.Count(), result.SlowPoints.Count(),
            result.Points.Count(p => p.Stability == FixedPointStability.Stable), result.Points.Count(p => p.Stability == FixedPointStability.Saddle),
            result.ConvergedStates, result.InitialStates, result.Points.Count == 0 ? double.NaN : result.Points.Max(p => p.Q), result.PolishSteps, result.Times);
    }
}
