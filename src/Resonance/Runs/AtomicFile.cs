namespace Resonance.Runs;

/// <summary>
/// Writes that are all-or-nothing: the bytes go to a temp file in the same folder, are flushed to disk,
/// and the temp file is renamed over the target. A reader (or a crash) sees the old file or the new one.
/// A temp file left by a process that was killed mid-write is removed at the next write of the same file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        RemoveStale(folder, Path.GetFileName(path));
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Whether an I/O failure is a full disk or quota (ENOSPC 28, EDQUOT 122; Windows' ERROR_DISK_FULL 112): a
    /// failed run the user can continue once there is space, not a mistake in the input.</summary>
    public static bool IsDiskFull(IOException e) =>
        (e.HResult & 0xFFFF) is 28 or 122 or 112 || e.Message.Contains("No space left on device", StringComparison.Ordinal);

    /// <summary>Deletes <c>.NAME.PID.*.tmp</c> files in <paramref name="folder"/> whose writing process no longer runs.</summary>
    static void RemoveStale(string folder, string name)
    {
        foreach (string temp in Directory.EnumerateFiles(folder, $".{name}.*.tmp"))
        {
            string[] parts = Path.GetFileName(temp)[(name.Length + 2)..].Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], out int pid) && pid != Environment.ProcessId && !ProcessRuns(pid))
            {
                try { File.Delete(temp); }
                catch (IOException) { } // another writer took it first; nothing is lost
            }
        }
    }

    static bool ProcessRuns(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
