using System.Diagnostics;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Wall-clock figures of one echo state network fit and run.</summary>
/// <param name="BuildSeconds">Drawing the reservoir and scaling it to its spectral radius (eigenvalues of the dense <c>N × N</c> matrix).</param>
/// <param name="HarvestSeconds">Driving the reservoir through the training steps, writing the features <c>[1; u; x]</c> into blocks of
/// 8,192 rows (the sequential part of the fit).</param>
/// <param name="GramSeconds">The normal equations, streamed block by block as the harvest fills them: Gram matrix <c>Fᵀ F</c> (lower
/// triangle) and moments <c>Fᵀ Y</c> in float64.</param>
/// <param name="SolveSeconds">The Cholesky solve of the ridge readout (float64).</param>
/// <param name="RunSeconds">Driving the fitted network through the run steps and reading it out.</param>
/// <param name="Steps">Training steps, and run steps.</param>
/// <param name="Units">Reservoir units.</param>
/// <param name="RunMeanSquaredError">Mean squared error of the run's one-step predictions (standardised units): a check that the fit worked.</param>
/// <param name="NonzeroWeights">Nonzero recurrent weights (the sparse product's size per step).</param>
/// <param name="HarvestCpuSeconds">Processor time of the harvest (all threads of the process): on a shared, loaded machine the wall time
/// counts the time other processes hold the cores, the processor time does not.</param>
/// <param name="GramCpuSeconds">Processor time of the normal equations (libtorch's threads included).</param>
/// <param name="RunCpuSeconds">Processor time of the driven run.</param>
public sealed record EchoStateBenchmarkResult(double BuildSeconds, double HarvestSeconds, double GramSeconds, double SolveSeconds, double RunSeconds, int Steps, int Units,
    double RunMeanSquaredError, long NonzeroWeights, double HarvestCpuSeconds = double.NaN, double GramCpuSeconds = double.NaN, double RunCpuSeconds = double.NaN)
{
    /// <summary>Processor seconds of harvest, Gram and run (the Cholesky's are negligible).</summary>
    public double FitAndRunCpuSeconds => HarvestCpuSeconds + GramCpuSeconds + RunCpuSeconds;

    /// <summary>Fit (harvest, Gram and solve) plus run, the figure compared with ReservoirPy.</summary>
    public double FitAndRunSeconds => HarvestSeconds + GramSeconds + SolveSeconds + RunSeconds;

    /// <summary>The NumPy / SciPy reference on the same network and series, when it ran.</summary>
    public NumPyReferenceResult? Reference { get; init; }

    /// <summary>Why the reference did not run, when it did not.</summary>
    public string? ReferenceProblem { get; init; }
}

/// <summary>
/// Times an echo state network of 1,000 units fitted on 50,000 steps of Lorenz-63 (one-step-ahead targets), then run on the next
/// 50,000: the <c>resonance bench</c> row beside ReservoirPy's published 3.57 s for fit plus run at that size (its tutorial, NumPy backend).
/// </summary>
public static class EchoStateBenchmark
{
    /// <summary>ReservoirPy's published seconds for fit plus run of 1,000 units on 50,000 steps (NumPy backend).</summary>
    public const double ReservoirPySeconds = 3.57;

    const int Units = 1000, Steps = 50_000;

