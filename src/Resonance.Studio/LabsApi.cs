using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Resonance.Studio;

/// <summary>
/// The HTTP endpoint of the labs beside their WebSockets: <c>GET /api/labs/{id}/snapshot.npz</c> downloads a spark lab's
/// state now as a NumPy <c>.npz</c> (taken on the lab's own thread, between steps), and <c>?snapshot=snapshot-3</c> one it
/// keeps. The file is what <c>restore</c> and <c>resonance run --resume</c> read (<c>weights</c> (N, N), <c>activations</c>,
/// <c>memory</c> (N), <c>positions</c> (N, 2), <c>sparks</c> (S), <c>move_stream</c>; <c>config.yaml</c>, <c>state.json</c>)
/// plus the lab's flat settings as <c>settings.json</c>; it comes as an attachment named <c>LAB-step-STEP.npz</c>.
/// </summary>
static class LabsApi
{
    public static void Map(IEndpointRouteBuilder app, LabRegistry labs)
    {
        app.MapGet("/api/labs/{id}/snapshot.npz", async (string id, string? snapshot) =>
        {
            if (labs.Find(id) is not { } lab)
                return RunsApi.Json(Messages.Error($"no open lab \"{Shorten(id)}\"; open the lab's page (its id is in the URL as lab=ID)"), StatusCodes.Status404NotFound);
            if (snapshot is { Length: > 64 }) throw new BadMessageException("snapshot: at most 64 characters (an id such as snapshot-3)");
            (byte[] Npz, long Step)? file;
            try
            {
                file = await lab.Session.SnapshotFileAsync(snapshot);
            }
            catch (Resonance.Labs.LabInputException e) when (e.Field == "id")
            {
                return RunsApi.Json(Messages.Error(e.Message.Replace("id:", "snapshot:")), StatusCodes.Status404NotFound);
            }
            if (file is not { } found)
                return RunsApi.Json(Messages.Error($"lab {lab.Id} ({lab.Kind}) has no snapshots to download; the spark lab has"), StatusCodes.Status404NotFound);
            return Results.File(found.Npz, "application/octet-stream", $"{lab.Id}-step-{found.Step}.npz");
        });
    }

    static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
