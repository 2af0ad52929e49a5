namespace Resonance.Models;

/// <summary>
/// One registered model type: its YAML name, the typed options record its <c>model:</c> section binds to,
/// and how to build it.
/// </summary>
/// <param name="Type">The name used as <c>model.type</c>.</param>
/// <param name="OptionsType">A record with defaults; the <c>model:</c> keys other than <c>type</c> bind to its properties (snake_case).</param>
/// <param name="Create">Builds the model from bound options, the data's shape and a seed for its initialisation.</param>
/// <param name="Description">One line for help and listings.</param>
public sealed record ModelEntry(string Type, Type OptionsType, Func<object, ModelShape, long, SequenceModel> Create, string Description);

/// <summary>A catalogue of model types looked up by <c>model.type</c>.</summary>
public sealed class ModelRegistry
{
    readonly Dictionary<string, ModelEntry> entries = new(StringComparer.Ordinal);

    public ModelRegistry(IEnumerable<ModelEntry> entries)
    {
        foreach (var entry in entries)
            if (!this.entries.TryAdd(entry.Type, entry))
                throw new ArgumentException($"model type \"{entry.Type}\" is registered twice");
    }

    /// <summary>Every entry, by name.</summary>
    public IReadOnlyCollection<ModelEntry> Entries => entries.Values;

    /// <summary>Looks a type up.</summary>
    public bool TryGet(string type, out ModelEntry entry) => entries.TryGetValue(type, out entry!);

    /// <summary>Registers an entry (users' own models).</summary>
    public void Add(ModelEntry entry)
    {
        if (!entries.TryAdd(entry.Type, entry))
            throw new ArgumentException($"model type \"{entry.Type}\" is registered twice");
    }
}

/// <summary>Typed construction of <see cref="ModelEntry"/>.</summary>
public static class ModelEntries
{
    /// <summary>An entry whose options bind to <typeparamref name="TOptions"/>.</summary>
    public static ModelEntry Of<TOptions>(string type, Func<TOptions, ModelShape, long, SequenceModel> create, string description)
        where TOptions : notnull =>
        new(type, typeof(TOptions), (options, shape, seed) => create((TOptions)options, shape, seed), description);
}
