using System.Diagnostics;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Wall-clock figures of one echo state network fit and run.</summary>
/// <param name="BuildSeconds">Drawing the reservoir and scaling it to its spectral radius (eigenvalues of the dense <c>N × N</c> matrix).</param>
/// <param name="HarvestSeconds">Driving the reservoir through the training steps, writing the features <c>[1; u; x]</c> (the sequential part of the fit).</param>
/// <param name="GramSeconds">The normal equations: Gram matrix <c>Fᵀ F</c> and moments <c>Fᵀ Y</c> in float64.</param>
/// <param name="SolveSeconds">The Cholesky solve of the ridge readout (float64).</param>
/// <param name="RunSeconds">Driving the fitted network through the run steps and reading it out.</param>
/// <param name="Steps">Training steps, and run steps.</param>
/// <param name="Units">Reservoir units.</param>
/// <param name="RunMeanSquaredError">Mean squared error of the run's one-step predictions (standardised units): a check that the fit worked.</param>
/// <param name="NonzeroWeights">Nonzero recurrent weights (the sparse product's size per step).</param>
public sealed record EchoStateBenchmarkResult(double BuildSeconds, double HarvestSeconds, double GramSeconds, double SolveSeconds, double RunSeconds, int Steps, int Units,
    double RunMeanSquaredError, long NonzeroWeights)
{
    /// <summary>Fit (harvest, Gram and solve) plus run, the figure compared with ReservoirPy.</summary>
    public double FitAndRunSeconds => HarvestSeconds + GramSeconds + SolveSeconds + RunSeconds;
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
        var result = Measure(settings.Seed);
        return new Benchmarks.BenchmarkMeasurement
        {
            Extra = new Dictionary<string, double>
            {
                ["fit_run_s"] = result.FitAndRunSeconds, ["build_s"] = result.BuildSeconds, ["harvest_s"] = result.HarvestSeconds,
                ["gram_s"] = result.GramSeconds, ["solve_s"] = result.SolveSeconds, ["run_s"] = result.RunSeconds, ["nonzero_weights"] = result.NonzeroWeights,
                ["vs_reservoirpy_s"] = result.FitAndRunSeconds / ReservoirPySeconds, ["run_mse"] = result.RunMeanSquaredError,
            },
            Note = $"ESN fit + run: {result.FitAndRunSeconds:F2} s, {result.FitAndRunSeconds / ReservoirPySeconds:F2}x ReservoirPy's published "
                + $"{ReservoirPySeconds} s (its tutorial, NumPy backend, another machine): harvest {result.HarvestSeconds:F2} s, Gram {result.GramSeconds:F2} s, "
                + $"Cholesky {result.SolveSeconds:F2} s, driven run {result.RunSeconds:F2} s; building the reservoir (eigenvalues) {result.BuildSeconds:F2} s more; "
                + $"{result.NonzeroWeights:N0} nonzero recurrent weights (connectivity 0.1, ReservoirPy's rc_connectivity default); run MSE {result.RunMeanSquaredError:G2}",
        };
    });

    /// <summary>Builds, fits and runs one network, timing each part.</summary>
    /// <param name="seed">Seed of the reservoir.</param>
    /// <param name="steps">Training steps, and run steps.</param>
    /// <param name="units">Reservoir units.</param>
    public static EchoStateBenchmarkResult Measure(long seed = 0, int steps = Steps, int units = Units)
    {
        using var scope = NewDisposeScope();
        Tensor series = BenchmarkLorenz.Standardised(2 * steps + 1);                             // (2 steps + 1, 3) float32
        Tensor trainInputs = series[..steps], trainTargets = series[1..(steps + 1)];
        Tensor runInputs = series[steps..(2 * steps)], runTargets = series[(steps + 1)..];
        var options = new EchoStateOptions { Units = units, SpectralRadius = 0.9, Connectivity = 0.1, InputScaling = 0.5, Ridge = 1e-6, Washout = 100 };

        var clock = Stopwatch.StartNew();
        using var network = new EchoStateNetwork(options, inputs: 3, seed);
        double build = clock.Elapsed.TotalSeconds;

        clock.Restart();
        Tensor features = network.HarvestFeatures(trainInputs, options.Washout);               // (steps − washout, 1 + 3 + N)
        double harvest = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var (gram, moments) = RidgeReadout.NormalEquations(features, trainTargets[options.Washout..]);
        double gramSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        Tensor weights = RidgeReadout.SolveNormalEquations(gram, moments, options.Ridge);
        double solve = clock.Elapsed.TotalSeconds;
        network.UseReadout(weights);

        clock.Restart();
        Tensor predictions = network.Predict(runInputs);
        double run = clock.Elapsed.TotalSeconds;
        double mse = (predictions - runTargets).square().mean().item<float>();
        long nonzero = network.Recurrent.count_nonzero().item<long>();
        return new EchoStateBenchmarkResult(build, harvest, gramSeconds, solve, run, steps, units, mse, nonzero);
    }
}
