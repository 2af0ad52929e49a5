using System.Net;
using System.Net.Sockets;
using Resonance.Cli;
using Spectre.Console.Testing;

namespace Resonance.Studio.Tests;

/// <summary><c>resonance studio</c>: mistakes in its options are one line and exit code 2.</summary>
public sealed class StudioCommandTests
{
    [Fact]
    public void A_port_in_use_is_one_line_and_exit_2()
    {
        using var runs = new TestRuns();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = 300;
        Assert.Equal(2, ResonanceCli.Run(["studio", "--port", $"{port}", "--root", runs.Root], console));
        Assert.Equal($"error: --port {port}: already in use on 127.0.0.1; choose another with --port, or --port 0 for any free one.", console.Output.Trim());
    }

    [Theory]
    [InlineData("--port", "70000", "--port 70000: expected a TCP port from 1 to 65535, or 0 for any free one.")]
    [InlineData("--host", "example.org", "--host example.org: expected an IP address such as 127.0.0.1")]
    public void A_bad_option_is_one_line_and_exit_2(string option, string value, string expected)
    {
        using var runs = new TestRuns();
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = 300;
        Assert.Equal(2, ResonanceCli.Run(["studio", option, value, "--root", runs.Root], console));
        Assert.StartsWith("error: " + expected, console.Output.Trim());
    }
}
