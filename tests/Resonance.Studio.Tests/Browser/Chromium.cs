using System.Diagnostics;

namespace Resonance.Studio.Tests.Browser;

/// <summary>
/// Debian's Chromium for the browser tests (Playwright's own browser download cannot work here). When
/// <see cref="ExecutablePath"/> is missing and the tests run as root, it is installed with apt-get; otherwise the tests
/// fail with one line saying what to install.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The flags every launch uses: headless, no sandbox (root in a container), nothing that reaches the network.</summary>
    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    static readonly Lock Gate = new();

    /// <summary>Makes sure Chromium is installed.</summary>
    /// <exception cref="InvalidOperationException">It is missing and cannot be installed from here; the message says how.</exception>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (File.Exists(ExecutablePath)) return;
            if (Environment.UserName != "root")
                throw new InvalidOperationException($"browser tests need Chromium at {ExecutablePath}: install it with `sudo apt-get install -y chromium`, then run the tests again.");
            Run("apt-get", "-o", "DPkg::Lock::Timeout=600", "update");        // waits while the interop tests install PyTorch
            Run("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", "chromium");
            if (!File.Exists(ExecutablePath))
                throw new InvalidOperationException($"apt-get install chromium did not provide {ExecutablePath}; install Debian's chromium package by hand.");
        }
    }

    static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {error.Split('\n').LastOrDefault(l => l.Length > 0)}; install Debian's chromium package by hand.");
        _ = output.Result;
    }
}
