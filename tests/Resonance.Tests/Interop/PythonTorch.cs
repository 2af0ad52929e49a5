using System.Diagnostics;

namespace Resonance.Tests.Interop;

/// <summary>
/// Debian's <c>/usr/bin/python3</c> with <c>python3-torch</c>, <c>python3-numpy</c> and <c>python3-scipy</c>, the real readers the
/// interop tests check against (and the NumPy / SciPy echo state reference). When they are missing and the tests run as root, they are installed with apt-get (once per test run);
/// otherwise the tests fail with one line saying what to install.
/// </summary>
internal static class PythonTorch
{
    const string Python = "/usr/bin/python3";
    const string Install = "apt-get install -y python3-torch python3-numpy python3-scipy libopenblas0-openmp";

    static readonly Lazy<string?> Problem = new(FindOrInstall, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> in <paramref name="workingFolder"/>; returns its stdout.</summary>
    /// <exception cref="Xunit.Sdk.XunitException">Python or its packages are missing, or the script failed (its stderr is shown).</exception>
    public static string Run(string script, string workingFolder, params string[] args)
    {
        if (Problem.Value is { } problem) Xunit.Assert.Fail(problem);
        string file = Path.Combine(workingFolder, "script.py");
        File.WriteAllText(file, script);
        var (code, output, error) = Execute(Python, [file, .. args], workingFolder);
        if (code != 0) Xunit.Assert.Fail($"python script failed ({code}):\n{error}");
        return output;
    }

    static string? FindOrInstall()
    {
        if (HasTorch()) return null;
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            return $"the interop tests need PyTorch and NumPy in {Python}: run `sudo {Install}` (Debian 12).";
        // Wait for the package lock: the studio's browser tests may be installing Chromium in the other test process.
        Execute("/usr/bin/apt-get", ["-o", "DPkg::Lock::Timeout=600", "update"], null, ("DEBIAN_FRONTEND", "noninteractive"));
        var (code, _, error) = Execute("/usr/bin/apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "python3-torch", "python3-numpy",
            "python3-scipy", "libopenblas0-openmp"], null, ("DEBIAN_FRONTEND", "noninteractive"));
        if (code != 0 || !HasTorch())
            return $"`{Install}` failed ({code}): {error.Trim().Split('\n').LastOrDefault()}";
        return null;
    }

    static bool HasTorch() => File.Exists(Python) && Execute(Python, ["-c", "import torch, numpy, scipy.sparse"], null).Code == 0;

    /// <summary>Fails the test with one line when Python, PyTorch, NumPy or SciPy are missing and could not be installed.</summary>
    public static void Require()
    {
        if (Problem.Value is { } problem) Xunit.Assert.Fail(problem);
    }

    static (int Code, string Output, string Error) Execute(string program, string[] args, string? folder, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        if (folder is not null) start.WorkingDirectory = folder;
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
