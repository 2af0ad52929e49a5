using System.Security.Cryptography;
using Resonance.Cli;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Tests.Cli;
using Resonance.Tests.Experiments;
using Resonance.Tests.Runs;

namespace Resonance.Tests.Properties;

/// <summary>
/// What every run of <c>resonance run</c> promises, whatever it is given: it ends within <see cref="TimeBound"/>, with exit
/// code 0, 1 or 2 (never 70, an internal error, nor an escaping exception), prints no stack trace, and changes no file
/// outside its <c>--out</c> folder.
/// </summary>
internal static class RunContract
{
    /// <summary>The longest a tiny run may take on a busy 2-core machine (they take about a second).</summary>
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(30);

    /// <summary>Where the experiment files are.</summary>
    public static string ExperimentsFolder => Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments");

    /// <summary>The files of experiments/, every kind.</summary>
    public static string[] ExperimentFiles => [.. Directory.GetFiles(ExperimentsFolder, "*.yaml").Select(Path.GetFileName).Order()!];

    /// <summary><see cref="EveryExperimentFileTests.Tiny"/>, smaller still for training: the pixel views read 784 steps an
    /// image, so few images, a small model and one small batch keep an accepted case near a second.</summary>
    public static string[] TinyOverrides(string fileName)
    {
        var (kind, overrides) = EveryExperimentFileTests.Tiny(fileName);
        return kind == "training"
            ? [.. overrides, "model.hidden=8", "data.train_limit=8", "data.test_limit=8", "data.validation=8", "data.samples=16", "training.batch_size=8"]
            : overrides;
    }

    /// <summary>The resolved config's key paths (values only, no sections) of a file in its tiny form.</summary>
    public static IReadOnlyList<string> ResolvedKeys(string fileName)
    {
        var document = ConfigDocument.Load(Path.Combine(ExperimentsFolder, fileName));
        var (kind, bare) = ExperimentKinds.CreateDefault().Detect(document);
        var prepared = kind.Prepare(bare, TinyOverrides(fileName), null, Path.GetFileNameWithoutExtension(fileName));
        var tree = BlockYaml.Parse(prepared.ResolvedYaml);
        return [.. tree.Paths().Where(p => tree.Locate(p) is var (section, index) && section.Entries[index].Value is string)];
    }

    /// <summary>Runs <c>resonance run</c> with <paramref name="arguments"/> (the run folder is added) inside a fresh folder that
    /// also holds <paramref name="inputs"/> and a decoy file; returns every way the run broke the contract (none when it kept it).</summary>
    /// <param name="inputs">Files to write into the folder first (name, text); an argument <c>{folder}</c> is replaced by the folder.</param>
    public static List<string> Check(IReadOnlyList<(string Name, string Text)> inputs, IReadOnlyList<string> arguments, out int exitCode, out string output)
    {
        using var folder = new TempFolder();
        foreach (var (name, text) in inputs) folder.File(name, text);
        folder.File("decoy.txt", "a file of the user's, next to the run folder\n");
        Directory.CreateDirectory(folder.Combine("runs"));
        folder.File(Path.Combine("runs", "other-run", "summary.json"), "{\"kind\": \"training\"}\n");
        string run = folder.Combine("runs", "this-run");
        string[] args = [.. arguments.Select(a => a.Replace("{folder}", folder.Path)), "--out", run, "--device", "cpu"];
        var before = Snapshot(folder.Path, run);

        var problems = new List<string>();
        exitCode = -1;
        output = "";
        var started = System.Diagnostics.Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() => CliHarness.Run(args), TaskCreationOptions.LongRunning);
        try
        {
            if (!task.Wait(TimeBound))
            {
                // The run goes on in the background; the next cases would share the process with it, so stop here.
                throw new TimeoutException($"did not end within {TimeBound.TotalSeconds} s: resonance {string.Join(' ', args)}");
            }
            (exitCode, output) = task.Result;
        }
        catch (AggregateException e)
        {
            problems.Add($"an exception escaped: {e.InnerException}");
            return problems;
        }
        if (exitCode is not (ResonanceCli.Success or ResonanceCli.RunFailed or ResonanceCli.BadInput))
            problems.Add($"exit code {exitCode}");
        if (output.Split('\n').Any(line => line.StartsWith("   at ", StringComparison.Ordinal)))
            problems.Add("a stack trace in the output");
        var after = Snapshot(folder.Path, run);
        foreach (string changed in before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)))
            problems.Add($"{changed} outside the run folder {(before.ContainsKey(changed) ? after.ContainsKey(changed) ? "changed" : "removed" : "created")}");
        if (started.Elapsed > TimeBound) problems.Add($"took {started.Elapsed.TotalSeconds:F0} s");
        return problems;
    }

    /// <summary>Every file and folder under <paramref name="root"/> but those in <paramref name="run"/>, with a hash of each file.</summary>
    static Dictionary<string, string> Snapshot(string root, string run)
    {
        var entries = new Dictionary<string, string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            if (entry == run || entry.StartsWith(run + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            entries[Path.GetRelativePath(root, entry)] = Directory.Exists(entry) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)));
        }
        return entries;
    }
}
