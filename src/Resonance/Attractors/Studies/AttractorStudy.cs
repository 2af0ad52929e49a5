using System.Globalization;
using Resonance.Experiments;
using Resonance.Runtime;
using YamlDotNet.RepresentationModel;

namespace Resonance.Attractors.Studies;

/// <summary>The kinds of attractor study a file can name with <c>study:</c>; each has a section of the same name.</summary>
public enum AttractorStudyKind { Capacity, Activations, Basins, Classical, Boundary, Modern }

/// <summary>
/// A validated attractor study file: <c>name</c>, <c>study</c> (its kind), <c>seed</c>, the <c>network</c> and <c>training</c>
/// sections shared by every kind, and the kind's own section (<c>capacity:</c>, <c>boundary:</c>, ...). Unknown keys, and
/// sections of other kinds, are refused with the key named. Studies that compare learned rules (boundary, basins) may also
/// carry <c>per_rule:</c>, a learned rule's own <c>network</c> and <c>training</c> keys, each replacing the shared key of that name:
/// <code>
/// per_rule:
///   learned-basin:
///     network: {init: pseudo-inverse, self_coupling: false}
///     training: {lr: 0.01, cue_loss: contrastive}
/// </code>
/// </summary>
/// <param name="Name">Run name (the file name when the file has no <c>name:</c>).</param>
/// <param name="Kind">Which study.</param>
/// <param name="Seed">Seed of every random stream of the study.</param>
/// <param name="Network">The attractor network and protocol.</param>
/// <param name="Training">How learned memories are trained.</param>
/// <param name="Options">The kind's section: <see cref="CapacityOptions"/>, <see cref="ActivationsOptions"/>, <see cref="BasinsOptions"/>,
/// <see cref="ClassicalOptions"/>, <see cref="BoundaryOptions"/> or <see cref="ModernOptions"/>.</param>
public sealed record AttractorStudy(string Name, AttractorStudyKind Kind, long Seed, AttractorNetworkOptions Network, AttractorTrainingOptions Training, object Options)
{
    /// <summary>The learned rules with settings of their own (YAML <c>per_rule</c>); every other rule uses <see cref="Network"/> and <see cref="Training"/>.</summary>
    public IReadOnlyDictionary<MemoryRule, RuleSettings> PerRule { get; init; } = NoPerRule;

    static readonly IReadOnlyDictionary<MemoryRule, RuleSettings> NoPerRule = new Dictionary<MemoryRule, RuleSettings>();

    /// <summary>The network a rule's nets are built with: its own <c>per_rule</c> settings, else the shared section.</summary>
    public AttractorNetworkOptions NetworkFor(MemoryRule rule) => PerRule.TryGetValue(rule, out var own) ? own.Network : Network;

    /// <summary>How a rule's nets are trained: its own <c>per_rule</c> settings, else the shared section.</summary>
    public AttractorTrainingOptions TrainingFor(MemoryRule rule) => PerRule.TryGetValue(rule, out var own) ? own.Training : Training;

    /// <summary>Each kind with its section's options type.</summary>
    public static readonly IReadOnlyList<(AttractorStudyKind Kind, Type OptionsType)> Kinds =
    [
        (AttractorStudyKind.Capacity, typeof(CapacityOptions)),
        (AttractorStudyKind.Activations, typeof(ActivationsOptions)),
        (AttractorStudyKind.Basins, typeof(BasinsOptions)),
        (AttractorStudyKind.Classical, typeof(ClassicalOptions)),
        (AttractorStudyKind.Boundary, typeof(BoundaryOptions)),
        (AttractorStudyKind.Modern, typeof(ModernOptions)),
    ];

    static readonly string[] CommonKeys = ["name", "description", "study", "seed", "network", "training", PerRuleKey];

    const string PerRuleKey = "per_rule";

    /// <summary>The key that names a file's experiment kind (<c>kind: attractor</c>), read by the kinds registry.</summary>
    const string KindKey = "kind";

    /// <summary>The kinds whose files may hold <c>per_rule</c>: those that put several learned rules side by side.</summary>
    static readonly AttractorStudyKind[] PerRuleKinds = [AttractorStudyKind.Boundary, AttractorStudyKind.Basins];

    static readonly MemoryRule[] LearnedRules = [MemoryRule.Learned, MemoryRule.LearnedNoisy, MemoryRule.LearnedBasin, MemoryRule.LearnedDense];

