using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Resonance.Data;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>Seconds of the NumPy / SciPy reference for the same network, measured in the same bench run.</summary>
/// <param name="FitSeconds">Harvest plus normal equations plus solve.</param>
/// <param name="RunSeconds">The driven run and its readout.</param>
/// <param name="RunMeanSquaredError">Its run's one-step error, as a check that it fitted the same network.</param>
public sealed record NumPyReferenceResult(double FitSeconds, double RunSeconds, double RunMeanSquaredError)
{
    /// <summary>Fit plus run.</summary>
    public double FitAndRunSeconds => FitSeconds + RunSeconds;
}

/// <summary>
/// The echo state network of <see cref="EchoStateBenchmark"/> in NumPy and SciPy, run by Debian's <c>/usr/bin/python3</c>
/// on the same weights and series (float64, as ReservoirPy computes): the step is ReservoirPy's NumPy backend's,
/// <c>x = (1 − a) x + a tanh(W x + W_in u + b)</c> with <c>W</c> a <c>scipy.sparse</c> CSR matrix, and the readout its Ridge
/// node's, normal equations accumulated as <c>XᵀX</c> and <c>YᵀX</c> and solved with <c>numpy.linalg.solve</c>. It gives the
/// bench row a reference measured on the same machine in the same run, beside ReservoirPy's published figure (another machine).
/// </summary>
public static class NumPyEchoStateReference
{
    const string Python = "/usr/bin/python3";

    /// <summary>Why the reference cannot run here (python3 with NumPy and SciPy missing), or null.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(Python)) return $"{Python} not found (Debian: apt-get install python3-numpy python3-scipy)";
        var (code, _, _) = Execute(["-c", "import numpy, scipy.sparse"], null, TimeSpan.FromSeconds(60));
        return code == 0 ? null : $"{Python} has no NumPy / SciPy (Debian: apt-get install python3-numpy python3-scipy)";
    }

    /// <summary>Fits and runs the reference on the network's weights.</summary>
    /// <param name="network">The network (its recurrent, input and bias weights and options are used).</param>
    /// <param name="trainInputs"><c>(T, D)</c>.</param>
    /// <param name="trainTargets"><c>(T, O)</c>.</param>
    /// <param name="runInputs"><c>(R, D)</c>.</param>
    /// <param name="runTargets"><c>(R, O)</c>.</param>
    /// <exception cref="InvalidOperationException">The script failed (its last stderr line).</exception>
    public static NumPyReferenceResult Measure(EchoStateNetwork network, Tensor trainInputs, Tensor trainTargets, Tensor runInputs, Tensor runTargets)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"resonance-esn-reference-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            void Save(string name, Tensor value)
            {
                using var scope = NewDisposeScope();
                Tensor data = value.detach().to(ScalarType.Float64).cpu().contiguous();
                NpyFile.Write(Path.Combine(folder, name + ".npy"), data.data<double>().ToArray(), data.shape);
            }
            Save("w", network.Recurrent);
            Save("w_in", network.Input);
            Save("b", network.Bias);
            Save("train_x", trainInputs);
            Save("train_y", trainTargets);
            Save("run_x", runInputs);
            Save("run_y", runTargets);
            var options = network.Options;
            File.WriteAllText(Path.Combine(folder, "reference.py"), Script);
            string[] args = [Path.Combine(folder, "reference.py"), folder, Text(options.LeakRate), Text(options.Ridge), options.Washout.ToString(CultureInfo.InvariantCulture),
                options.ReadoutInput ? "1" : "0"];
            var (code, output, error) = Execute(args, folder, TimeSpan.FromMinutes(10));
            if (code != 0)
                throw new InvalidOperationException($"the NumPy reference failed ({code}): {error.Trim().Split('\n').LastOrDefault()}");
            var figures = JsonNode.Parse(output)!.AsObject();
            return new NumPyReferenceResult((double)figures["fit_s"]!, (double)figures["run_s"]!, (double)figures["run_mse"]!);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    static (int Code, string Output, string Error) Execute(string[] args, string? folder, TimeSpan limit)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        if (folder is not null) start.WorkingDirectory = folder;
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", $"did not finish within {limit.TotalMinutes:F0} minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The reference, timed inside Python (loading the arrays is not timed).</summary>
    const string Script = """
        import json, sys, time
        import numpy as np
        import scipy.sparse as sp

        folder, leak, ridge, washout, readout_input = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
        load = lambda name: np.load(f"{folder}/{name}.npy")
        W, W_in, b = sp.csr_matrix(load("w")), load("w_in"), load("b")
        train_x, train_y, run_x, run_y = load("train_x"), load("train_y"), load("run_x"), load("run_y")

        def harvest(inputs):
            x = np.zeros(W.shape[0])
            states = np.empty((len(inputs), W.shape[0]))
            for t, u in enumerate(inputs):
                x = (1 - leak) * x + leak * np.tanh(W @ x + W_in @ u + b)
                states[t] = x
            return states

        def features(inputs, states):
            parts = [np.ones((len(states), 1))] + ([inputs] if readout_input else []) + [states]
            return np.hstack(parts)

        start = time.perf_counter()
        X = features(train_x, harvest(train_x))[washout:]
        Y = train_y[washout:]
        XXT, YXT = X.T @ X, Y.T @ X
        W_out = np.linalg.solve(XXT + ridge * np.eye(X.shape[1]), YXT.T).T
        fitted = time.perf_counter()
        predictions = features(run_x, harvest(run_x)) @ W_out.T
        done = time.perf_counter()
        print(json.dumps({"fit_s": fitted - start, "run_s": done - fitted, "run_mse": float(np.mean((predictions - run_y) ** 2))}))
        """;
}
