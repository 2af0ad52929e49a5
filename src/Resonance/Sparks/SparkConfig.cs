using Resonance.Experiments;

namespace Resonance.Sparks;

/// <summary>
/// Binds a <see cref="SparkExperiment"/> from YAML and <c>--set key=value</c> overrides, and writes it back
/// (the resolved <c>config.yaml</c> of a run), with the experiment config code: a <see cref="ConfigDocument"/>
/// for the file and the overrides, <see cref="ConfigBinder"/> for each section.
/// </summary>
/// <remarks>
/// The keys are the snake_case names of the section records' properties (<see cref="SparkOptions.SparkCount"/> is
/// <c>sparks.spark_count</c>); an unknown key is refused. Binding checks each section on its own (a section's
/// parameterless <c>Validate()</c>); the checks across sections and against memory are
/// <see cref="SparkExperiment.Validate"/>, which the caller runs once the experiment is complete.
/// </remarks>
public static class SparkConfig
{
    /// <summary>The keys at the top of an experiment file: the seed and the four sections.</summary>
    public static IReadOnlyList<string> TopLevelKeys { get; } = ["seed", "sparks", "layout", "measures", "run"];

    /// <summary>Reads an experiment file, then applies <paramref name="overrides"/> (as given to <c>--set</c>). Keys
    /// neither names keep their defaults.</summary>
    /// <exception cref="UserInputException">The file is missing or not YAML, or a key is unknown, of the wrong kind,
    /// or out of its section's range.</exception>
    public static SparkExperiment Load(string path, IEnumerable<string>? overrides = null) =>
        From(WithOverrides(ConfigDocument.Load(path), overrides));

    /// <summary>Reads experiment YAML, then applies <paramref name="overrides"/>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="UserInputException">Not YAML, or a key is unknown, of the wrong kind, or out of its section's range.</exception>
    public static SparkExperiment Parse(string yaml, string source = "experiment", IEnumerable<string>? overrides = null) =>
        From(WithOverrides(ConfigDocument.Parse(yaml, source), overrides));

    /// <summary>Applies <c>key=value</c> overrides (as given to <c>--set</c>) to an experiment; a value is read as YAML,
    /// and a list is written <c>0,1000,5000</c> or <c>[0, 1000]</c>.</summary>
    /// <exception cref="UserInputException">Not <c>key=value</c>, or a key is unknown, of the wrong kind, or out of its section's range.</exception>
    public static SparkExperiment ApplyOverrides(SparkExperiment experiment, IEnumerable<string> assignments) =>
        From(WithOverrides(ToDocument(experiment), assignments));

    /// <summary>Binds a document (overrides already applied).</summary>
    /// <exception cref="UserInputException">A key is unknown, of the wrong kind, or out of its section's range.</exception>
    public static SparkExperiment From(ConfigDocument document)
    {
        document.RefuseUnknownSections(TopLevelKeys, "a spark experiment");
        return new SparkExperiment
        {
            Seed = document.Value("seed", new SparkExperiment().Seed),
            Sparks = ConfigBinder.Bind<SparkOptions>(document.Section("sparks"), "sparks"),
            Layout = ConfigBinder.Bind<SparkLayoutOptions>(document.Section("layout"), "layout"),
            Measures = ConfigBinder.Bind<SparkMeasureOptions>(document.Section("measures"), "measures"),
            Run = ConfigBinder.Bind<SparkRunOptions>(document.Section("run"), "run"),
        };
    }

    /// <summary>The experiment as a document, every key written.</summary>
    public static ConfigDocument ToDocument(SparkExperiment experiment) =>
        ConfigDocument.Create(ConfigBinder.ToYaml(experiment), "config.yaml");

    /// <summary>The experiment as YAML, every key written (what a run saves as <c>config.yaml</c>).</summary>
    public static string ToYaml(SparkExperiment experiment) =>
        "# Spark network (sparknet-emergence), fully resolved.\n" + ToDocument(experiment).ToYaml();

    static ConfigDocument WithOverrides(ConfigDocument document, IEnumerable<string>? overrides)
    {
        foreach (string assignment in overrides ?? [])
            document.Set(assignment);
        return document;
    }
}