    /// <summary>The section name of a kind (<c>capacity</c>, ...).</summary>
    public static string SectionOf(AttractorStudyKind kind) => ConfigBinder.SnakeCase(kind.ToString());

    /// <summary>Whether a document is an attractor study (it has a <c>study:</c> key).</summary>
    public static bool IsStudy(ConfigDocument document) => document.Root.Children.ContainsKey(new YamlScalarNode("study"));

    /// <summary>Applies <c>--set</c> overrides and <c>--seed</c> to a copy of <paramref name="document"/> and validates it.</summary>
    /// <exception cref="UserInputException">Any mistake in the file or the overrides.</exception>
    public static AttractorStudy Prepare(ConfigDocument document, IEnumerable<string> overrides, long? seed, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return From(copy, defaultName);
    }

    /// <summary>Validates and binds a document.</summary>
    /// <exception cref="UserInputException">A missing or unknown study kind, an unknown key, a section of another kind, a wrong type or an impossible value.</exception>
    public static AttractorStudy From(ConfigDocument document, string defaultName)
    {
        string kinds = string.Join(", ", Kinds.Select(k => SectionOf(k.Kind)));
        string? kindText = document.GetScalar("study", $"the name of a study ({kinds})");
        if (string.IsNullOrWhiteSpace(kindText))
            throw new UserInputException($"{document.Source}: study: missing; choose one of {kinds}.");
        var match = Kinds.Where(k => SectionOf(k.Kind) == kindText.Trim()).ToList();
        if (match.Count == 0)
        {
            string? guess = ConfigBinder.Closest(kindText.Trim(), Kinds.Select(k => SectionOf(k.Kind)));
            throw new UserInputException(guess is null
                ? $"study: unknown study \"{kindText}\"; choose one of {kinds}."
                : $"study: unknown study \"{kindText}\"; did you mean {guess}?");
        }
        var (kind, optionsType) = match[0];
        string section = SectionOf(kind);

        foreach (string key in document.Root.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (CommonKeys.Contains(key) || key == section || key == KindKey) continue;
            if (Kinds.Any(k => SectionOf(k.Kind) == key))
                throw new UserInputException($"{key}: this section belongs to study {key}, but the file says study: {section}; remove it or change study.");
            string? guess = ConfigBinder.Closest(key, [.. CommonKeys, section]);
            throw new UserInputException(guess is null
                ? $"{key}: unknown key; a {section} study has {string.Join(", ", CommonKeys.Append(section))}."
                : $"{key}: unknown key; did you mean {guess}?");
        }

        string name = document.GetScalar("name", "a name") is { Length: > 0 } n ? n : defaultName;
        long seed = 0;
        if (document.GetScalar("seed", "a whole number") is { } seedText && !long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
            throw new UserInputException($"seed: expected a whole number, got \"{seedText}\"");
        var network = ConfigBinder.Bind<AttractorNetworkOptions>(document.Section("network"), "network");
        var training = ConfigBinder.Bind<AttractorTrainingOptions>(document.Section("training"), "training");
        object options = ConfigBinder.Bind(optionsType, document.Section(section), section);
        var study = new AttractorStudy(name, kind, seed, network, training, options) { PerRule = BindPerRule(document, kind) };
        StudyMemory.Ensure(study, MemoryBudget.AvailableBytes);
        return study;
    }

    /// <summary>Reads <c>per_rule</c>: each learned rule's keys laid over copies of the shared <c>network</c> and <c>training</c>
    /// sections, then bound and validated like them.</summary>
    static IReadOnlyDictionary<MemoryRule, RuleSettings> BindPerRule(ConfigDocument document, AttractorStudyKind kind)
    {
        YamlMappingNode section = document.Section(PerRuleKey);
        if (section.Children.Count == 0) return NoPerRule;
        var perRule = new Dictionary<MemoryRule, RuleSettings>();
        if (!PerRuleKinds.Contains(kind))
            throw new UserInputException($"{PerRuleKey}: only {string.Join(" and ", PerRuleKinds.Select(SectionOf))} studies put learned rules side by side; " +
                $"a {SectionOf(kind)} study trains one kind of net, so put its settings in network and training.");
        var names = LearnedRules.ToDictionary(RuleMemories.Name);
        foreach (var (keyNode, valueNode) in section.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!names.TryGetValue(key, out var rule))
            {
                string? guess = ConfigBinder.Closest(key, names.Keys);
                throw new UserInputException($"{PerRuleKey}.{key}: " + (guess is null
                    ? $"not a learned rule; settings of their own are for {string.Join(", ", names.Keys)} (the other rules are not trained)."
                    : $"not a learned rule; did you mean {guess}?"));
            }
            string path = $"{PerRuleKey}.{key}";
            if (valueNode is not YamlMappingNode own)
                throw new UserInputException($"{path}: expected a section with network: and/or training:, got a single value.");
            foreach (string part in own.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value ?? ""))
                if (part is not ("network" or "training"))
                    throw new UserInputException($"{path}.{part}: unknown key; a rule's own settings are network: and training:.");
            if (own.Children.TryGetValue(new YamlScalarNode("network"), out var ownNetwork) && ownNetwork is YamlMappingNode networkKeys
                && networkKeys.Children.ContainsKey(new YamlScalarNode("neurons")))
                throw new UserInputException($"{path}.network.neurons: every rule of a study stores the same memories, so N is shared; remove it here.");
            try
            {
                perRule[rule] = new RuleSettings(
                    ConfigBinder.Bind<AttractorNetworkOptions>(Overlay(document.Section("network"), own, "network", path), "network"),
                    ConfigBinder.Bind<AttractorTrainingOptions>(Overlay(document.Section("training"), own, "training", path), "training"),
                    own);
            }
            catch (UserInputException e)
            {
                throw new UserInputException($"{path}: {e.Message}");
            }
        }
        return perRule;
    }

    /// <summary>A copy of the shared section <paramref name="shared"/> with the rule's keys of that section put over it.</summary>
    static YamlMappingNode Overlay(YamlMappingNode shared, YamlMappingNode own, string name, string path)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in shared.Children) merged.Children[key] = value;
        if (!own.Children.TryGetValue(new YamlScalarNode(name), out var node) || node is YamlScalarNode { Value: null or "" or "~" or "null" }) return merged;
        if (node is not YamlMappingNode keys)
            throw new UserInputException($"{path}.{name}: expected a section (key: value lines), got a single value.");
        foreach (var (key, value) in keys.Children) merged.Children[key] = value;
        return merged;
    }

    /// <summary>The study fully resolved (every default written out), as saved in a run's <c>config.yaml</c>.</summary>
    public ConfigDocument Resolved()
    {
        var root = new YamlMappingNode
        {
            { "name", Name },
            { "study", SectionOf(Kind) },
            { "seed", Seed.ToString(CultureInfo.InvariantCulture) },
            { "network", ConfigBinder.ToYaml(Network) },
            { "training", ConfigBinder.ToYaml(Training) },
            { SectionOf(Kind), ConfigBinder.ToYaml(Options) },
        };
        if (PerRule.Count > 0)
        {
            // Only the keys a rule set itself: the shared sections above stay the source of everything else, as in the file.
            var perRule = new YamlMappingNode();
            foreach (var (rule, own) in PerRule)
            {
                var entry = new YamlMappingNode();
                foreach (var (name, options) in new (string, object)[] { ("network", own.Network), ("training", own.Training) })
                {
                    if (!own.Given.Children.TryGetValue(new YamlScalarNode(name), out var given) || given is not YamlMappingNode givenKeys) continue;
                    var resolved = ConfigBinder.ToYaml(options);
                    var kept = new YamlMappingNode();
                    foreach (var key in givenKeys.Children.Keys)
                        if (resolved.Children.TryGetValue(key, out var value)) kept.Children[key] = value;
                    entry.Add(name, kept);
                }
                perRule.Add(RuleMemories.Name(rule), entry);
            }
            root.Add(PerRuleKey, perRule);
        }
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return ConfigDocument.Parse(writer.ToString(), "config.yaml");
    }
}

/// <summary>A learned rule's own settings (YAML <c>per_rule.&lt;rule&gt;</c>).</summary>
/// <param name="Network">The shared network section with the rule's keys over it.</param>
/// <param name="Training">The shared training section with the rule's keys over it.</param>
/// <param name="Given">The rule's entry as written: which keys it set.</param>
public sealed record RuleSettings(AttractorNetworkOptions Network, AttractorTrainingOptions Training, YamlMappingNode Given);
