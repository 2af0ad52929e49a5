using Resonance.Dynamics;
using Resonance.Experiments;
using YamlDotNet.RepresentationModel;

namespace Resonance.Reconstruction;

/// <summary>
/// A dynamical-systems reconstruction experiment (<c>kind: reconstruction</c>): a series, a model fitted to its training
/// rows, and the metrics of <see cref="ReconstructionEvaluation"/>; with <see cref="Systems"/> the same model over several
/// catalogue systems, one table row each (the chaos benchmark).
/// </summary>
/// <param name="Seed">Seed of the model, the training windows and the data noise.</param>
/// <param name="Data">The series and its split.</param>
/// <param name="ModelType">Which model.</param>
/// <param name="ModelOptions">That model's options record (<see cref="EchoStateOptions"/>, <see cref="NextGenerationOptions"/>,
/// <see cref="ShallowPlrnnOptions"/>, <see cref="AlRnnOptions"/>).</param>
/// <param name="Observation">The observation model of a latent model.</param>
/// <param name="Training">Teacher-forcing training of a latent model; null for the reservoirs (closed form).</param>
/// <param name="Evaluation">The evaluation protocol.</param>
/// <param name="Metrics">The metrics' settings.</param>
/// <param name="Systems">Catalogue systems to run one after another (the benchmark); empty: the one series of <see cref="Data"/>.</param>
public sealed record ReconstructionExperiment(
    long Seed,
    ReconstructionDataOptions Data,
    ReconstructionModelType ModelType,
    object ModelOptions,
    ObservationKind Observation,
    ReconstructionTrainingOptions? Training,
    ReconstructionEvaluationOptions Evaluation,
    MetricOptions Metrics,
    IReadOnlyList<string> Systems)
{
    /// <summary>The keys at the top of a reconstruction file.</summary>
    public static IReadOnlyList<string> TopLevelKeys { get; } = ["seed", "systems", "data", "model", "training", "evaluation", "metrics"];

    /// <summary>Whether the model is trained by gradient (a latent model) rather than fitted in closed form.</summary>
    public bool Trained => ModelType is not (ReconstructionModelType.Esn or ReconstructionModelType.Ngrc);

    /// <summary><c>model.type</c> as written in files.</summary>
    public static string TypeName(ReconstructionModelType type) => type switch
    {
        ReconstructionModelType.ShplrnnClipped => "shplrnn-clipped",
        _ => type.ToString().ToLowerInvariant(),
    };

    static readonly string[] TypeNames = [.. Enum.GetValues<ReconstructionModelType>().Select(TypeName)];

    /// <summary>Binds a document (overrides applied, no <c>kind</c> key) and checks it whole.</summary>
    /// <exception cref="UserInputException">An unknown key (with a near miss), a value of the wrong kind or out of range.</exception>
    public static ReconstructionExperiment From(ConfigDocument document)
    {
        document.RefuseUnknownSections(TopLevelKeys, "a reconstruction");
        var modelSection = document.Section("model");
        string typeText = document.GetScalar("model.type") ?? "esn";
        int index = Array.IndexOf(TypeNames, typeText.Trim().ToLowerInvariant());
        if (index < 0)
        {
            string? guess = ConfigBinder.Closest(typeText, TypeNames);
            throw new UserInputException($"model.type: unknown model \"{typeText}\"; " + (guess is null ? $"the models are {string.Join(", ", TypeNames)}." : $"did you mean {guess}?"));
        }
        var type = Enum.GetValues<ReconstructionModelType>()[index];
        bool latent = type is not (ReconstructionModelType.Esn or ReconstructionModelType.Ngrc);
        string[] ignored = latent ? ["type", "observation"] : ["type"];
        object options = type switch
        {
            ReconstructionModelType.Esn => ConfigBinder.Bind<EchoStateOptions>(modelSection, "model", ignored),
            ReconstructionModelType.Ngrc => ConfigBinder.Bind<NextGenerationOptions>(modelSection, "model", ignored),
            ReconstructionModelType.Alrnn => ConfigBinder.Bind<AlRnnOptions>(modelSection, "model", ignored),
            _ => ConfigBinder.Bind<ShallowPlrnnOptions>(modelSection, "model", [.. ignored, "clipped"])
                with { Clipped = type == ReconstructionModelType.ShplrnnClipped },
        };
        var observation = latent ? ConfigBinder.Read<ObservationKind>(
            modelSection.Children.TryGetValue(new YamlScalarNode("observation"), out var node) ? node : new YamlScalarNode("identity"), "model.observation")
            : ObservationKind.Identity;
        var trainingSection = document.Section("training");
        if (!latent && trainingSection.Children.Count > 0)
            throw new UserInputException($"training: model.type {TypeName(type)} fits its readout in closed form and takes no training section; remove it (or pick shplrnn, shplrnn-clipped or alrnn).");
        var systems = document.Root.Children.TryGetValue(new YamlScalarNode("systems"), out var listed)
            ? listed is YamlScalarNode { Value: "all" } ? [.. SystemCatalog.All.Select(s => s.Name)] : ConfigBinder.Read<List<string>>(listed, "systems")
            : [];
        var experiment = new ReconstructionExperiment(
            document.Value("seed", 0L),
            ConfigBinder.Bind<ReconstructionDataOptions>(document.Section("data"), "data"),
            type,
            options,
            observation,
            latent ? ConfigBinder.Bind<ReconstructionTrainingOptions>(trainingSection, "training") : null,
            ConfigBinder.Bind<ReconstructionEvaluationOptions>(document.Section("evaluation"), "evaluation"),
            ConfigBinder.Bind<MetricOptions>(document.Section("metrics"), "metrics"),
            systems);
        return experiment.Validate();
    }

    /// <summary>Checks across sections: the split leaves room for the evaluation, the systems exist, a benchmark generates its data.</summary>
    /// <exception cref="UserInputException">The first problem, naming the keys and the fix.</exception>
    public ReconstructionExperiment Validate()
    {
        foreach (string name in Systems) SystemCatalog.Get(name);
        if (Systems.Count > 0 && (Data.File ?? Data.System) is not null)
            throw new UserInputException("systems: a benchmark generates each system's series from the list; remove data.system and data.file.");
        if (Systems.Count > 0 && (Data.Dt is not null || Data.Params.Count > 0))
            throw new UserInputException("systems: each system of a benchmark runs at its own default step and parameters; remove data.dt and data.params.");
        if (Systems.Count == 0) Data.ValidateSource();
        if (Data.System is not null)
        {
            var system = SystemCatalog.Get(Data.System);
            Data.Simulation(system, Seed).Validate(system);
        }
        int train = (int)(Data.TrainFraction * Data.Steps), test = Data.Steps - train;
        var e = Evaluation;
        int need = Math.Max(e.Warmup + e.TestSteps, e.Warmup + e.Horizon + e.Starts - 1);
        if (Data.File is null && test < need)
            throw new UserInputException($"evaluation: the {test} test rows (data.steps × (1 − data.train_fraction)) are fewer than the {need} that evaluation.warmup + " +
                "max(evaluation.test_steps, evaluation.horizon + evaluation.starts − 1) need; raise data.steps or lower those.");
        if (Data.File is null && train < e.TestSteps)
            throw new UserInputException($"evaluation.test_steps: the floor compares {e.TestSteps} test rows with as many training rows, but only {train} train; raise data.steps or lower evaluation.test_steps.");
        Training?.Validate(Data.File is null ? train : null);
        EnsureFits(Runtime.MemoryBudget.AvailableBytes);
        return this;
    }

    /// <summary>An upper estimate of the bytes a run holds at once: the series (float64, a few copies), and for a reservoir
    /// the dense recurrent matrix and the harvested training features (float32 states, float64 features and their Gram
    /// matrix). A latent model's windows and parameters are small beside the series. A file's columns count as 1 here
    /// (its size is checked when it is read).</summary>
    public long MemoryBytes()
    {
        int dimension = Systems.Count > 0 ? Systems.Max(s => SystemCatalog.Get(s).Dimension)
            : Data.System is not null ? SystemCatalog.Get(Data.System).Dimension : 1;
        long rows = Data.Steps, train = (long)(Data.TrainFraction * rows);
        long bytes = 4 * rows * dimension * sizeof(double);
        long features = ModelOptions switch
        {
            EchoStateOptions o => 1 + dimension + o.Units,
            NextGenerationOptions o => 1 + o.Delays * dimension + (o.Quadratic ? o.Delays * dimension * (o.Delays * dimension + 1) / 2 : 0),
            _ => 0,
        };
        if (ModelOptions is EchoStateOptions esn) bytes += (long)esn.Units * esn.Units * sizeof(float) + train * esn.Units * sizeof(float);
        bytes += 2 * train * features * sizeof(double) + 2 * features * features * sizeof(double);
        return bytes + (64L << 20);
    }

    /// <summary>Refuses an experiment larger than <paramref name="budgetBytes"/>.</summary>
    /// <exception cref="UserInputException">Too large; the message names the keys to lower.</exception>
    public void EnsureFits(long budgetBytes)
    {
        long need = MemoryBytes();
        if (need > budgetBytes)
            throw new UserInputException($"model: this reconstruction needs about {need / (double)(1L << 30):0.#} GiB (data.steps, model.units or model.delays), " +
                $"more than the {budgetBytes / (double)(1L << 30):0.#} GiB here; lower data.steps or the model's size.");
    }

    /// <summary>The experiment as YAML, every key written (what a run saves as <c>config.yaml</c>).</summary>
    public string ToYaml()
    {
        var root = new YamlMappingNode { { "seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        if (Systems.Count > 0) root.Add("systems", new YamlSequenceNode(Systems.Select(s => new YamlScalarNode(s))));
        root.Add("data", ConfigBinder.ToYaml(Data));
        var model = new YamlMappingNode { { "type", TypeName(ModelType) } };
        if (Trained) model.Add("observation", Observation.ToString().ToLowerInvariant());
        foreach (var (key, value) in ConfigBinder.ToYaml(ModelOptions).Children)
            if (key is not YamlScalarNode { Value: "clipped" }) model.Add(key, value);
        root.Add("model", model);
        if (Training is not null) root.Add("training", ConfigBinder.ToYaml(Training));
        root.Add("evaluation", ConfigBinder.ToYaml(Evaluation));
        root.Add("metrics", ConfigBinder.ToYaml(Metrics));
        return "# Dynamical-systems reconstruction, fully resolved.\n" + ConfigDocument.Create(root, "config.yaml").ToYaml();
    }
}
