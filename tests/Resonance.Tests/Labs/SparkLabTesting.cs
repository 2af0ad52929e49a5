using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Tests.Labs;

internal static class SparkLabTesting
{
    /// <summary>A small lab: 32 neurons, 4 sparks, layout on, measures every 5 steps.</summary>
    public static SparkLab Small(JsonObject? extra = null)
    {
        var settings = new JsonObject { ["seed"] = 5, ["sparks.neurons"] = 32, ["sparks.spark_count"] = 4, ["measures.every"] = 5 };
        foreach (var (key, value) in extra ?? []) settings[key] = value?.DeepClone();
        return new SparkLab(settings);
    }

    public static JsonObject Command(string type, params (string Key, JsonNode? Value)[] values)
    {
        var command = new JsonObject { ["type"] = type };
        foreach (var (key, value) in values) command[key] = value;
        return command;
    }

    public static Task<JsonObject> Send(this ILab lab, string type, params (string Key, JsonNode? Value)[] values) => lab.HandleAsync(Command(type, values));

    public static SparkLabFrame.Decoded LatestFrame(this ILab lab) => SparkLabFrame.Decode(lab.Frames.Latest.Frame);
}
