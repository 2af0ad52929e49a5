namespace Resonance.Studio;

/// <summary>
/// Maps a relative path from a request to a file inside the runs folder, and refuses everything else: absolute paths,
/// <c>..</c> and <c>.</c> segments (also percent-encoded, once or twice), backslashes, NUL, hidden names, and symbolic
/// links whose target lies outside the folder.
/// </summary>
public sealed class RunFiles
{
    /// <summary>The runs folder with every symbolic link resolved.</summary>
    public string Root { get; }

    public RunFiles(string root)
    {
        Directory.CreateDirectory(root);
        Root = RealPath(Path.GetFullPath(root));
    }

    /// <summary>The full path of an existing file inside the root, or null with the reason.</summary>
    /// <param name="relative">A path relative to the root, with <c>/</c> between names, possibly still percent-encoded.</param>
    /// <param name="reason">Why it was refused (one line, for the error reply), or null when found.</param>
    /// <param name="missing">True when the path is allowed but nothing is there (404 rather than 403).</param>
    public string? Resolve(string relative, out string? reason, out bool missing)
    {
        missing = false;
        string decoded = relative;
        for (int i = 0; i < 3 && decoded.Contains('%'); i++)
        {
            try { decoded = Uri.UnescapeDataString(decoded); }
            catch (UriFormatException) { break; }
        }
        reason = Refusal(decoded);
        if (reason is not null) return null;
        string candidate = Path.GetFullPath(Path.Combine(Root, decoded));
        if (!IsInside(candidate, Root))
        {
            reason = "outside the runs folder";
            return null;
        }
        if (!File.Exists(candidate))
        {
            missing = true;
            reason = Directory.Exists(candidate) ? "a folder, not a file" : "no such file";
            return null;
        }
        string real = RealPath(candidate);
        if (!IsInside(real, Root))
        {
            reason = "a link to a file outside the runs folder";
            return null;
        }
        return real;
    }

    /// <summary>Why a decoded relative path is refused before touching the disk, or null.</summary>
    static string? Refusal(string path)
    {
        if (path.Length == 0) return "an empty path";
        if (path.Length > 1024) return "a path longer than 1,024 characters";
        if (path.Contains('\0') || path.Contains('\\')) return "a path with a NUL or a backslash";
        if (path.StartsWith('/') || Path.IsPathRooted(path)) return "an absolute path";
        foreach (string segment in path.Split('/'))
        {
            if (segment is "" or "." or "..") return "a path with an empty, '.' or '..' segment";
            if (segment.StartsWith('.')) return "a hidden name";
        }
        return null;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies below it.</summary>
    public static bool IsInside(string path, string root) =>
        path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it resolved (the file system's real name for it).</summary>
    public static string RealPath(string fullPath)
    {
        string current = "/";
        var pending = new Stack<string>(fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        for (int links = 0; pending.Count > 0;)
        {
            string segment = pending.Pop();
            if (segment == ".") continue;
            if (segment == "..") { current = Path.GetDirectoryName(current) ?? "/"; continue; }
            string next = Path.Combine(current, segment);
            var info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next))
            {
                FileSystemInfo entry = info.Exists ? info : new DirectoryInfo(next);
                if (entry.LinkTarget is { } target)
                {
                    if (++links > 40) throw new IOException($"{fullPath}: too many levels of symbolic links");
                    foreach (string part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(part);
                    if (target.StartsWith('/')) current = "/";
                    continue;
                }
            }
            current = next;
        }
        return current;
    }
}
