using System.IO.Compression;
using System.Text.Json;

namespace Resonance.Labs;

public sealed partial class SparkLab
{
    /// <summary>
    /// A snapshot as a file to download: the state now (taken on the lab thread between steps, not kept; <paramref name="id"/>
    /// null) or a kept snapshot, as the <c>.npz</c> that <c>restore</c> and <c>resonance run --resume</c> read, with the lab's
    /// flat settings at the download (<c>frame.*</c> included) beside its arrays as <c>settings.json</c> (a kept snapshot's
    /// own experiment is its <c>config.yaml</c>). Arrays: <c>weights</c> (N, N), <c>activations</c> (N),
    /// <c>memory</c> (N), <c>positions</c> (N, 2), <c>sparks</c> (S), <c>move_stream</c> (the generator's bytes); texts:
    /// <c>config.yaml</c>, <c>state.json</c>, <c>settings.json</c>.
    /// </summary>
    /// <exception cref="LabInputException">No kept snapshot <paramref name="id"/>, or the lab was stopped.</exception>
    public async Task<(byte[] Npz, long Step)> DownloadAsync(string? id = null)
    {
        const string type = "download";
        if (stopped) throw new LabInputException(null, $"{type}: the lab was stopped; start a new one.");
        (byte[] Bytes, long Step) taken;
        if (id is null)
        {
            try { taken = await thread.InvokeAsync(() => WhileLive(type, SnapshotNow)).ConfigureAwait(false); }
            catch (ObjectDisposedException) { throw new LabInputException(null, $"{type}: the lab was stopped; start a new one."); }
        }
        else
        {
            lock (snapshotGate)
            {
                var kept = snapshots.FirstOrDefault(s => s.Id == id);
                if (kept.Bytes is null)
                    throw new LabInputException("id", $"id: no kept snapshot \"{LabCommand.Printable(id)}\"; the lab keeps the latest {KeptSnapshots}; take one with the snapshot command.");
                taken = (kept.Bytes, kept.Step);
            }
        }
        using var buffer = new MemoryStream();
        buffer.Write(taken.Bytes);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        using (var entry = zip.CreateEntry("settings.json", CompressionLevel.Fastest).Open())
            JsonSerializer.Serialize(entry, settings.ToJson());
        return (buffer.ToArray(), taken.Step);
    }
}
