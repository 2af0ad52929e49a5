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

/// <summary>What an <see cref="EchoStateBenchmark"/> row fits and runs.</summary>
public enum EchoStateBenchmarkSetup
{
    /// <summary>Lorenz-63, standardised, one-step-ahead targets; connectivity 0.1 (ReservoirPy's <c>rc_connectivity</c> default),
    /// input scaling 0.5, ridge 1e-6, washout 100; fit on the first <c>steps</c>, run on the next.</summary>
    Lorenz,

    /// <summary>The setting of ReservoirPy's published timing (its tutorial "The Jax backend", NumPy backend: 3.57 s at 1,000 units):
    /// one uniform input on [0, 1), <c>rc_connectivity</c> and <c>input_connectivity</c> 5 / N (about 5 recurrent weights a unit),
    /// ridge 10, no warm-up, <c>fit(X, X).run(X)</c> on the same 50,000 steps; the readout sees the state and a bias, not the input.</summary>
    ReservoirPyTutorial,
}

/// <summary>
/// Times an echo state network of 1,000 units fitted on 50,000 steps and run on 50,000: the <c>resonance bench</c> rows beside
/// ReservoirPy's published 3.57 s for fit plus run at that size (its tutorial "The Jax backend", NumPy backend), each with a
/// NumPy / SciPy reference of the same network timed in the same run.
/// </summary>
public static class EchoStateBenchmark
{
    /// <summary>ReservoirPy's published seconds for fit plus run of 1,000 units on 50,000 steps (NumPy backend).</summary>
    public const double ReservoirPySeconds = 3.57;

    const int Units = 1000, Steps = 50_000;

    /// <summary>The <c>resonance bench</c> row of ReservoirPy's own timing setting (<see cref="EchoStateBenchmarkSetup.ReservoirPyTutorial"/>).
    /// ReservoirPy builds its reservoir lazily inside <c>fit</c>, so its 3.57 s includes drawing the weights (without a spectral-radius
    /// scaling, its default); the row compares fit + run, and fit + run + build (ours scales to a spectral radius, an eigenvalue
    /// problem ReservoirPy's default skips).</summary>
    public static Benchmarks.BenchmarkCase TutorialCase() => new("esn-reservoirpy", "tutorial N=1000", "1,000 units, ReservoirPy's timing setting: 5 weights a unit, 1 input, fit and run on 50,000 steps", settings =>
    {
        var result = Measure(settings.Seed, reference: true, setup: EchoStateBenchmarkSetup.ReservoirPyTutorial);
        return Measurement(result, "ReservoirPy's tutorial setting: rc_connectivity and input_connectivity 5/N, ridge 10, uniform input, fit(X, X).run(X)");
    });

    /// <summary>The <c>resonance bench</c> row.</summary>
    public static Benchmarks.BenchmarkCase Case() => new("esn", "lorenz N=1000", "1,000 units, fit on 50,000 Lorenz-63 steps, run on 50,000 more", settings =>
        Measurement(Measure(settings.Seed, reference: true), "connectivity 0.1, ReservoirPy's rc_connectivity default; Lorenz-63"));

    static Benchmarks.BenchmarkMeasurement Measurement(EchoStateBenchmarkResult result, string setting)
    {
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
                ["fit_run_build_s"] = result.FitAndRunSeconds + result.BuildSeconds,
            }.Concat(extra).ToDictionary(),
            Note = $"ESN fit + run: {result.FitAndRunSeconds:F2} s; " + reference + $"{result.FitAndRunSeconds / ReservoirPySeconds:F2}x ReservoirPy's published "
                + $"{ReservoirPySeconds} s (its tutorial, NumPy backend, another machine): harvest {result.HarvestSeconds:F2} s, Gram {result.GramSeconds:F2} s, "
                + $"Cholesky {result.SolveSeconds:F2} s, driven run {result.RunSeconds:F2} s; processor time harvest {result.HarvestCpuSeconds:F2} s, "
                + $"Gram {result.GramCpuSeconds:F2} s, run {result.RunCpuSeconds:F2} s (total {result.FitAndRunCpuSeconds:F2} s); building the reservoir (eigenvalues) {result.BuildSeconds:F2} s more; "
                + $"{result.NonzeroWeights:N0} nonzero recurrent weights ({setting}); run MSE {result.RunMeanSquaredError:G2}",
        };
    }

    /// <summary>Builds, fits and runs one network, timing each part.</summary>
    /// <param name="seed">Seed of the reservoir.</param>
    /// <param name="steps">Training steps, and run steps.</param>
    /// <param name="units">Reservoir units.</param>
    /// <param name="reference">Also time the NumPy / SciPy reference (<see cref="NumPyEchoStateReference"/>) on the same network.</param>
    /// <param name="setup">The series and settings.</param>
    public static EchoStateBenchmarkResult Measure(long seed = 0, int steps = Steps, int units = Units, bool reference = false,
        EchoStateBenchmarkSetup setup = EchoStateBenchmarkSetup.Lorenz)
    {
        using var scope = NewDisposeScope();
        Tensor trainInputs, trainTargets, runInputs, runTargets;
        EchoStateOptions options;
        if (setup == EchoStateBenchmarkSetup.Lorenz)
        {
            Tensor series = BenchmarkLorenz.Standardised(2 * steps + 1);                         // (2 steps + 1, 3) float32
            (trainInputs, trainTargets) = (series[..steps], series[1..(steps + 1)]);
            (runInputs, runTargets) = (series[steps..(2 * steps)], series[(steps + 1)..]);
            options = new EchoStateOptions { Units = units, SpectralRadius = 0.9, Connectivity = 0.1, InputScaling = 0.5, Ridge = 1e-6, Washout = 100 };
        }
        else
        {
            using var generator = Runtime.RandomStreams.Generator(Runtime.RandomStreams.Derive(seed, "esn.bench.input"));
            Tensor x = rand([steps, 1], dtype: ScalarType.Float32, generator: generator);       // (steps, 1) U[0, 1)
            (trainInputs, trainTargets, runInputs, runTargets) = (x, x, x, x);
            // ReservoirPy's input_connectivity 5/N leaves about 5 of the N input weights nonzero; ours are dense (N of them for
            // one input, a thousandth of the step's work), which costs this side, not the reference's.
            options = new EchoStateOptions { Units = units, SpectralRadius = 0.9, Connectivity = 5.0 / units, Ridge = 10, Washout = 0, ReadoutInput = false };
        }

        var clock = Stopwatch.StartNew();
        using var network = new EchoStateNetwork(options, inputs: (int)trainInputs.shape[1], seed);
        double build = clock.Elapsed.TotalSeconds;

        // Fit: the harvest streams blocks of 8,192 feature rows into the normal equations; the time inside the callback is the Gram's.
        var gramClock = new Stopwatch();
        double gramCpu = 0, cpuStart = ProcessorSeconds();
        clock.Restart();
        Tensor gram, moments;
        using (var sums = new NormalEquationsAccumulator(network.FeatureSize, (int)trainTargets.shape[1]))
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
