using Resonance.Runs;
using Resonance.Sweeps;

namespace Resonance.Studio;

/// <summary>
/// The names the studio gives runs: a folder directly under the runs folder (<c>NAME</c>), or a point of a sweep
/// (<c>SWEEP/runs/POINT</c>, the child's folder inside the sweep's). Nothing else is a run name: no other nesting, no
/// <c>.</c> or <c>..</c>, no hidden names.
/// </summary>
public static class RunNames
{
    /// <summary>The folder between a sweep and its points' runs.</summary>
    const string ChildFolder = "runs";

    /// <summary>Refuses a name that is neither a plain folder name nor <c>SWEEP/runs/POINT</c>.</summary>
    /// <exception cref="UserInputException">The name is a path of any other shape.</exception>
    public static void Check(string name)
    {
        if (Split(name) is not { } parts)
        {
            RunDirectory.CheckName(name);
            return;
        }
        foreach (string part in (string[])[parts.Sweep, parts.Point])
        {
            RunDirectory.CheckName(part);
            if (part.StartsWith('.'))
                throw new UserInputException($"name: \"{name}\" is not a run name; a sweep's point is SWEEP/runs/POINT with plain, visible names.");
        }
    }

    /// <summary>The sweep and point of <c>SWEEP/runs/POINT</c>, or null for any other shape.</summary>
    public static (string Sweep, string Point)? Split(string name)
    {
        string[] parts = name.Split('/');
        return parts.Length == 3 && parts[1] == ChildFolder ? (parts[0], parts[2]) : null;
    }

    /// <summary>A sweep's point as a run name: <c>SWEEP/runs/POINT</c>.</summary>
    public static string Child(string sweep, string point) => $"{sweep}/{ChildFolder}/{point}";

    /// <summary>The folder of a checked run name under <paramref name="root"/>, or null when a point's name does not lead to
    /// a folder inside a sweep folder (its parent is no sweep, or a link leads out of the runs folder).</summary>
    /// <param name="root">The runs folder, its links resolved.</param>
    /// <param name="name">A name that passed <see cref="Check"/>.</param>
    public static string? Folder(string root, string name)
    {
        string folder = Path.Combine(root, name);
        if (Split(name) is not { } parts) return folder;
        if (!new SweepDirectory(Path.Combine(root, parts.Sweep)).Exists || !Directory.Exists(folder)) return null;
        return RunFiles.IsInside(RunFiles.RealPath(folder), root) ? folder : null;
    }
}
