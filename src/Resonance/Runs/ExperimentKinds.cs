using Resonance.Experiments;
using YamlDotNet.RepresentationModel;

namespace Resonance.Runs;

/// <summary>
/// The registry of experiment kinds. A file names its kind with a top-level <c>kind:</c> key; a file without one is
/// claimed by the first kind that recognises it (an attractor study by its <c>study:</c> key, a spark simulation by its
/// <c>sparks:</c> section), and training takes the rest.
/// </summary>
public sealed class ExperimentKinds
{
    /// <summary>The top-level key that names a file's kind.</summary>
    public const string KindKey = "kind";

    readonly List<IExperimentKind> kinds = [];

    /// <summary>Every kind that ships: sweeps (a <c>sweep:</c> section), attractor studies and spark simulations, recognised by their keys, then training.</summary>
    /// <param name="models">Where training files look up <c>model.type</c> (the built-in catalogue when null).</param>
    public static ExperimentKinds CreateDefault(Models.ModelRegistry? models = null) => new ExperimentKinds()
        .Add(new Sweeps.SweepKind())
        .Add(new Attractors.Studies.AttractorExperimentKind())
        .Add(new Studies.TemporalAveraging.TemporalStudyExperimentKind())
        .Add(new Sparks.SparkExperimentKind())
        .Add(new Reconstruction.ReconstructionKind())
        .Add(new TrainingKind(models ?? Models.ModelCatalog.CreateDefault()));

    /// <summary>The kinds in registration order; the last is the fallback for files without <c>kind:</c>.</summary>
    public IReadOnlyList<IExperimentKind> All => kinds;

    /// <summary>Adds a kind; its name must be new.</summary>
    public ExperimentKinds Add(IExperimentKind kind)
    {
        if (kinds.Any(k => k.Name == kind.Name))
            throw new ArgumentException($"experiment kind '{kind.Name}' is registered twice", nameof(kind));
        kinds.Add(kind);
        return this;
    }

    /// <summary>The kind called <paramref name="name"/>.</summary>
    /// <exception cref="UserInputException">No kind has that name; the message lists them (and a near miss).</exception>
    public IExperimentKind Get(string name, string where)
    {
        if (kinds.FirstOrDefault(k => k.Name == name) is { } kind) return kind;
        string names = string.Join(", ", kinds.Select(k => k.Name));
        string? guess = ConfigBinder.Closest(name, kinds.Select(k => k.Name));
        throw new UserInputException(guess is null
            ? $"{where}: unknown experiment kind \"{name}\"; the kinds are {names}."
            : $"{where}: unknown experiment kind \"{name}\"; did you mean {guess}?");
    }

    /// <summary>Finds a document's kind and returns it with a copy of the document that no longer holds <c>kind:</c>.</summary>
    /// <exception cref="UserInputException">The <c>kind:</c> value is not a name, or names no registered kind.</exception>
    public (IExperimentKind Kind, ConfigDocument Document) Detect(ConfigDocument document)
    {
        var key = new YamlScalarNode(KindKey);
        if (document.Root.Children.TryGetValue(key, out var node))
        {
            if (node is not YamlScalarNode { Value: { Length: > 0 } name })
                throw new UserInputException($"{document.Source}:{node.Start.Line}: kind: expected the name of an experiment kind ({string.Join(", ", kinds.Select(k => k.Name))}).");
            var kind = Get(name.Trim(), $"{document.Source}:{node.Start.Line}: kind");
            var copy = document.Clone();
            copy.Root.Children.Remove(key);
            return (kind, copy);
        }
        var claimed = kinds.FirstOrDefault(k => k.Recognises(document)) ?? kinds[^1];
        return (claimed, document.Clone());
    }
}
