using Resonance.Cli;
using Resonance.Data;
using Spectre.Console.Testing;

namespace Resonance.Tests.Dynamics;

/// <summary><c>resonance data gen</c>, <c>data systems</c> and <c>data lyapunov</c> through the CLI.</summary>
public class DataGenCommandTests
{
    static (int ExitCode, string[] Lines) Run(params string[] args)
    {
        var console = new TestConsole().Width(2000);
        int exitCode = ResonanceCli.Run(args, console);
        return (exitCode, console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Gen_writes_a_csv_with_a_header_of_variable_names_and_the_requested_steps()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("lorenz.csv");

        var (exitCode, lines) = Run("data", "gen", "lorenz63", "--steps", "50", "--transient", "10", "--out", path);

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"wrote {path}: 50 steps x 3 variables of lorenz63 (sigma=10, rho=28, beta=2.66667, dt 0.01).", lines[^1]);
        string[] rows = File.ReadAllLines(path);
        Assert.Equal("x,y,z", rows[0]);
        Assert.Equal(51, rows.Length);
        Assert.Equal(3, SeriesFile.Read(path).Dimension);
    }

    [Fact]
    public void Gen_writes_float32_npy_and_a_parameter_override_changes_the_series()
    {
        using var folder = new TempFolder();
        string plain = folder.Combine("plain.npy"), changed = folder.Combine("changed.npy");

        Assert.Equal(0, Run("data", "gen", "henon", "--steps", "20", "--out", plain, "--float32").ExitCode);
        Assert.Equal(0, Run("data", "gen", "henon", "--steps", "20", "--out", changed, "--float32", "--param", "a=1.3").ExitCode);

        var array = NpyReader.Read(plain);
        Assert.Equal("<f4", array.Dtype);
        Assert.Equal([20L, 2], array.Shape);
        Assert.NotEqual(SeriesFile.Read(plain).Values[5, 0], SeriesFile.Read(changed).Values[5, 0]);
    }

    [Fact]
    public void Gen_with_the_same_seed_and_noise_writes_the_same_file()
    {
        using var folder = new TempFolder();
        string first = folder.Combine("a.csv"), second = folder.Combine("b.csv"), other = folder.Combine("c.csv");

        Run("data", "gen", "rossler", "--steps", "30", "--transient", "0", "--noise", "0.05", "--seed", "4", "--out", first);
        Run("data", "gen", "rossler", "--steps", "30", "--transient", "0", "--noise", "0.05", "--seed", "4", "--out", second);
        Run("data", "gen", "rossler", "--steps", "30", "--transient", "0", "--noise", "0.05", "--seed", "5", "--out", other);

        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
        Assert.NotEqual(File.ReadAllText(first), File.ReadAllText(other));
    }

    [Fact]
    public void An_unknown_system_exits_2_with_a_near_miss()
    {
        var (exitCode, lines) = Run("data", "gen", "lorenz36");

        Assert.Equal(2, exitCode);
        Assert.Equal("error: unknown system 'lorenz36' (did you mean 'lorenz63'?); run resonance data systems for the list.", Assert.Single(lines));
    }

    [Fact]
    public void An_unknown_parameter_exits_2_naming_the_known_ones()
    {
        var (exitCode, lines) = Run("data", "gen", "lorenz63", "--param", "sigma=12", "--param", "rh0=30");

        Assert.Equal(2, exitCode);
        Assert.Equal("error: --param rh0: lorenz63 has no parameter 'rh0' (did you mean 'rho'?); its parameters are sigma, rho, beta.", Assert.Single(lines));
    }

    [Fact]
    public void A_diverging_integration_exits_1_and_leaves_no_file()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("blowup.csv");

        var (exitCode, lines) = Run("data", "gen", "lorenz63", "--dt", "0.5", "--steps", "100", "--out", path);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: lorenz63: the trajectory left the finite numbers by step", Assert.Single(lines));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Dt_for_a_map_and_an_unknown_extension_exit_2()
    {
        Assert.Equal(2, Run("data", "gen", "henon", "--dt", "0.1").ExitCode);
        Assert.Equal(2, Run("data", "gen", "henon", "--out", "series.txt").ExitCode);
    }

    [Fact]
    public void Systems_lists_every_catalogue_entry_with_its_published_exponent()
    {
        var (exitCode, lines) = Run("data", "systems");

        Assert.Equal(0, exitCode);
        Assert.Contains(lines, line => line.Contains("lorenz63") && line.Contains("0.9056") && line.Contains("Sprott"));
        Assert.Contains(lines, line => line.Contains("sprott-s") && line.Contains("0.1880"));
        Assert.Equal("47 flows and 12 maps; resonance data gen NAME writes a series.", lines[^1]);
    }

    [Fact]
    public void Lyapunov_prints_the_estimate_beside_the_published_value()
    {
        var (exitCode, lines) = Run("data", "lyapunov", "henon", "--scale", "0.5", "--conditions", "2");

        Assert.Equal(0, exitCode);
        Assert.Contains(lines, line => line.Contains("henon") && line.Contains("0.4192"));
        Assert.Equal("1 of 1 within 5% of the published value where one exists (spread: largest minus smallest over the 2 trajectories).", lines[^1]);
    }
}
