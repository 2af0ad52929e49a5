using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Resonance.Labs;

public sealed class AttractorLab : ILab
{
    public const string KindName = "attractor";
    public AttractorLab(JsonObject? settings = null, Device? device = null) => throw new NotImplementedException();
    public string Kind => KindName;
    public LabFrameFeed Frames { get; } = new();
    public JsonObject Settings => [];
    public Task<JsonObject> HandleAsync(JsonObject command, CancellationToken cancel = default) => throw new NotImplementedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
