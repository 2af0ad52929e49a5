using System.Globalization;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Runtime;
using Resonance.Training;
using YamlDotNet.RepresentationModel;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>
/// A validated temporal-averaging study file (<c>kind: temporal-study</c>): <c>name</c>, <c>study</c> (which one), <c>seed</c>,
/// <c>seeds</c> (independent repeats, each with its own weights, input draws, data order and corruptions), the temporal net
/// (<c>model</c>, the keys of <c>model.type: temporal-averaging</c> without <c>type</c>), the feed-forward baseline (<c>mlp</c>),
/// <c>data</c>, <c>training</c> (epochs, lr, batch_size, optimizer, weight_decay, clip_grad_norm, schedule and its constants;
/// the keys about checkpoints, early stopping and targets do not apply) and the study's own section. Unknown keys, and
/// sections of other studies, are refused with the key named.
/// </summary>
/// <param name="Name">Run name.</param>
/// <param name="Kind">Which study.</param>
/// <param name="Seed">Seed of every random stream.</param>
/// <param name="Seeds">Repeats, at least 2 (3 or more for conclusions).</param>
/// <param name="Model">The temporal-averaging net.</param>
/// <param name="Mlp">The feed-forward baseline.</param>
/// <param name="Data">Which MNIST images.</param>
/// <param name="Training">The training budget and optimiser, the same for every net.</param>
/// <param name="Options">The study's section: <see cref="RobustnessOptions"/>, <see cref="FewExamplesOptions"/>,
/// <see cref="DynamicsOptions"/> or <see cref="CompletionOptions"/>.</param>
public sealed record TemporalStudy(string Name, TemporalStudyKind Kind, long Seed, int Seeds, TemporalAveragingOptions Model, MlpOptions Mlp,
    TemporalStudyData Data, TrainingOptions Training, object Options)
{
    /// <summary>Each study with its section's options type.</summary>
    public static readonly IReadOnlyList<(TemporalStudyKind Kind, Type OptionsType)> Kinds =
    [
        (TemporalStudyKind.Robustness, typeof(RobustnessOptions)),
        (TemporalStudyKind.FewExamples, typeof(FewExamplesOptions)),
        (TemporalStudyKind.Dynamics, typeof(DynamicsOptions)),
        (TemporalStudyKind.Completion, typeof(CompletionOptions)),
    ];

    static readonly string[] CommonKeys = ["name", "description", "study", "seed", "seeds", "model", "mlp", "data", "training"];

    /// <summary>Most repeats a study accepts.</summary>
    public const int MaxSeeds = 50;

    /// <summary>The section name of a study (<c>few_examples</c>, ...).</summary>
    public static string SectionOf(TemporalStudyKind kind) => ConfigBinder.SnakeCase(kind.ToString());

    /// <summary>The study's name as <c>study:</c> takes it (<c>few-examples</c>).</summary>
    public static string NameOf(TemporalStudyKind kind) => SectionOf(kind).Replace('_', '-');

    /// <summary>The seed of repeat <paramref name="repeat"/>: every stream of that repeat derives from it.</summary>
    public long RepeatSeed(int repeat) => RandomStreams.Derive(Seed, $"repeat.{repeat}");

    /// <summary>Applies <c>--set</c> overrides and <c>--seed</c> to a copy of <paramref name="document"/> and validates it.</summary>
    /// <exception cref="UserInputException">Any mistake in the file or the overrides.</exception>
    public static TemporalStudy Prepare(ConfigDocument document, IEnumerable<string> overrides, long? seed, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return From(copy, defaultName);
    }

    /// <summary>Validates and binds a document (without its <c>kind</c> key).</summary>
    /// <exception cref="UserInputException">A missing or unknown study, an unknown key, a section of another study, a wrong type or an impossible value.</exception>
    public static TemporalStudy From(ConfigDocument document, string defaultName)
    {
        string names = string.Join(", ", Kinds.Select(k => NameOf(k.Kind)));
        string? kindText = document.GetScalar("study", $"the name of a study ({names})");
        if (string.IsNullOrWhiteSpace(kindText))
            throw new UserInputException($"study: missing; choose one of {names}.");
        string wanted = kindText.Trim().Replace('_', '-');
        var match = Kinds.Where(k => NameOf(k.Kind) == wanted).ToList();
        if (match.Count == 0)
        {
            string? guess = ConfigBinder.Closest(wanted, Kinds.Select(k => NameOf(k.Kind)));
            throw new UserInputException(guess is null
                ? $"study: unknown study \"{kindText}\"; choose one of {names}."
                : $"study: unknown study \"{kindText}\"; did you mean {guess}?");
        }
        var (kind, optionsType) = match[0];
        string section = SectionOf(kind);
        foreach (string key in document.Root.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? ""))
        {
            if (CommonKeys.Contains(key) || key == section) continue;
            if (Kinds.Any(k => SectionOf(k.Kind) == key))
                throw new UserInputException($"{key}: this section belongs to study {NameOf(Kinds.First(k => SectionOf(k.Kind) == key).Kind)}, " +
                    $"but the file says study: {NameOf(kind)}; remove it or change study.");
            string? guess = ConfigBinder.Closest(key, [.. CommonKeys, section]);
            throw new UserInputException(guess is null
                ? $"{key}: unknown key; a {NameOf(kind)} study has {string.Join(", ", CommonKeys.Append(section))}."
                : $"{key}: unknown key; did you mean {guess}?");
        }

        string name = document.GetScalar("name", "a name") is { Length: > 0 } n ? n : defaultName;
        long seed = document.Value("seed", 0L);
        int seeds = document.Value("seeds", 3);
        OptionChecks.WholeInRange("seeds", seeds, 2, MaxSeeds);
        var model = ConfigBinder.Bind<TemporalAveragingOptions>(document.Section("model"), "model");
        MlpOptions mlp;
        try
        {
            mlp = ConfigBinder.Bind<MlpOptions>(document.Section("mlp"), "mlp");
        }
        catch (UserInputException e) when (e.Message.StartsWith("model.", StringComparison.Ordinal))
        {
            throw new UserInputException("mlp." + e.Message["model.".Length..]); // MlpOptions names its keys as a training file's model section
        }
        var data = ConfigBinder.Bind<TemporalStudyData>(document.Section("data"), "data");
        var training = ConfigBinder.Bind<TrainingOptions>(document.Section("training"), "training");
        object options = ConfigBinder.Bind(optionsType, document.Section(section), section);
        var dataSize = new DataOptions { Dataset = DatasetKind.Mnist, View = MnistView.Row, Normalise = false, TrainLimit = data.TrainLimit, TestLimit = data.TestLimit };
        training.EnsureFits(model, dataSize, MemoryBudget.AvailableBytes);
        training.EnsureFits(mlp, dataSize, MemoryBudget.AvailableBytes);
        if (options is DynamicsOptions dynamics && dynamics.RasterLayer >= model.Layers)
            throw new UserInputException($"dynamics.raster_layer: the net has {model.Layers} layer(s) (model.layers), so the layer drawn is 0 to {model.Layers - 1}; got {dynamics.RasterLayer}.");
        return new TemporalStudy(name, kind, seed, seeds, model, mlp, data, training, options);
    }

    /// <summary>The study fully resolved (every default written out), as saved in a run's <c>config.yaml</c>.</summary>
    public ConfigDocument Resolved()
    {
        var root = new YamlMappingNode
        {
            { "name", Name },
            { "study", NameOf(Kind) },
            { "seed", Seed.ToString(CultureInfo.InvariantCulture) },
            { "seeds", Seeds.ToString(CultureInfo.InvariantCulture) },
            { "model", ConfigBinder.ToYaml(Model) },
            { "mlp", ConfigBinder.ToYaml(Mlp) },
            { "data", ConfigBinder.ToYaml(Data) },
            { "training", ConfigBinder.ToYaml(Training) },
            { SectionOf(Kind), ConfigBinder.ToYaml(Options) },
        };
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return ConfigDocument.Parse(writer.ToString(), "config.yaml");
    }
}
