using System.Globalization;
using Resonance.Experiments;
using YamlDotNet.RepresentationModel;

namespace Resonance.Attractors.Studies;

/// <summary>The kinds of attractor study a file can name with <c>study:</c>; each has a section of the same name.</summary>
public enum AttractorStudyKind { Capacity, Activations, Basins, Classical, Boundary, Modern }

/// <summary>
/// A validated attractor study file: <c>name</c>, <c>study</c> (its kind), <c>seed</c>, the <c>network</c> and <c>training</c>
/// sections shared by every kind, and the kind's own section (<c>capacity:</c>, <c>boundary:</c>, ...). Unknown keys, and
/// sections of other kinds, are refused with the key named.
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

    static readonly string[] CommonKeys = ["name", "description", "study", "seed", "network", "training"];

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
        string? kindText = document.GetScalar("study");
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
            if (CommonKeys.Contains(key) || key == section) continue;
            if (Kinds.Any(k => SectionOf(k.Kind) == key))
                throw new UserInputException($"{key}: this section belongs to study {key}, but the file says study: {section}; remove it or change study.");
            string? guess = ConfigBinder.Closest(key, [.. CommonKeys, section]);
            throw new UserInputException(guess is null
                ? $"{key}: unknown key; a {section} study has {string.Join(", ", CommonKeys.Append(section))}."
                : $"{key}: unknown key; did you mean {guess}?");
        }

        string name = document.GetScalar("name") is { Length: > 0 } n ? n : defaultName;
        long seed = 0;
        if (document.GetScalar("seed") is { } seedText && !long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
            throw new UserInputException($"seed: expected a whole number, got \"{seedText}\"");
        var network = ConfigBinder.Bind<AttractorNetworkOptions>(document.Section("network"), "network");
        var training = ConfigBinder.Bind<AttractorTrainingOptions>(document.Section("training"), "training");
        object options = ConfigBinder.Bind(optionsType, document.Section(section), section);
        return new AttractorStudy(name, kind, seed, network, training, options);
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
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return ConfigDocument.Parse(writer.ToString(), "config.yaml");
    }
}
