using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;

namespace Resonance.Studio;

/// <summary>
/// The HTTP endpoints of the Runs pages (JSON, the studio's own keys in camelCase):
/// <c>GET /api/runs</c>, <c>GET /api/runs/{name}</c> (and <c>/api/runs/{sweep}/runs/{point}</c>, a sweep's point), <c>POST /api/runs</c> (start), <c>POST /api/runs/{name}/stop</c>,
/// <c>GET /api/experiments</c>, and <c>GET /files/{path}</c> (a file inside the runs folder).
/// </summary>
static class RunsApi
{
    static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    public static void Map(IEndpointRouteBuilder app, StudioServices studio)
    {
        app.MapGet("/api/runs", () => Json(new JsonObject { ["root"] = studio.Files.Root, ["runs"] = studio.Views.List() }));

        app.MapGet("/api/runs/{name}", (string name) => RunDetails(studio, name));

        // a sweep's point: its run folder is SWEEP/runs/POINT
        app.MapGet("/api/runs/{sweep}/runs/{point}", (string sweep, string point) => RunDetails(studio, RunNames.Child(sweep, point)));

        app.MapGet("/api/experiments", () => Json(new JsonObject
        {
            ["experiments"] = new JsonArray(studio.Options.Experiments.All.Select(e => (JsonNode)new JsonObject
            {
                ["name"] = e.Name, ["kind"] = e.Kind, ["source"] = e.Source,
            }).ToArray()),
        }));

        app.MapPost("/api/runs", async (HttpContext context) =>
        {
            var body = await ReadBodyAsync(context, studio.Options.MaxMessageBytes);
            Messages.OnlyKeys(body, "experiment", "set", "seed");
            string experiment = Messages.Text(body, "experiment");
            var overrides = Messages.TextList(body, "set", maxCount: 64, maxLength: 1000);
            foreach (string pair in overrides)
                if (!pair.Contains('=')) throw new BadMessageException($"set: \"{pair}\" is not key=value (e.g. training.epochs=2)");
            long? seed = Messages.Whole(body, "seed", 0, long.MaxValue);
            var (entry, runName) = studio.Options.Experiments.Check(experiment, overrides, seed);
            string folder = studio.Processes.NewRunFolder(studio.Files.Root, runName, DateTime.Now);
            studio.Processes.Start(entry.CliArgument, folder, overrides, seed);
            return Json(new JsonObject { ["name"] = Path.GetFileName(folder), ["experiment"] = entry.Name }, StatusCodes.Status201Created);
        });

        app.MapPost("/api/runs/{name}/stop", (string name) =>
        {
            Resonance.Runs.RunDirectory.CheckName(name);
            if (studio.Processes.Stop(name))
                return Json(new JsonObject { ["name"] = name, ["stopping"] = true }, StatusCodes.Status202Accepted);
            return studio.Processes.Describe(name) is null
                ? Json(Messages.Error($"{name}: not started by this studio, so it cannot be stopped from here (press Ctrl-C where it runs)"), StatusCodes.Status409Conflict)
                : Json(Messages.Error($"{name}: has already ended"), StatusCodes.Status409Conflict);
        });

        app.MapGet("/files/{**path}", (HttpContext context, string path) =>
        {
            // The raw target, not the routing value: what the page sent is what is checked (encoded dots and slashes too).
            string raw = context.Request.Path.Value is { } value && value.StartsWith("/files/", StringComparison.Ordinal) ? value["/files/".Length..] : path;
            string? file = studio.Files.Resolve(raw, out string? reason, out bool missing);
            if (file is null)
                return Json(Messages.Error($"files/{Shorten(raw)}: {reason}; only files inside the runs folder are served"),
                    missing ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
            if (!ContentTypes.TryGetContentType(file, out string? type)) type = "application/octet-stream";
            return Results.File(file, type);
        });
    }

    static IResult RunDetails(StudioServices studio, string name) => studio.Views.Run(name) is { } run
        ? Json(run)
        : Json(Messages.Error($"no run called \"{name}\" in the runs folder"), StatusCodes.Status404NotFound);

    /// <summary>The most of an oversized body that is read and dropped before the 413 goes out, so that a client still
    /// sending it reads the 413 rather than a reset connection; a longer one is refused without reading it.</summary>
    public const int DrainBytes = 1 << 20;

    /// <summary>The request body as one JSON object, at most <paramref name="maxBytes"/> long.</summary>
    /// <remarks>An oversized body (by its Content-Length or as it arrives) is read to its end, up to <see cref="DrainBytes"/>,
    /// before the 413: a client such as <c>fetch</c> or <c>HttpClient</c> sends the whole body before it reads the reply, and a
    /// server that answers and closes while bytes are still coming makes the client's TCP stack see a reset instead of the
    /// reply. Kestrel's own limit (the same <paramref name="maxBytes"/>) is raised to <see cref="DrainBytes"/> for this request
    /// only, so reading the rest does not throw.</remarks>
    /// <exception cref="BadMessageException">Not JSON (415), too large (413), malformed (400).</exception>
    static async Task<JsonObject> ReadBodyAsync(HttpContext context, int maxBytes)
    {
        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new BadMessageException("expected a JSON body (Content-Type: application/json)", StatusCodes.Status415UnsupportedMediaType);
        if (context.Request.ContentLength > DrainBytes) throw TooLarge(maxBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = Math.Max(maxBytes, DrainBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            total += read;
            if (total <= maxBytes) buffer.Write(chunk, 0, read);
            else if (total > DrainBytes) throw TooLarge(maxBytes);   // Kestrel stops it here too
        }
        if (total > maxBytes) throw TooLarge(maxBytes);
        return Messages.ParseObject(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    static BadMessageException TooLarge(int maxBytes) =>
        new($"request body too large: at most {maxBytes:N0} bytes", StatusCodes.Status413PayloadTooLarge);

    public static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(node.ToJsonString(Messages.Json), "application/json; charset=utf-8", statusCode: status);

    static string Shorten(string text) => text.Length > 80 ? text[..80] + "..." : text;

    static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".jsonl"] = "application/x-ndjson";
        provider.Mappings[".yaml"] = "text/plain; charset=utf-8";
        provider.Mappings[".md"] = "text/plain; charset=utf-8";
        provider.Mappings[".csv"] = "text/csv; charset=utf-8";
        return provider;
    }
}
