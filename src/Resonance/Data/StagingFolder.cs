using System.Diagnostics;

namespace Resonance.Data;

/// <summary>
/// A temporary folder inside the cache root where a dataset is assembled; it becomes the dataset's folder in one
/// rename (<see cref="Commit"/>), or disappears (<see cref="Dispose"/>), so the cache never holds a half-written dataset.
/// </summary>
/// <remarks>
/// Names start with '.' (so <see cref="DataCache.Datasets"/> ignores them) and carry the process id:
/// <c>.NAME-staging-PID-RANDOM</c> while assembling, <c>.NAME-old-PID-RANDOM</c> for a replaced copy during a forced
/// refetch. Folders left behind by a process that was killed are removed by the next fetch (and a replaced copy is
/// put back if the new one never arrived).
/// </remarks>
internal sealed class StagingFolder : IDisposable
{
    readonly string name;
    readonly DataCache cache;

    StagingFolder(DataCache cache, string name, string path)
    {
        this.cache = cache;
        this.name = name;
        Path = path;
    }

    /// <summary>The temporary folder (exists until committed or disposed).</summary>
    public string Path { get; }

    /// <summary>Cleans up after killed fetches of <paramref name="name"/>, then creates a fresh staging folder.</summary>
    public static StagingFolder Create(DataCache cache, string name)
    {
        Directory.CreateDirectory(cache.Root);
        RecoverAbandoned(cache, name);
        string path = System.IO.Path.Combine(cache.Root, $".{name}-staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new StagingFolder(cache, name, path);
    }

    /// <summary>Moves the staged folder into place as the dataset's folder, replacing an existing one when <paramref name="replace"/>.</summary>
    /// <returns>False when the dataset's folder exists and <paramref name="replace"/> is false (e.g. another fetch finished first).</returns>
    public bool Commit(bool replace)
    {
        string target = cache.DatasetPath(name);
        if (!Directory.Exists(target))
        {
            try
            {
                Directory.Move(Path, target);
                return true;
            }
            catch (IOException) when (Directory.Exists(target))
            {
                if (!replace) return false; // another fetch got there first
            }
        }
        if (!replace) return false;
        string old = System.IO.Path.Combine(cache.Root, $".{name}-old-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        try
        {
            Directory.Move(Path, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }
        TryDelete(old);
        return true;
    }

    public void Dispose() => TryDelete(Path);

    static void RecoverAbandoned(DataCache cache, string name)
    {
        string target = cache.DatasetPath(name);
        foreach (string folder in Directory.GetDirectories(cache.Root, $".{name}-*"))
        {
            string[] parts = System.IO.Path.GetFileName(folder)[(name.Length + 2)..].Split('-');
            if (parts.Length != 3 || parts[0] is not ("staging" or "old") || !int.TryParse(parts[1], out int pid) || IsAlive(pid))
                continue;
            if (parts[0] == "old" && !Directory.Exists(target))
            {
                try { Directory.Move(folder, target); continue; }
                catch (IOException) { }
            }
            TryDelete(folder);
        }
    }

    static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left for the next fetch's clean-up; it is hidden from Datasets() by its leading '.'
        }
    }
}
