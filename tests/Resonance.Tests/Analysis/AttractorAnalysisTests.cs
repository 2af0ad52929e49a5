using System.Text.Json.Nodes;
using Resonance.Analysis;
using Resonance.Attractors.Studies;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary><c>resonance analyze</c> on a classical attractor study run: nets rebuilt from config + seed, fixed points read
/// against the stored memories.</summary>
public class AttractorAnalysisTests
{
    /// <summary>Hebbian and pseudo-inverse weights for 3 memories in 32 neurons, run as <c>tanh(10 W h)</c>: well below capacity,
    /// so every memory and its negative is a stable fixed point.</summary>
    const string Study = """
        name: tiny-classical
        study: classical
        seed: 5
        network: { neurons: 32, present_steps: 2, retain_steps: 6 }
        training: { epochs: 3, lr: 0.01 }
        classical: { memories: [3], rules: [hebbian, pseudo-inverse], updates: [tanh], gain: 10, flip_fraction: 0.2, trials: 1 }
        """;

    static RunOutcome Analyse(string directory, params string[] overrides)
    {
        var (options, yaml) = RunAnalysis.Bind(overrides, seed: 1);
        var context = new RunContext(CPU, new DataCache(Path.Combine(directory, "..", "cache")), NullRunEvents.Instance, CancellationToken.None);
        return RunAnalysis.Run(directory, options, yaml, context);
    }

    [Fact]
    public void Each_stored_memory_and_its_negative_is_found_as_a_stable_fixed_point_of_the_rebuilt_nets()
    {
        using var folder = new TempFolder();
        string directory = folder.Combine("run");
        var study = AttractorStudy.Prepare(ConfigDocument.Parse(Study, "study.yaml"), [], null, "tiny-classical");
        Assert.False(AttractorStudyRunner.Run(study, directory, CPU).Failed);
        string stale = Path.Combine(RunAnalysis.FolderOf(directory), "plots", "pca.png");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "from an earlier analysis");

        var outcome = Analyse(directory);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        var json = JsonNode.Parse(File.ReadAllText(RunAnalysis.JsonOf(directory)))!.AsObject();
        Assert.Equal("analysis", (string?)json["kind"]);
        Assert.Equal(2, (int)json["nets"]!);
        Assert.Equal(1.0, (double)json["hebbian_p3_memories_stable"]!);          // 6 of 6: ±ξ₁, ±ξ₂, ±ξ₃
        Assert.Equal(1.0, (double)json["pseudo_inverse_p3_memories_stable"]!);
        foreach (string rule in new[] { "hebbian", "pseudo-inverse" })
        {
            var net = json["detail"]![rule]!["p3"]!;
            var points = net["points"]!.AsArray();
            Assert.Equal(6, points.Count(p => (bool)p!["memory"]! && !(bool)p["slow"]! && (string?)p["stability"] == "stable"));
            Assert.All(points.Where(p => (bool)p!["memory"]!), p => Assert.True((double)p!["q"]! < 1e-12));
            var energy = net["energy_per_neuron"]!.AsArray().Select(e => (double)e!).ToArray();
            Assert.Equal(7, energy.Length);                                             // the cues and 6 updates
            Assert.True(energy[^1] < energy[0], $"{rule}: retrieval should lower the energy, {energy[0]} -> {energy[^1]}");
        }
        Assert.True(File.Exists(Path.Combine(RunAnalysis.FolderOf(directory), "plots", "energy.png")));
        Assert.False(File.Exists(stale), "a plot of an earlier analysis stays behind");
    }

    [Fact]
    public void A_study_of_another_kind_is_refused_in_one_line()
    {
        using var folder = new TempFolder();
        string directory = folder.Combine("run");
        var study = AttractorStudy.Prepare(ConfigDocument.Parse(Study.Replace("study: classical", "study: capacity")
            .Replace("classical: { memories: [3], rules: [hebbian, pseudo-inverse], updates: [tanh], gain: 10, flip_fraction: 0.2, trials: 1 }", "capacity: { memories: [2] }"), "study.yaml"), [], null, "tiny");
        Assert.False(AttractorStudyRunner.Run(study, directory, CPU).Failed);

        var error = Assert.Throws<UserInputException>(() => Analyse(directory));

        Assert.Contains("a capacity attractor study; resonance analyze rebuilds the nets of classical studies", error.Message);
    }
}
