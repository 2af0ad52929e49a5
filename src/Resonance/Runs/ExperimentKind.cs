using System.Text.Json.Nodes;
using Resonance.Data;
using Resonance.Experiments;
using static TorchSharp.torch;

namespace Resonance.Runs;

/// <summary>What every run gets from whoever starts it: the device, the data cache, the event stream and a stop request.</summary>
/// <param name="Device">Where tensors live.</param>
/// <param name="Cache">The data cache (MNIST and the like).</param>
/// <param name="Events">Where the run reports.</param>
/// <param name="Stop">Cancelled on Ctrl-C / SIGTERM (or the studio's stop): the run saves what it can and ends <see cref="RunStatus.Interrupted"/>.</param>
public sealed record RunContext(Device Device, DataCache Cache, IRunEvents Events, CancellationToken Stop);

/// <summary>How a run ended, with what it produced.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Message">One line for people.</param>
/// <param name="Summary">The kind's headline figures (flat keys); the run directory adds <c>kind</c>, <c>status</c> and <c>started_at</c>.</param>
/// <param name="Tables">Result tables to show, the main one first (also written to the run folder where the kind does so).</param>
public sealed record RunOutcome(RunStatus Status, string Message, IReadOnlyDictionary<string, object?> Summary, IReadOnlyList<StudyTable> Tables)
{
    /// <summary>The pictures the run wrote, for the closing lines.</summary>
    public IReadOnlyList<string> Plots { get; init; } = [];

    /// <summary>The kind's own typed result, for library callers that know the kind (a spark run's measures), or null.</summary>
    public object? Details { get; init; }

    /// <summary>The process exit code for this outcome (DESIGN.md): 0 done, 1 the run failed, 130 interrupted.</summary>
    public int ExitCode => Status switch
    {
        RunStatus.Completed => 0,
        RunStatus.Interrupted => 130,
        _ => 1,
    };
}

/// <summary>An experiment that has been validated and is ready to build: nothing is allocated yet and no folder exists.</summary>
public interface IPreparedRun
{
    /// <summary>The run's name (the folder is <c>runs/&lt;name&gt;-&lt;time&gt;</c> by default).</summary>
    string Name { get; }

    /// <summary>The fully resolved config as YAML; <see cref="RunLauncher"/> adds the <c>kind</c> key.</summary>
    string ResolvedYaml { get; }

    /// <summary>One line on what will run, for the start of the output.</summary>
    string Describe(Device device);

    /// <summary>Builds what the run needs (data, model, simulation) before any folder is made, so a failure here leaves none.</summary>
    /// <exception cref="UserInputException">The experiment cannot be built as given (too large for this machine, data missing).</exception>
    IBuiltRun Build(RunContext context, bool resume);
}

/// <summary>An experiment with its data and model built; runs into a created run directory, then is disposed.</summary>
public interface IBuiltRun : IDisposable
{
    /// <summary>Does the work. Reports through <see cref="RunContext.Events"/>, writes metrics and figures into <paramref name="run"/>.</summary>
    RunOutcome Execute(RunDirectory run, RunContext context, bool resume);
}

/// <summary>
/// One kind of experiment (training, attractor study, spark simulation, ...): how its files are recognised, validated
/// and run, and which of its summary figures head a listing. Registered in <see cref="ExperimentKinds"/>.
/// </summary>
public interface IExperimentKind
{
    /// <summary>The name a file gives with <c>kind:</c> (and <c>summary.json</c>'s <c>kind</c>).</summary>
    string Name { get; }

    /// <summary>One line for help texts.</summary>
    string Description { get; }

    /// <summary>Whether a file without a <c>kind:</c> key is of this kind (files written before the key existed).</summary>
    bool Recognises(ConfigDocument document);

    /// <summary>Applies <c>--set</c> overrides and <c>--seed</c> to a copy of <paramref name="document"/> (which has no <c>kind</c>
    /// key any more) and validates everything.</summary>
    /// <exception cref="UserInputException">Any mistake in the file or the overrides.</exception>
    IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName);

    /// <summary>Prepares to continue the run in <paramref name="run"/> from its config (no <c>kind</c> key) and its last checkpoint or snapshot.</summary>
    /// <exception cref="UserInputException">This kind cannot resume, or this run has nothing to resume from; the message says why.</exception>
    IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config);

    /// <summary>The summary keys that head a listing of runs of this kind, in order (the first present ones are shown).</summary>
    IReadOnlyList<string> HeadlineKeys { get; }
}

/// <summary>Helpers for a kind's headline figures.</summary>
public static class Headlines
{
    /// <summary>The first few of <paramref name="keys"/> present in <paramref name="summary"/>, as <c>key value</c> pairs. A key
    /// written <c>*_p</c> stands for every summary key that ends in <c>_p</c> (a study's P* for each rule and size), one written
    /// <c>best_*</c> for every key that starts with <c>best_</c>.</summary>
    public static IReadOnlyList<(string Key, JsonNode Value)> Pick(JsonObject summary, IReadOnlyList<string> keys, int most = 3) =>
        keys.SelectMany(k => k.StartsWith('*')
                ? summary.Where(pair => pair.Key.EndsWith(k[1..], StringComparison.Ordinal)).Select(pair => pair.Key)
                : k.EndsWith('*')
                ? summary.Where(pair => pair.Key.StartsWith(k[..^1], StringComparison.Ordinal)).Select(pair => pair.Key)
                : [k])
            .Where(k => summary[k] is not null).Distinct().Take(most).Select(k => (k, summary[k]!)).ToList();
}
