using System.Net;

namespace Resonance.Studio;

/// <summary>How <c>resonance studio</c> serves: where, which runs folder, which experiments it may start and with what.</summary>
/// <param name="Root">The runs folder: every run directly under it is listed, and only files inside it are served.</param>
/// <param name="Host">The address to bind; loopback (<c>127.0.0.1</c>) unless the user says otherwise.</param>
/// <param name="Port">TCP port, 0 for any free one.</param>
/// <param name="Experiments">What the page may start (built-in names and files under the project's <c>experiments/</c>).</param>
/// <param name="CliCommand">How to start the CLI as a child process: the executable and its leading arguments
/// (<c>[resonance]</c>, or <c>[dotnet, resonance.dll]</c>); <c>run ...</c> follows.</param>
/// <param name="WebRoot">The built front end (<c>wwwroot</c> next to the assembly by default).</param>
public sealed record StudioOptions(string Root, string Host, int Port, ExperimentCatalog Experiments, IReadOnlyList<string> CliCommand, string? WebRoot = null)
{
    /// <summary>The default port (<c>resonance studio</c> with no <c>--port</c>).</summary>
    public const int DefaultPort = 5170;

    /// <summary>The largest request body or WebSocket message accepted from a page, in bytes.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>How often followed metrics files and the run list are looked at.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Lab sessions by kind (<c>sparks</c>, <c>attractor</c>); by default every lab of the library (<see cref="EngineLabs.All"/>).</summary>
    public IReadOnlyDictionary<string, LabSessionFactory> Labs { get; init; } = EngineLabs.All;

    /// <summary>Most labs open at once (all kinds together); a page asking for one more is refused when every lab has a page.</summary>
    public int MaxLabs { get; init; } = 4;

    /// <summary>How long a lab lives on after its last page closed (a reload or another tab joins it again in time).</summary>
    public TimeSpan LabGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of the grace periods (a fake one in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The folder of the built front end.</summary>
    public string ResolvedWebRoot => WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Whether <see cref="Host"/> is a loopback address (anything else deserves a warning).</summary>
    public bool IsLoopback => Host is "localhost" || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Checks every field once, at the edge.</summary>
    /// <exception cref="UserInputException">A field is out of range; the message names the option and the fix.</exception>
    public StudioOptions Validate()
    {
        if (Port is < 0 or > 65535)
            throw new UserInputException($"--port {Port}: expected a TCP port from 1 to 65535, or 0 for any free one.");
        if (string.IsNullOrWhiteSpace(Host) || (Host != "localhost" && !IPAddress.TryParse(Host, out _)))
            throw new UserInputException($"--host {Host}: expected an IP address such as 127.0.0.1 (or 0.0.0.0 for every interface).");
        if (string.IsNullOrWhiteSpace(Root) || Root.Contains('\0'))
            throw new UserInputException("--root: expected the folder that holds run directories, e.g. runs.");
        if (File.Exists(Root))
            throw new UserInputException($"--root {Root}: a file, not a folder; give the folder that holds your run directories.");
        if (CliCommand.Count == 0)
            throw new ArgumentException("the command that starts the CLI is empty", nameof(CliCommand));
        if (MaxLabs < 1)
            throw new ArgumentException("a studio needs room for at least one lab", nameof(MaxLabs));
        if (LabGracePeriod < TimeSpan.Zero)
            throw new ArgumentException("a grace period cannot be negative", nameof(LabGracePeriod));
        if (MaxMessageBytes < 1024)
            throw new ArgumentException("messages below 1 KiB cannot carry a request", nameof(MaxMessageBytes));
        return this;
    }
}