    /// <summary>The <c>resonance bench</c> row.</summary>
    public static Benchmarks.BenchmarkCase Case() => new("esn", "lorenz N=1000", "1,000 units, fit on 50,000 Lorenz-63 steps, run on 50,000 more", settings =>
    {
        var result = Measure(settings.Seed, reference: true);
        string reference = result.Reference is { } numpy
            ? $"NumPy/SciPy reference on the same weights and series, this machine, this run: {numpy.FitAndRunSeconds:F2} s (fit {numpy.FitSeconds:F2} s, "
              + $"run {numpy.RunSeconds:F2} s, run MSE {numpy.RunMeanSquaredError:G2}); ours {result.FitAndRunSeconds / numpy.FitAndRunSeconds:F2}x its time; "
            : $"NumPy/SciPy reference not run: {result.ReferenceProblem}; ";
        var extra = new Dictionary<string, double>();
        if (result.Reference is { } r)
        {
            extra["numpy_fit_run_s"] = r.FitAndRunSeconds;
            extra["vs_numpy"] = result.FitAndRunSeconds / r.FitAndRunSeconds;
        }
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double>
            {
                ["fit_run_s"] = result.FitAndRunSeconds, ["build_s"] = result.BuildSeconds, ["harvest_s"] = result.HarvestSeconds,
                ["gram_s"] = result.GramSeconds, ["solve_s"] = result.SolveSeconds, ["run_s"] = result.RunSeconds, ["nonzero_weights"] = result.NonzeroWeights,
                ["harvest_cpu_s"] = result.HarvestCpuSeconds, ["gram_cpu_s"] = result.GramCpuSeconds, ["run_cpu_s"] = result.RunCpuSeconds,
                ["fit_run_cpu_s"] = result.FitAndRunCpuSeconds,
                ["vs_reservoirpy_s"] = result.FitAndRunSeconds / ReservoirPySeconds, ["run_mse"] = result.RunMeanSquaredError,
            }.Concat(extra).ToDictionary(),
            Note = $"ESN fit + run: {result.FitAndRunSeconds:F2} s; " + reference + $"{result.FitAndRunSeconds / ReservoirPySeconds:F2}x ReservoirPy's published "
                + $"{ReservoirPySeconds} s (its tutorial, NumPy backend, another machine): harvest {result.HarvestSeconds:F2} s, Gram {result.GramSeconds:F2} s, "
                + $"Cholesky {result.SolveSeconds:F2} s, driven run {result.RunSeconds:F2} s; processor time harvest {result.HarvestCpuSeconds:F2} s, "
                + $"Gram {result.GramCpuSeconds:F2} s, run {result.RunCpuSeconds:F2} s (total {result.FitAndRunCpuSeconds:F2} s); building the reservoir (eigenvalues) {result.BuildSeconds:F2} s more; "
                + $"{result.NonzeroWeights:N0} nonzero recurrent weights (connectivity 0.1, ReservoirPy's rc_connectivity default); run MSE {result.RunMeanSquaredError:G2}",
        };
    });

    /// <summary>Builds, fits and runs one network, timing each part.</summary>
    /// <param name="seed">Seed of the reservoir.</param>
    /// <param name="steps">Training steps, and run steps.</param>
    /// <param name="units">Reservoir units.</param>
    /// <param name="reference">Also time the NumPy / SciPy reference (<see cref="NumPyEchoStateReference"/>) on the same network.</param>
    public static EchoStateBenchmarkResult Measure(long seed = 0, int steps = Steps, int units = Units, bool reference = false)
    {
        using var scope = NewDisposeScope();
        Tensor series = BenchmarkLorenz.Standardised(2 * steps + 1);                             // (2 steps + 1, 3) float32
        Tensor trainInputs = series[..steps], trainTargets = series[1..(steps + 1)];
        Tensor runInputs = series[steps..(2 * steps)], runTargets = series[(steps + 1)..];
        var options = new EchoStateOptions { Units = units, SpectralRadius = 0.9, Connectivity = 0.1, InputScaling = 0.5, Ridge = 1e-6, Washout = 100 };

        var clock = Stopwatch.StartNew();
        using var network = new EchoStateNetwork(options, inputs: 3, seed);
        double build = clock.Elapsed.TotalSeconds;

        // Fit: the harvest streams blocks of 8,192 feature rows into the normal equations; the time inside the callback is the Gram's.
        var gramClock = new Stopwatch();
        double gramCpu = 0, cpuStart = ProcessorSeconds();
        clock.Restart();
        Tensor gram, moments;
        using (var sums = new NormalEquationsAccumulator(network.FeatureSize, 3))
        {
            network.HarvestFeatureBlocks(trainInputs, options.Washout, RidgeReadout.Block, (block, first) =>
            {
                double before = ProcessorSeconds();
                gramClock.Start();
                sums.Add(block, trainTargets[(int)(options.Washout + first)..(int)(options.Washout + first + block.shape[0])]);
                gramClock.Stop();
                gramCpu += ProcessorSeconds() - before;
            });
            double last = ProcessorSeconds();
            gramClock.Start();
            (gram, moments) = sums.Result();
            gramClock.Stop();
            gramCpu += ProcessorSeconds() - last;
        }
        double gramSeconds = gramClock.Elapsed.TotalSeconds;
        double harvest = clock.Elapsed.TotalSeconds - gramSeconds;
        double harvestCpu = ProcessorSeconds() - cpuStart - gramCpu;
        clock.Restart();
        Tensor weights = RidgeReadout.SolveNormalEquations(gram, moments, options.Ridge);
        double solve = clock.Elapsed.TotalSeconds;
        network.UseReadout(weights);

        clock.Restart();
        double runCpuStart = ProcessorSeconds();
        Tensor predictions = network.Predict(runInputs);
        double run = clock.Elapsed.TotalSeconds;
        double runCpu = ProcessorSeconds() - runCpuStart;
        double mse = (predictions - runTargets).square().mean().item<float>();
        long nonzero = network.Recurrent.count_nonzero().item<long>();
        var result = new EchoStateBenchmarkResult(build, harvest, gramSeconds, solve, run, steps, units, mse, nonzero, harvestCpu, gramCpu, runCpu);
        if (!reference) return result;
        if (NumPyEchoStateReference.Unavailable() is { } problem) return result with { ReferenceProblem = problem };
        return result with { Reference = NumPyEchoStateReference.Measure(network, trainInputs, trainTargets, runInputs, runTargets) };
    }

    static double ProcessorSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }
}
