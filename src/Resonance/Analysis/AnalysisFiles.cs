using Resonance.Data;
using Resonance.Runs;

namespace Resonance.Analysis;

/// <summary>
/// The files one <c>resonance analyze</c> writes into <c>RUN_DIR/analysis/</c>: each written atomically and remembered, so that
/// when the analysis completes, every other file left there by an earlier analysis (other parts, another model's plots) is
/// removed and the folder holds exactly this analysis.
/// </summary>
/// <param name="run">The analysed run.</param>
public sealed class AnalysisFiles(RunDirectory run)
{
    readonly HashSet<string> written = new(StringComparer.Ordinal);

    /// <summary><c>RUN_DIR/analysis</c>.</summary>
    public string Folder { get; } = Path.Combine(run.Path, "analysis");

    /// <summary>Writes a text file under the folder.</summary>
    /// <param name="name">Its path relative to the folder.</param>
    /// <param name="text">Its content.</param>
    public string Text(string name, string text) => Write(name, path => AtomicFile.WriteAllText(path, text));

    /// <summary>Writes a float32 <c>.npy</c> array under the folder.</summary>
    public string Array(string name, float[] values, params long[] shape) => Write(name, path => NpyFile.Write(path, values, shape));

    /// <summary>Writes an int32 <c>.npy</c> array under the folder.</summary>
    public string Array(string name, int[] values, params long[] shape) => Write(name, path => NpyFile.Write(path, values, shape));

    /// <summary>Draws a plot into <c>plots/</c>.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="draw">Writes the PNG at the path it is given and returns the path.</param>
    /// <returns>The plot's path.</returns>
    public string Plot(string name, Func<string, string> draw)
    {
        string path = Path.Combine(Folder, "plots", name);
        run.Guard($"write analysis/plots/{name}", () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return draw(path);
        });
        written.Add(Path.GetFullPath(path));
        return path;
    }

    /// <summary>Removes every file under the folder that this analysis did not write, and folders left empty.</summary>
    public void RemoveStale()
    {
        if (!Directory.Exists(Folder)) return;
        run.Guard("remove stale files from analysis/", () =>
        {
            foreach (string file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
                if (!written.Contains(Path.GetFullPath(file))) File.Delete(file);
            foreach (string folder in Directory.EnumerateDirectories(Folder, "*", SearchOption.AllDirectories).OrderByDescending(f => f.Length))
                if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
            return true;
        });
    }

    string Write(string name, Action<string> write)
    {
        string path = Path.Combine(Folder, name);
        run.Guard($"write analysis/{name}", () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            write(path);
            return true;
        });
        written.Add(Path.GetFullPath(path));
        return path;
    }
}
