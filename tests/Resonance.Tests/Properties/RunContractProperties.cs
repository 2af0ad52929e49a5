using System.Collections.Concurrent;
using CsCheck;
using Xunit.Abstractions;

namespace Resonance.Tests.Properties;

/// <summary>
/// Properties of <c>resonance run</c> over generated bad input, for every file in experiments/ (training, attractor studies,
/// spark simulations): a mutated file, bad <c>--set</c> values, or both, always keep <see cref="RunContract"/>. Each case
/// starts from the file's tiny form (a second or so when it runs); most cases are refused at validation in milliseconds.
/// The cases come from a fixed seed, so a run of the suite always checks the same ones.
/// </summary>
public class RunContractProperties(ITestOutputHelper log)
{
    /// <summary>Cases per property: together they take about 40 s on a 2-core machine shared with others (1,200 cases from
    /// other seeds found nothing more when this was written).</summary>
    const int FileCases = 150, SetCases = 100;

    static readonly ConcurrentDictionary<string, IReadOnlyList<string>> resolvedKeys = new();

    static IReadOnlyList<string> ResolvedKeys(string fileName) => resolvedKeys.GetOrAdd(fileName, RunContract.ResolvedKeys);

    /// <summary>A mutated experiment file: one or two changes to its keys, now and then damage to its text, and now and then
    /// a bad <c>--set</c> after its tiny overrides.</summary>
    static Gen<(string File, FileMutation[] Mutations, TextDamage? Damage, string[] Sets)> MutatedFile =>
        Gen.OneOf(RunContract.ExperimentFiles).SelectMany(file =>
        {
            var tree = BlockYaml.Parse(File.ReadAllText(Path.Combine(RunContract.ExperimentsFolder, file)));
            foreach (string assignment in RunContract.TinyOverrides(file)) tree.Set(assignment);
            var paths = tree.Paths().ToList();
            Gen<TextDamage?> damage = Gen.Frequency<TextDamage?>((4, Gen.Const((TextDamage?)null)), (1, TextDamage.Any.Select(d => (TextDamage?)d)));
            var sets = Gen.Frequency((4, Gen.Const(Array.Empty<string>())), (1, SetOverride.For(ResolvedKeys(file)).Array[1]));
            return Gen.Select(FileMutation.For(paths).Array[1, 2], damage, sets).Select((mutations, textDamage, overrides) => (file, mutations, textDamage, overrides));
        });

    [Fact]
    public void A_mutated_experiment_file_of_any_kind_is_run_or_refused_without_a_crash_a_hang_or_a_change_outside_the_run_folder()
    {
        var outcomes = new List<string>();
        var failures = new List<string>();
        int index = 0;
        foreach (var (file, mutations, damage, sets) in Cases(MutatedFile, seed: 15, FileCases))
        {
            // The tiny form goes into the file, so that a mutated size is not masked by its override, and again as overrides
            // (those of replaced keys left out), so that a size deleted or moved away does not fall back to a large default.
            var tree = BlockYaml.Parse(File.ReadAllText(Path.Combine(RunContract.ExperimentsFolder, file)));
            string[] tiny = RunContract.TinyOverrides(file);
            foreach (string assignment in tiny) tree.Set(assignment);
            foreach (var mutation in mutations) mutation.Apply(tree);
            string text = tree.Write();
            if (damage is not null) text = damage.Apply(text);
            var replaced = mutations.Select(m => m.Replaced).OfType<string>().ToList();
            var kept = tiny.Where(o => !replaced.Any(r => o.StartsWith(r + "=", StringComparison.Ordinal) || o.StartsWith(r + ".", StringComparison.Ordinal)));
            string[] args = ["run", Path.Combine("{folder}", file), .. kept.Concat(sets).SelectMany(o => new[] { "--set", o })];
            var started = DateTime.UtcNow;
            var problems = RunContract.Check([(file, text)], args, out int code, out string output);
            string description = $"case {index} {file}: {string.Join("; ", mutations.Select(m => m.ToString()))}" +
                (damage is null ? "" : $"; {damage}") + string.Concat(sets.Select(s => $"; --set {s}"));
            outcomes.Add($"{code} {(DateTime.UtcNow - started).TotalSeconds,5:F2} s  {description}  => {FirstLine(output)}");
            if (problems.Count > 0)
                failures.Add($"{description}\n  {string.Join("\n  ", problems)}\n  output: {Trim(output)}\n  file:\n{text}");
            index++;
        }
        Report(outcomes, failures);
    }

    /// <summary>Built-in experiments by name, of every kind, with bad <c>--set</c> overrides after their tiny form.</summary>
    static Gen<(string Name, string[] Sets)> BuiltInWithOverrides =>
        Gen.OneOf(RunContract.ExperimentFiles).SelectMany(file =>
            SetOverride.For(ResolvedKeys(file)).Array[1, 3].Select(sets => (file, sets)));

    [Fact]
    public void Bad_overrides_on_a_built_in_experiment_of_any_kind_are_run_or_refused_without_a_crash_a_hang_or_a_change_outside_the_run_folder()
    {
        var outcomes = new List<string>();
        var failures = new List<string>();
        int index = 0;
        foreach (var (file, sets) in Cases(BuiltInWithOverrides, seed: 1515, SetCases))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string[] args = ["run", name, .. RunContract.TinyOverrides(file).Concat(sets).SelectMany(o => new[] { "--set", o })];
            var started = DateTime.UtcNow;
            var problems = RunContract.Check([], args, out int code, out string output);
            string description = $"case {index} {name}{string.Concat(sets.Select(s => $" --set '{s}'"))}";
            outcomes.Add($"{code} {(DateTime.UtcNow - started).TotalSeconds,5:F2} s  {description}  => {FirstLine(output)}");
            if (problems.Count > 0) failures.Add($"{description}\n  {string.Join("\n  ", problems)}\n  output: {Trim(output)}");
            index++;
        }
        Report(outcomes, failures);
    }

    /// <summary>The first <paramref name="count"/> values of <paramref name="gen"/> from a fixed seed: the same cases every run.</summary>
    static IEnumerable<T> Cases<T>(Gen<T> gen, ulong seed, int count)
    {
        var random = new PCG(1, seed);
        for (int i = 0; i < count; i++) yield return gen.Generate(random, null, out _);
    }

    static string FirstLine(string output)
    {
        string line = output.Split('\n', 2)[0];
        return line.Length <= 200 ? line : line[..200] + " ...";
    }

    static string Trim(string output) => output.Length <= 1500 ? output : output[..1500] + " ...";

    void Report(List<string> outcomes, List<string> failures)
    {
        log.WriteLine($"exit codes: {string.Join(", ", outcomes.GroupBy(o => o.Split(' ')[0]).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}");
        foreach (string outcome in outcomes) log.WriteLine(outcome);
        Assert.True(failures.Count == 0, $"{failures.Count} of {outcomes.Count} cases broke the contract:\n\n{string.Join("\n\n", failures)}");
    }
}
