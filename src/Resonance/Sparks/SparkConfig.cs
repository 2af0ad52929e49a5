using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Resonance.Sparks;

/// <summary>
/// Binds a <see cref="SparkExperiment"/> from YAML and <c>--set key=value</c> overrides, and writes it back
/// (the resolved <c>config.yaml</c> of a run). One table of keys serves all three; a key not in it is refused.
/// </summary>
public static class SparkConfig
{
    /// <summary>One key of the experiment file: its path (<c>sparks.epsilon</c>), how it reads, and how it is written.</summary>
    public sealed record Setting(
        string Key,
        string Kind,
        Func<SparkExperiment, string> Write,
        Func<SparkExperiment, string, SparkExperiment> Read);

    /// <summary>Every key an experiment file may hold, in the order <see cref="ToYaml"/> writes them.</summary>
    public static IReadOnlyList<Setting> Settings { get; } =
    [
        Whole("seed", e => e.Seed, (e, v) => e with { Seed = v }),

        Whole("sparks.neurons", e => e.Sparks.Neurons, (e, v) => e with { Sparks = e.Sparks with { Neurons = ToInt(v) } }),
        Whole("sparks.spark_count", e => e.Sparks.SparkCount, (e, v) => e with { Sparks = e.Sparks with { SparkCount = ToInt(v) } }),
        Number("sparks.temperature", e => e.Sparks.Temperature, (e, v) => e with { Sparks = e.Sparks with { Temperature = v } }),
        Number("sparks.memory_bias", e => e.Sparks.MemoryBias, (e, v) => e with { Sparks = e.Sparks with { MemoryBias = v } }),
        Number("sparks.epsilon", e => e.Sparks.Epsilon, (e, v) => e with { Sparks = e.Sparks with { Epsilon = v } }),
        Number("sparks.hebbian_rate", e => e.Sparks.HebbianRate, (e, v) => e with { Sparks = e.Sparks with { HebbianRate = v } }),
        Number("sparks.weight_decay", e => e.Sparks.WeightDecay, (e, v) => e with { Sparks = e.Sparks with { WeightDecay = v } }),
        Number("sparks.initial_weight", e => e.Sparks.InitialWeight, (e, v) => e with { Sparks = e.Sparks with { InitialWeight = v } }),
        Number("sparks.activation_gain", e => e.Sparks.ActivationGain, (e, v) => e with { Sparks = e.Sparks with { ActivationGain = v } }),
        Number("sparks.activation_decay", e => e.Sparks.ActivationDecay, (e, v) => e with { Sparks = e.Sparks with { ActivationDecay = v } }),
        Number("sparks.memory_rate", e => e.Sparks.MemoryRate, (e, v) => e with { Sparks = e.Sparks with { MemoryRate = v } }),
        Number("sparks.memory_decay", e => e.Sparks.MemoryDecay, (e, v) => e with { Sparks = e.Sparks with { MemoryDecay = v } }),

        Boolean("layout.enabled", e => e.Layout.Enabled, (e, v) => e with { Layout = e.Layout with { Enabled = v } }),
        Whole("layout.iterations", e => e.Layout.Iterations, (e, v) => e with { Layout = e.Layout with { Iterations = ToInt(v) } }),
        Number("layout.spring", e => e.Layout.Spring, (e, v) => e with { Layout = e.Layout with { Spring = v } }),
        Number("layout.repulsion", e => e.Layout.Repulsion, (e, v) => e with { Layout = e.Layout with { Repulsion = v } }),
        Number("layout.gravity", e => e.Layout.Gravity, (e, v) => e with { Layout = e.Layout with { Gravity = v } }),
        Number("layout.softening", e => e.Layout.Softening, (e, v) => e with { Layout = e.Layout with { Softening = v } }),
        Number("layout.step_size", e => e.Layout.StepSize, (e, v) => e with { Layout = e.Layout with { StepSize = v } }),
        Number("layout.max_move", e => e.Layout.MaxMove, (e, v) => e with { Layout = e.Layout with { MaxMove = v } }),

        Whole("measures.every", e => e.Measures.Every, (e, v) => e with { Measures = e.Measures with { Every = ToInt(v) } }),
        Whole("measures.diagonal_band", e => e.Measures.DiagonalBand, (e, v) => e with { Measures = e.Measures with { DiagonalBand = ToInt(v) } }),
        Number("measures.graph_threshold", e => e.Measures.GraphThreshold, (e, v) => e with { Measures = e.Measures with { GraphThreshold = v } }),

        Whole("run.steps", e => e.Run.Steps, (e, v) => e with { Run = e.Run with { Steps = ToInt(v) } }),
        WholeList("run.picture_steps", e => e.Run.PictureSteps, (e, v) => e with { Run = e.Run with { PictureSteps = v } }),
        Whole("run.frame_every", e => e.Run.FrameEvery, (e, v) => e with { Run = e.Run with { FrameEvery = ToInt(v) } }),
        Whole("run.snapshot_every", e => e.Run.SnapshotEvery, (e, v) => e with { Run = e.Run with { SnapshotEvery = ToInt(v) } }),
        Whole("run.image_size", e => e.Run.ImageSize, (e, v) => e with { Run = e.Run with { ImageSize = ToInt(v) } }),
    ];

