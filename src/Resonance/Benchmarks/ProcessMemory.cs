using System.Runtime.InteropServices;

namespace Resonance.Benchmarks;

/// <summary>Resident memory of this process (Linux <c>/proc/self</c>), for per-row peak figures.</summary>
/// <remarks>
/// The peak counter (<c>VmHWM</c>) is reset to the current resident set by writing 5 to <c>/proc/self/clear_refs</c>
/// (Linux 4.0 and later). Before a reset the managed heap is collected and glibc is asked to return free heap
/// pages (<c>malloc_trim</c>), so that memory freed by earlier rows leaves the baseline. Memory the allocators keep
/// anyway and reuse for this row is not counted, so a row's figure can be an underestimate.
/// </remarks>
internal static class ProcessMemory
{
    /// <summary>Current resident set in bytes, or null where it cannot be read.</summary>
    public static long? ResidentBytes() => ReadStatus("VmRSS:");

    /// <summary>Peak resident set in bytes since start or the last <see cref="ResetPeak"/>, or null.</summary>
    public static long? PeakResidentBytes() => ReadStatus("VmHWM:");

    /// <summary>Returns freed memory to the system where possible and resets the peak counter; false if it cannot be reset.</summary>
    public static bool ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!OperatingSystem.IsLinux()) return false;
        try { malloc_trim(0); } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static long? ReadStatus(string key)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    string[] parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0]) * 1024; // kB
                }
        }
        catch (IOException) { }
        return null;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);
}
