namespace Resonance.Experiments;

/// <summary>
/// A published or previously measured figure that a run's result is shown beside (an experiment's <c>reference:</c> list),
/// e.g. the accuracy a paper claims, or a baseline run's.
/// </summary>
/// <example><code>
/// reference:
///   - { name: "Emergent Resonator (claimed)", metric: test_accuracy, value: 0.992, source: "the Emergent Resonator's original README" }
///   - { name: "LSTM baseline", metric: test_accuracy, value: ~, source: "not run yet" }
/// </code></example>
public sealed record ReferenceFigure
{
    /// <summary>What the figure is, for the results table.</summary>
    public string Name { get; init; } = "";
    /// <summary>The summary.json key it compares with (<c>test_accuracy</c>).</summary>
    public string Metric { get; init; } = "test_accuracy";
    /// <summary>The figure; null (<c>~</c>) when it is missing (shown as "missing").</summary>
    public double? Value { get; init; }
    /// <summary>Where it comes from (a paper, a run directory, an experiment file and its budget).</summary>
    public string? Source { get; init; }

    /// <summary>Refuses an empty name or metric; <paramref name="keyPath"/> is the entry's path (<c>reference[0]</c>).</summary>
    public void Validate(string keyPath)
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new UserInputException($"{keyPath}.name: expected a name for the figure.");
        if (string.IsNullOrWhiteSpace(Metric)) throw new UserInputException($"{keyPath}.metric: expected a summary key such as test_accuracy.");
        if (Value is double v && !double.IsFinite(v)) throw new UserInputException($"{keyPath}.value: expected a finite number or ~, got {v}.");
    }
}