    static readonly Dictionary<string, Setting> ByKey = Settings.ToDictionary(s => s.Key, StringComparer.Ordinal);

    /// <summary>Reads an experiment file. Keys it omits keep their defaults; the result is not yet validated.</summary>
    /// <exception cref="UserInputException">The file is missing, is not YAML, or has an unknown key or a value of the wrong kind.</exception>
    public static SparkExperiment Load(string path, SparkExperiment? defaults = null)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such experiment file.");
        return Parse(File.ReadAllText(path), path, defaults);
    }

    /// <summary>Reads experiment YAML; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="UserInputException">Not YAML, an unknown key, or a value of the wrong kind.</exception>
    public static SparkExperiment Parse(string yaml, string source = "experiment", SparkExperiment? defaults = null)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e)
        {
            throw new UserInputException($"{source}: not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        var experiment = defaults ?? new SparkExperiment();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return experiment;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new UserInputException($"{source}: expected a mapping of sections (seed, sparks, layout, measures, run) at the top.");
        foreach (var (key, value) in Leaves(root, "", source))
            experiment = Apply(experiment, key, value, $"{source}: ");
        return experiment;
    }

    /// <summary>Applies one <c>key=value</c> override (as given to <c>--set</c>); a list is written <c>0,1000,5000</c> or <c>[0, 1000]</c>.</summary>
    /// <exception cref="UserInputException">Not <c>key=value</c>, an unknown key, or a value of the wrong kind.</exception>
    public static SparkExperiment ApplyOverride(SparkExperiment experiment, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new UserInputException($"--set {assignment}: expected key=value, e.g. --set sparks.epsilon=0.1.");
        string key = assignment[..equals].Trim();
        string value = assignment[(equals + 1)..].Trim();
        return Apply(experiment, key, value, $"--set {assignment}: ");
    }

    /// <summary>The experiment as YAML, every key written (what a run saves as <c>config.yaml</c>).</summary>
    public static string ToYaml(SparkExperiment experiment)
    {
        var text = new StringBuilder();
        text.AppendLine("# Spark network (seed 003), fully resolved.");
        string? section = null;
        foreach (var setting in Settings)
        {
            int dot = setting.Key.IndexOf('.');
            if (dot < 0)
            {
                text.Append(setting.Key).Append(": ").AppendLine(setting.Write(experiment));
                continue;
            }
            string head = setting.Key[..dot];
            if (head != section)
            {
                text.Append(head).AppendLine(":");
                section = head;
            }
            text.Append("  ").Append(setting.Key[(dot + 1)..]).Append(": ").AppendLine(setting.Write(experiment));
        }
        return text.ToString();
    }

    static SparkExperiment Apply(SparkExperiment experiment, string key, string value, string where)
    {
        if (!ByKey.TryGetValue(key, out var setting))
            throw new UserInputException($"{where}unknown key {key}; known keys: {KnownKeysNear(key)}.");
        try { return setting.Read(experiment, value); }
        catch (FormatException)
        {
            throw new UserInputException($"{where}{key}: expected {setting.Kind}, got \"{value}\".");
        }
        catch (OverflowException)
        {
            throw new UserInputException($"{where}{key}: expected {setting.Kind}, got \"{value}\" (too large).");
        }
    }

    static string KnownKeysNear(string key)
    {
        int dot = key.IndexOf('.');
        string prefix = dot > 0 ? key[..(dot + 1)] : "";
        var near = Settings.Where(s => prefix.Length > 0 && s.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Key).ToList();
        return string.Join(", ", near.Count > 0 ? near : Settings.Select(s => s.Key));
    }

    // Flattens mappings into dotted keys; a sequence of scalars becomes one comma-separated value.
    static IEnumerable<(string Key, string Value)> Leaves(YamlMappingNode mapping, string prefix, string source)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = prefix + ((keyNode as YamlScalarNode)?.Value
                ?? throw new UserInputException($"{source}: line {keyNode.Start.Line}: keys must be plain names."));
            switch (valueNode)
            {
                case YamlMappingNode child:
                    if (ByKey.ContainsKey(key))
                        throw new UserInputException($"{source}: {key}: expected a value, got a mapping.");
                    foreach (var leaf in Leaves(child, key + ".", source))
                        yield return leaf;
                    break;
                case YamlSequenceNode sequence:
                    var items = sequence.Children.Select(item => (item as YamlScalarNode)?.Value
                        ?? throw new UserInputException($"{source}: {key}: expected a list of numbers."));
                    yield return (key, string.Join(",", items));
                    break;
                case YamlScalarNode scalar:
                    if (!ByKey.ContainsKey(key) && Settings.Any(s => s.Key.StartsWith(key + ".", StringComparison.Ordinal)))
                        throw new UserInputException($"{source}: {key}: expected a section of keys, got a value.");
                    if (string.IsNullOrEmpty(scalar.Value) && ByKey.ContainsKey(key))
                        throw new UserInputException($"{source}: {key}: expected a value, got nothing.");
                    yield return (key, scalar.Value ?? "");
                    break;
            }
        }
    }

    static int ToInt(long value) => checked((int)value);

    static Setting Whole(string key, Func<SparkExperiment, long> get, Func<SparkExperiment, long, SparkExperiment> set) =>
        new(key, "a whole number",
            e => get(e).ToString(CultureInfo.InvariantCulture),
            (e, text) => set(e, ParseWhole(text)));

    static Setting Number(string key, Func<SparkExperiment, double> get, Func<SparkExperiment, double, SparkExperiment> set) =>
        new(key, "a number",
            e => SparkValidation.Format(get(e)),
            (e, text) => set(e, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)));

    static Setting Boolean(string key, Func<SparkExperiment, bool> get, Func<SparkExperiment, bool, SparkExperiment> set) =>
        new(key, "true or false",
            e => get(e) ? "true" : "false",
            (e, text) => set(e, text.Trim().ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw new FormatException(),
            }));

    static Setting WholeList(string key, Func<SparkExperiment, IReadOnlyList<int>> get, Func<SparkExperiment, IReadOnlyList<int>, SparkExperiment> set) =>
        new(key, "a list of whole numbers",
            e => "[" + string.Join(", ", get(e).Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
            (e, text) => set(e, text.Trim().TrimStart('[').TrimEnd(']')
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(item => ToInt(ParseWhole(item))).ToArray()));

    static long ParseWhole(string text)
    {
        text = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
            return whole;
        // 1e4 and 10000.0 are whole numbers too.
        double number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (number != Math.Floor(number) || Math.Abs(number) > long.MaxValue)
            throw new FormatException();
        return (long)number;
    }
}
