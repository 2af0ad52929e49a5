using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>A live lab: all its tensor work runs on one dedicated thread it owns (<see cref="LabThread"/>); any thread may call it.</summary>
/// <remarks>The command sets, settings keys and frame formats are in docs/studio.md ("Spark lab protocol", "Attractor lab protocol").</remarks>
public interface ILab : IAsyncDisposable
{
    /// <summary><c>sparks</c> or <c>attractor</c>.</summary>
    string Kind { get; }

    /// <summary>Handles one command from a page, <c>{"type": "...", ...}</c>, and returns the reply object (it always has <c>state</c>).</summary>
    /// <exception cref="LabInputException">A bad command: unknown <c>type</c> or key, wrong JSON type, a number not finite or out
    /// of range, or an action the lab's state forbids. Bad input never throws anything else.</exception>
    Task<JsonObject> HandleAsync(JsonObject command, CancellationToken cancel = default);

    /// <summary>The latest-frame slot (never a queue): readers get the newest frame; those they were too slow for are dropped.</summary>
    LabFrameFeed Frames { get; }

    /// <summary>The lab's settings as flat <c>key -&gt; value</c> (what the page puts in its URL and shows in its editor).</summary>
    JsonObject Settings { get; }
}

/// <summary>Makes labs by kind.</summary>
public static class LabFactory
{
    /// <summary>The lab kinds, in the order a page lists them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [SparkLab.KindName, AttractorLab.KindName];

    /// <summary>A new lab of <paramref name="kind"/> with <paramref name="settings"/> (flat keys; missing keys keep their defaults), paused.</summary>
    /// <exception cref="LabInputException">An unknown kind, or a bad setting (its key is the field).</exception>
    public static ILab Create(string kind, JsonObject? settings, Device? device = null) => kind switch
    {
        SparkLab.KindName => new SparkLab(settings, device),
        AttractorLab.KindName => new AttractorLab(settings, device),
        _ => throw new LabInputException("kind", $"kind: unknown lab \"{LabCommand.Printable(kind)}\"; expected one of {string.Join(", ", Kinds)}."),
    };
}
