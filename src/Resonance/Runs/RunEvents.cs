using System.Text.Json.Nodes;

namespace Resonance.Runs;

/// <summary>How a run stands or ended; <c>summary.json</c> writes it in lower case under <c>status</c>.</summary>
public enum RunStatus
{
    /// <summary>Started and not ended (a run killed outright keeps this status).</summary>
    Running,
    /// <summary>All the work ran (early stopping included).</summary>
    Completed,
    /// <summary>The work ran and failed: a target missed, a study that failed as a whole, a library fault.</summary>
    Failed,
    /// <summary>A loss, gradient or weight became NaN or infinite; the last good checkpoint was kept.</summary>
    Diverged,
    /// <summary>Stopped on request (Ctrl-C, SIGTERM) after saving what it could; resumable where the kind resumes.</summary>
    Interrupted,
}

/// <summary>Something a run reports: one of the records below. The CLI renders them, the studio streams them.</summary>
public abstract record RunEvent;

/// <summary>A run began (or continued from a checkpoint or snapshot).</summary>
/// <param name="RunPath">The run directory.</param>
/// <param name="Kind">The experiment kind (<c>training</c>, <c>attractor</c>, <c>sparks</c>, ...).</param>
/// <param name="Description">One line on what runs (sizes, steps, device), for people.</param>
/// <param name="Resumed">Whether it continues an earlier run.</param>
public sealed record RunStarted(string RunPath, string Kind, string Description, bool Resumed) : RunEvent;

/// <summary>Where the work stands: <paramref name="Done"/> of <paramref name="Total"/> units.</summary>
/// <param name="Done">Units done (steps, epochs), counted from the start of the run.</param>
/// <param name="Total">Units in the whole run.</param>
/// <param name="Unit">What a unit is (<c>step</c>, <c>epoch</c>).</param>
/// <param name="RatePerSecond">Work per second of wall clock (samples, steps), or null.</param>
/// <param name="RateUnit">What <paramref name="RatePerSecond"/> counts (<c>samples</c>, <c>steps</c>).</param>
/// <param name="Remaining">Estimated wall-clock time left, or null.</param>
/// <param name="Text">The current figures in a few words (<c>epoch 2 loss 0.1234 acc 96.1%</c>).</param>
/// <param name="Stage">The part of the run that is going on (an attractor study's <c>train N=64</c>), or null.</param>
public sealed record RunProgress(long Done, long Total, string Unit, double? RatePerSecond, string? RateUnit, TimeSpan? Remaining, string Text, string? Stage = null) : RunEvent;

/// <summary>A line was appended to <c>metrics.jsonl</c>.</summary>
public sealed record RunMetrics(JsonObject Line) : RunEvent;

/// <summary>A picture was written (a PNG under <c>plots/</c> or <c>frames/</c>).</summary>
public sealed record FigureWritten(string Path) : RunEvent;

/// <summary>How much a message matters to the person watching.</summary>
public enum MessageLevel { Info, Result, Warning }

/// <summary>A line worth telling the user (an epoch's figures, a stage starting, a checkpoint saved on interrupt).</summary>
public sealed record RunMessage(string Text, MessageLevel Level = MessageLevel.Info) : RunEvent;

/// <summary>A run ended.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Message">One line on how it ended.</param>
/// <param name="Summary">The figures written to <c>summary.json</c>.</param>
public sealed record RunEnded(RunStatus Status, string Message, IReadOnlyDictionary<string, object?> Summary) : RunEvent;

/// <summary>
/// The one stream through which every kind of run reports: started, progress, metrics, figures, messages, ended.
/// Calls come from the thread that runs the work, in order.
/// </summary>
public interface IRunEvents
{
    void Report(RunEvent runEvent);
}

/// <summary>Reports nothing (tests, batch jobs).</summary>
public sealed class NullRunEvents : IRunEvents
{
    public static readonly NullRunEvents Instance = new();
    public void Report(RunEvent runEvent) { }
}

/// <summary>Passes every event to a delegate (tests, adapters).</summary>
public sealed class RunEventRelay(Action<RunEvent> report) : IRunEvents
{
    public void Report(RunEvent runEvent) => report(runEvent);
}
