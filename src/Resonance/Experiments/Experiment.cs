using Resonance.Models;
using Resonance.Runtime;
using Resonance.Training;
using YamlDotNet.RepresentationModel;

namespace Resonance.Experiments;

/// <summary>
/// A validated experiment: the model type with its bound options, and the data, training and logging sections.
/// Built from a <see cref="ConfigDocument"/>; every mistake is reported before any work starts.
/// </summary>
public sealed record Experiment(
    string Name,
    long Seed,
    ModelEntry Model,
    object ModelOptions,
    DataOptions Data,
    TrainingOptions Training,
    LoggingOptions Logging,
    IReadOnlyList<ReferenceFigure>? References = null)
{
    static readonly string[] TopLevelKeys = ["name", "description", "seed", "model", "data", "training", "logging", "reference"];

    /// <summary>Validates and binds a document.</summary>
    /// <param name="document">The experiment, overrides already applied.</param>
    /// <param name="registry">Where <c>model.type</c> is looked up.</param>
    /// <param name="defaultName">Name when the file has no <c>name:</c> (usually the file name).</param>
    /// <exception cref="UserInputException">Any unknown key, wrong type, impossible value or unknown model type.</exception>
    public static Experiment From(ConfigDocument document, ModelRegistry registry, string defaultName)
    {
        document.RefuseUnknownSections(TopLevelKeys, "an experiment");
        string name = document.GetScalar("name", "a name") is { Length: > 0 } n ? n : defaultName;
        long seed = document.Value("seed", 0L);

        var modelSection = document.Section("model");
        string? type = document.GetScalar("model.type", "a model name such as lstm");
        string known = string.Join(", ", registry.Entries.Select(e => e.Type).Order());
        if (string.IsNullOrWhiteSpace(type))
        {
            string? typo = modelSection.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value ?? "")
                .FirstOrDefault(k => k != "type" && ConfigBinder.Closest(k, ["type"]) is not null);
            throw new UserInputException(typo is not null
                ? $"model.{typo}: unknown key; did you mean model.type?"
                : $"model.type: missing; choose one of {known}.");
        }
        if (!registry.TryGet(type, out var entry))
        {
            string? guess = ConfigBinder.Closest(type, registry.Entries.Select(e => e.Type));
            throw new UserInputException(guess is null
                ? $"model.type: unknown model \"{type}\"; choose one of {known}."
                : $"model.type: unknown model \"{type}\"; did you mean {guess}?");
        }

        var modelOptions = ConfigBinder.Bind(entry.OptionsType, modelSection, "model", "type");
        var data = ConfigBinder.Bind<DataOptions>(document.Section("data"), "data");
        var training = ConfigBinder.Bind<TrainingOptions>(document.Section("training"), "training");
        var logging = ConfigBinder.Bind<LoggingOptions>(document.Section("logging"), "logging");
        if (modelOptions is IModelSize size) training.EnsureFits(size, data, MemoryBudget.AvailableBytes);
        List<ReferenceFigure> references = document.Root.Children.TryGetValue(new YamlScalarNode("reference"), out var referenceNode)
            ? ConfigBinder.Read<List<ReferenceFigure>>(referenceNode, "reference") : [];
        for (int i = 0; i < references.Count; i++) references[i].Validate($"reference[{i}]");
        return new Experiment(name, seed, entry, modelOptions, data, training, logging, references);
    }

    /// <summary>The fully resolved experiment (every default written out), as saved in a run's <c>config.yaml</c>.</summary>
    public ConfigDocument Resolved()
    {
        var root = new YamlMappingNode
        {
            { "name", Name },
            { "seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var model = new YamlMappingNode { { "type", Model.Type } };
        foreach (var (key, value) in ConfigBinder.ToYaml(ModelOptions).Children) model.Add(key, value);
        root.Add("model", model);
        root.Add("data", ConfigBinder.ToYaml(Data));
        root.Add("training", ConfigBinder.ToYaml(Training));
        root.Add("logging", ConfigBinder.ToYaml(Logging));
        if (References is { Count: > 0 })
            root.Add("reference", new YamlSequenceNode(References.Select(figure => (YamlNode)ConfigBinder.ToYaml(figure))));
        var text = new YamlStream(new YamlDocument(root));
        var writer = new StringWriter();
        text.Save(writer, assignAnchors: false);
        return ConfigDocument.Parse(writer.ToString(), "config.yaml");
    }
}
