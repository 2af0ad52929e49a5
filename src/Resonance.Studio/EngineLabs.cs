using System.Text.Json.Nodes;
using Resonance.Labs;

namespace Resonance.Studio;

/// <summary>The library's live labs (<see cref="LabFactory"/>) as studio sessions.</summary>
public static class EngineLabs
{
    /// <summary>Every lab kind the library has, by name.</summary>
    public static IReadOnlyDictionary<string, LabSessionFactory> All { get; } =
        LabFactory.Kinds.ToDictionary(kind => kind, kind => (LabSessionFactory)(settings => new Session(LabFactory.Create(kind, settings))));

    /// <summary>One lab driven by one page: commands pass through, frames come from the lab's latest-frame slot.</summary>
    sealed class Session(ILab lab) : ILabSession
    {
        public Task<JsonObject> HandleAsync(JsonObject command) => lab.HandleAsync(command);

        public ValueTask<(long Version, byte[] Frame)> NextFrameAsync(long after, CancellationToken cancel) => lab.Frames.NextAsync(after, cancel);

        public async Task<(byte[] Npz, long Step)?> SnapshotFileAsync(string? snapshotId) =>
            lab is SparkLab sparks ? await sparks.DownloadAsync(snapshotId) : null;

        public ValueTask DisposeAsync() => lab.DisposeAsync();
    }
}
