using System.Globalization;
using System.Text.Json;
using Resonance.Experiments;
using Resonance.Runs;
using YamlDotNet.RepresentationModel;

namespace Resonance.Sweeps;

/// <summary>A sweep checked point by point and ready to run: nothing is written yet.</summary>
/// <param name="Kind">The experiment kind of every point.</param>
/// <param name="Spec">The merged, validated spec.</param>
/// <param name="Plan">The points.</param>
/// <param name="Folder">The sweep folder.</param>
/// <param name="ConfigYaml">The sweep folder's <c>config.yaml</c> (re-runnable with <c>resonance sweep</c>).</param>
/// <param name="PointYamls">Each point's resolved experiment, <c>kind:</c> first, in plan order.</param>
public sealed record PreparedSweep(IExperimentKind Kind, SweepSpec Spec, SweepPlan Plan, SweepDirectory Folder, string ConfigYaml, IReadOnlyList<string> PointYamls)
{
    /// <summary>Creates the sweep folder, or opens it when it already holds this very sweep (a re-run: finished points are
    /// kept, missing point files written again).</summary>
    /// <returns>True when the folder was created now, false when an earlier run of the same sweep is continued.</returns>
    /// <exception cref="UserInputException">The folder holds another sweep, another run, or other files.</exception>
    public bool Materialise()
    {
        bool created = !Folder.Exists;
        if (created)
        {
            Folder.Run.CheckNew();
            Folder.Run.Create(SweepKind.Name, ConfigYaml);
            Folder.Write(Folder.PlanPath, Plan.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        else
        {
            var earlier = Folder.ReadPlan();
            if (earlier.Fingerprint != Plan.Fingerprint)
                throw new UserInputException($"{Folder.Path}: holds another sweep (fingerprint {earlier.Fingerprint}, this one {Plan.Fingerprint}): " +
                    "the experiment or the swept values differ; leave out --out to get this sweep's own folder, or give a new one.");
            Folder.Run.Open(SweepKind.Name);
        }
        Folder.Run.Guard("create the points, runs and logs folders", () =>
        {
            Directory.CreateDirectory(Folder.PointsPath);
            Directory.CreateDirectory(Folder.RunsPath);
            Directory.CreateDirectory(Folder.LogsPath);
        });
        for (int i = 0; i < Plan.Points.Count; i++)
            if (!File.Exists(Folder.PointConfig(Plan.Points[i])))
                Folder.Write(Folder.PointConfig(Plan.Points[i]), PointYamls[i]);
        return created;
    }
}

/// <summary>Turns an experiment file with a sweep (its <c>sweep:</c> section and the command line's axes) into a <see cref="PreparedSweep"/>.</summary>
public static class SweepSetup
{
    /// <summary>The section of a file that describes the sweep.</summary>
    public const string SweepKey = "sweep";

    /// <summary>The section of a <c>kind: sweep</c> file (a sweep folder's config.yaml) that holds the experiment.</summary>
    public const string ExperimentKey = "experiment";

    /// <summary>Splits a document into its experiment and its <c>sweep:</c> section. A <c>kind: sweep</c> document (a sweep
    /// folder's <c>config.yaml</c>) holds the experiment under <c>experiment:</c>.</summary>
    /// <exception cref="UserInputException">A <c>kind: sweep</c> document without an <c>experiment:</c> section.</exception>
    public static (ConfigDocument Experiment, SweepSpec Spec) Split(ConfigDocument document)
    {
        var copy = document.Clone();
        var spec = copy.Root.Children.ContainsKey(new YamlScalarNode(SweepKey))
            ? SweepSpec.FromSection(copy.Section(SweepKey), document.Source)
            : new SweepSpec();
        copy.Root.Children.Remove(new YamlScalarNode(SweepKey));
        if (copy.GetScalar(ExperimentKinds.KindKey) != SweepKind.Name) return (copy, spec);
        var experiment = copy.Section(ExperimentKey);
        if (experiment.Children.Count == 0)
            throw new UserInputException($"{document.Source}: kind: sweep needs an experiment: section holding the experiment to sweep.");
        return (ConfigDocument.Create(experiment, document.Source), spec);
    }

    /// <summary>Validates every point (so a bad value is reported before any run starts) and picks the folder.</summary>
    /// <param name="kinds">The kinds registry.</param>
    /// <param name="document">The experiment file, possibly with a <c>sweep:</c> section.</param>
    /// <param name="defaultName">The experiment's name when the file gives none.</param>
    /// <param name="cli">The command line's part of the spec, added to the file's.</param>
    /// <param name="given">Which of the command line's counts were given (they replace the file's; the others keep it).</param>
    /// <param name="overrides"><c>--set</c> pairs applied to every point.</param>
    /// <param name="seed"><c>--seed</c>: the first seed, else the file's.</param>
    /// <param name="outDir">The sweep folder, or null for <c>ROOT/NAME-sweep-FINGERPRINT</c>.</param>
    /// <param name="root">Where sweep folders go by default.</param>
    /// <exception cref="UserInputException">A bad spec, or a point the experiment's kind refuses (the message names the point).</exception>
    public static PreparedSweep Prepare(ExperimentKinds kinds, ConfigDocument document, string defaultName, SweepSpec cli,
        (bool Seeds, bool Samples, bool Parallel) given, IReadOnlyList<string> overrides, long? seed, string? outDir, string root)
    {
        var (experiment, fileSpec) = Split(document);
        var spec = fileSpec.With(cli, given.Seeds, given.Samples, given.Parallel).Validate();
        var (kind, bare) = kinds.Detect(experiment);
        if (kind is SweepKind)
            throw new UserInputException($"{document.Source}: the experiment of a sweep is itself a sweep; sweep one experiment at a time.");
        var baseRun = kind.Prepare(bare.Clone(), overrides, seed, defaultName);
        string baseYaml = RunLauncher.WithKind(kind, baseRun.ResolvedYaml);
        long baseSeed = seed ?? BaseSeed(baseYaml);
        var plan = SweepPlan.Expand(spec, baseSeed, baseYaml);
        var pointYamls = new List<string>(plan.Points.Count);
        foreach (var point in plan.Points)
        {
            IPreparedRun prepared;
            try
            {
                prepared = kind.Prepare(bare.Clone(), [.. overrides, .. point.Overrides], point.Seed, point.Name);
            }
            catch (UserInputException e)
            {
                throw new UserInputException($"sweep point {point.Name} ({point.Label}, seed {point.Seed}): {e.Message}", e);
            }
            pointYamls.Add(RunLauncher.WithKind(kind, prepared.ResolvedYaml));
        }
        var folder = new SweepDirectory(outDir ?? SweepDirectory.DefaultPath(root, baseRun.Name, plan));
        return new PreparedSweep(kind, spec, plan, folder, ConfigYaml(spec, baseYaml), pointYamls);
    }

    /// <summary>The experiment's <c>seed:</c>, or 0.</summary>
    static long BaseSeed(string resolvedYaml) =>
        long.TryParse(ConfigDocument.Parse(resolvedYaml, "config.yaml").GetScalar("seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed) ? seed : 0;

    /// <summary><c>kind: sweep</c>, the spec as a <c>sweep:</c> section, and the experiment under <c>experiment:</c>.</summary>
    static string ConfigYaml(SweepSpec spec, string experimentYaml)
    {
        var section = new YamlMappingNode();
        if (spec.Grid.Count > 0)
            section.Add("grid", new YamlMappingNode(spec.Grid.Select(axis => new KeyValuePair<YamlNode, YamlNode>(
                new YamlScalarNode(axis.Key), new YamlSequenceNode(axis.Values.Select(v => ConfigDocument.Parse("value: " + v, "value").Root.Children[new YamlScalarNode("value")]))
                { Style = YamlDotNet.Core.Events.SequenceStyle.Flow }))));
        if (spec.Random.Count > 0)
        {
            section.Add("random", new YamlMappingNode(spec.Random.Select(axis => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(axis.Key),
                new YamlScalarNode(string.Create(CultureInfo.InvariantCulture, $"{axis.Low:R}:{axis.High:R}{(axis.Log ? ":log" : "")}"))))));
            section.Add("samples", spec.Samples.ToString(CultureInfo.InvariantCulture));
            section.Add("sampling_seed", spec.SamplingSeed.ToString(CultureInfo.InvariantCulture));
        }
        section.Add("seeds", spec.Seeds.ToString(CultureInfo.InvariantCulture));
        section.Add("parallel", spec.Parallel.ToString(CultureInfo.InvariantCulture));
        if (spec.Slurm is { } slurm)
        {
            var node = new YamlMappingNode();
            if (slurm.Partition is not null) node.Add("partition", slurm.Partition);
            if (slurm.Time is not null) node.Add("time", new YamlScalarNode(slurm.Time) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
            node.Add("cpus", slurm.Cpus.ToString(CultureInfo.InvariantCulture));
            node.Add("gpus", slurm.Gpus.ToString(CultureInfo.InvariantCulture));
            section.Add("slurm", node);
        }
        var root = new YamlMappingNode
        {
            { ExperimentKinds.KindKey, SweepKind.Name },
            { SweepKey, section },
            { ExperimentKey, ConfigDocument.Parse(experimentYaml, "experiment").Root },
        };
        return "# A sweep written by resonance sweep; run it again (finished points are kept) with: resonance sweep <this file>\n" +
               ConfigDocument.Create(root, "config.yaml").ToYaml();
    }
}
