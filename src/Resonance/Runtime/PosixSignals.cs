using System.Runtime.InteropServices;

namespace Resonance.Runtime;

/// <summary>Sends a signal to a child process.</summary>
/// <remarks>
/// .NET can only kill a process outright (<see cref="System.Diagnostics.Process.Kill()"/> is SIGKILL). A run must be
/// stopped the way Ctrl-C stops it, so it checkpoints and marks itself interrupted; that needs libc's <c>kill(2)</c>.
/// The signal is SIGTERM, which the CLI handles exactly as Ctrl-C's SIGINT: a studio started in the background of a
/// shell without job control inherits SIGINT as ignored, passes that on to its children, and SIGINT then does nothing.
/// </remarks>
public static partial class PosixSignals
{
    /// <summary>SIGTERM on Linux and macOS.</summary>
    public const int Terminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it could not be delivered (the process is gone).</summary>
    public static bool Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        return Kill(pid, signal) == 0;
    }
}
