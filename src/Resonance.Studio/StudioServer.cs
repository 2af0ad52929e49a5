using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resonance.Runs;

namespace Resonance.Studio;

/// <summary>The parts of a running studio that its endpoints share.</summary>
sealed class StudioServices(StudioOptions options)
{
    public StudioOptions Options { get; } = options;
    public RunFiles Files { get; } = new(options.Root);
    public RunProcesses Processes { get; private set; } = null!;
    public RunViews Views { get; private set; } = null!;
    public RunListWatcher Watcher { get; private set; } = null!;
    public LabRegistry Labs { get; } = new(options.Labs, options.MaxLabs, options.LabGracePeriod, options.Time);

    public StudioServices Wire()
    {
        Processes = new RunProcesses(Options.CliCommand, () => Watcher?.Invalidate());
        Views = new RunViews(Files.Root, ExperimentKinds.CreateDefault(), Processes);
        Watcher = new RunListWatcher(Views, Options.PollInterval * 2);
        return this;
    }
}

/// <summary>
/// The studio's web server: Kestrel on <see cref="StudioOptions.Host"/> (loopback unless told otherwise), serving the
/// built front end, the runs API, <c>/ws/runs</c> and <c>/ws/labs/{kind}</c>. Every reply to a bad request is a JSON
/// <c>{"error": "one line"}</c>; no stack trace reaches a page.
/// </summary>
public sealed class StudioServer : IAsyncDisposable
{
    static readonly string[] LoopbackNames = ["127.0.0.1", "localhost", "[::1]", "::1"];

    readonly WebApplication app;
    readonly StudioServices studio;
    readonly CancellationTokenSource stopping = new();

    StudioServer(WebApplication app, StudioServices studio, Uri address)
    {
        this.app = app;
        this.studio = studio;
        Address = address;
    }

    /// <summary>The address the studio answers on, e.g. <c>http://127.0.0.1:5170/</c>.</summary>
    public Uri Address { get; private set; }

    /// <summary>The runs folder served (real path).</summary>
    public string Root => studio.Files.Root;

    /// <summary>Runs started from the page.</summary>
    public RunProcesses Processes => studio.Processes;

    /// <summary>The open labs, shared by the pages that join them.</summary>
    public LabRegistry Labs => studio.Labs;

    /// <summary>Starts serving.</summary>
    /// <exception cref="UserInputException">The port is taken or the address cannot be bound; the message names the option.</exception>
    public static async Task<StudioServer> StartAsync(StudioOptions options, CancellationToken cancel = default)
    {
        options.Validate();
        var studio = new StudioServices(options).Wire();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(StudioServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
        });
        var app = builder.Build();
        var server = new StudioServer(app, studio, new Uri("http://127.0.0.1/"));
        server.Configure(options);
        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception e) when (e is IOException or SocketException or Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new UserInputException(e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || e is Microsoft.AspNetCore.Connections.AddressInUseException
                ? $"--port {options.Port}: already in use on {options.Host}; choose another with --port, or --port 0 for any free one."
                : $"--host {options.Host} --port {options.Port}: cannot listen there ({e.Message.Split('\n')[0]}).");
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound);
        string host = options.IsLoopback ? "127.0.0.1" : options.Host;
        server.Address = new Uri($"http://{(host.Contains(':') ? $"[{host}]" : host)}:{uri.Port}/");
        return server;
    }

    void Configure(StudioOptions options)
    {
        var runsSocket = new RunsSocket(studio.Files.Root, studio.Watcher, studio.Processes, options.PollInterval, options.MaxMessageBytes);
        var labSocket = new LabSocket(studio.Labs, options.MaxMessageBytes);

        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
            if (options.IsLoopback && !LoopbackNames.Contains(context.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
            {
                // a page from another site reaching 127.0.0.1 through a DNS name it controls (DNS rebinding)
                await Reply(context, StatusCodes.Status400BadRequest, $"unexpected Host \"{context.Request.Host.Host}\"; open the studio at 127.0.0.1");
                return;
            }
            try
            {
                await next(context);
            }
            catch (BadMessageException e)
            {
                await Reply(context, e.Status, e.Message);
            }
            catch (UserInputException e)
            {
                await Reply(context, StatusCodes.Status400BadRequest, e.Message);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                await Reply(context, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"request body too large: at most {options.MaxMessageBytes:N0} bytes" : e.Message.Split('\n')[0]);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                await Reply(context, StatusCodes.Status500InternalServerError, $"internal error in the studio: {e.Message.Split('\n')[0]}");
            }
        });

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/ws", out var rest))
            {
                await next(context);
                return;
            }
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await Reply(context, StatusCodes.Status400BadRequest, "a WebSocket endpoint: connect with new WebSocket(...)");
                return;
            }
            if (context.Request.Headers.Origin is [{ } origin] && !SameOrigin(origin, context.Request.Host))
            {
                await Reply(context, StatusCodes.Status403Forbidden, $"origin {origin} may not connect; open the studio's own page");
                return;
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
            if (rest.Value is "/runs")
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await runsSocket.ServeAsync(socket, linked.Token);
            }
            else if (rest.Value is { } lab && lab.StartsWith("/labs/", StringComparison.Ordinal) && lab.Length > 6 && lab.Length < 40 && !lab[6..].Contains('/'))
            {
                var query = context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.Select(v => v ?? "").ToArray())).ToList();
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await labSocket.ServeAsync(lab[6..], query, socket, linked.Token);
            }
            else
            {
                await Reply(context, StatusCodes.Status404NotFound, "no such WebSocket endpoint; the endpoints are /ws/runs and /ws/labs/{kind}");
            }
        });

        var web = options.ResolvedWebRoot;
        if (Directory.Exists(web))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(web));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.UseRouting(); // after the static files, which serve only requests no endpoint claimed
        RunsApi.Map(app, studio);
        LabsApi.Map(app, studio.Labs);
        app.MapFallback("{**path}", context => Reply(context, StatusCodes.Status404NotFound, $"{context.Request.Path}: not found"));
    }

    static bool SameOrigin(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);

    static Task Reply(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(Messages.Error(message).ToJsonString(Messages.Json));
    }

    /// <summary>Stops serving: open sockets are closed, runs started from the page are stopped like Ctrl-C (and waited for).</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.StopAsync();
        await studio.Labs.DisposeAsync();
        await studio.Processes.DisposeAsync();
        await app.DisposeAsync();
    }

    /// <summary>The host's lifetime without Ctrl-C handling or console messages: the CLI owns the terminal and decides when to stop.</summary>
    sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
