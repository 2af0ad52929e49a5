using System.Diagnostics;

namespace Resonance.Tests.Cli;

/// <summary>Starts the real <c>resonance</c> tool (the built resonance.dll beside the tests) as a child process.</summary>
internal static class CliProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "resonance.dll");

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info)!;
        return process;
    }

    /// <summary>Runs to the end and returns the exit code and everything printed.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("resonance did not finish in 3 minutes"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Sends a POSIX signal (kill -SIGNAL pid).</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()]);
        kill.WaitForExit();
    }
}
