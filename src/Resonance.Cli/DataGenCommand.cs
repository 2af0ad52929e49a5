using System.CommandLine;
using System.Globalization;
using Resonance.Data;
using Resonance.Dynamics;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance data gen SYSTEM ...</c>, <c>resonance data systems</c> and <c>resonance data lyapunov [SYSTEM]...</c>: the chaotic-systems catalogue from the command line.</summary>
internal static class DataGenCommand
{
    public static Command CreateGen(IAnsiConsole console)
    {
        var gen = new Command("gen", "Integrate a catalogued chaotic system and write its series as CSV or .npy (T rows, D columns).");
        var system = new Argument<string>("system") { Description = "System name (resonance data systems lists them), e.g. lorenz63." };
        var steps = new Option<int>("--steps") { Description = "Recorded steps T.", DefaultValueFactory = _ => 10_000, HelpName = "N" };
        var dt = new Option<double?>("--dt") { Description = "RK4 step of a flow (default: the system's).", HelpName = "DT" };
        var noise = new Option<double>("--noise") { Description = "Gaussian observation noise, in standard deviations of each variable (0.05 = 5%).", HelpName = "SIGMA" };
        var seed = new Option<long>("--seed") { Description = "Seed of the noise.", HelpName = "S" };
        var parameters = new Option<string[]>("--param") { Description = "Override a parameter, e.g. --param sigma=12 (repeatable).", HelpName = "k=v", AllowMultipleArgumentsPerToken = false };
        var transient = new Option<int?>("--transient") { Description = "Steps run and discarded first (default: the system's).", HelpName = "N" };
        var output = new Option<string?>("--out") { Description = "Output file, .csv or .npy (default: SYSTEM.csv).", HelpName = "FILE" };
        var float32 = new Option<bool>("--float32") { Description = "Write .npy as float32 (default float64)." };
        gen.Arguments.Add(system);
        foreach (var option in new Option[] { steps, dt, noise, seed, parameters, transient, output, float32 }) gen.Options.Add(option);
        gen.SetAction(parse =>
        {
            var entry = SystemCatalog.Get(parse.GetValue(system)!);
            string path = Path.GetFullPath(parse.GetValue(output) ?? entry.Name + ".csv");
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".csv" or ".npy"))
                throw new UserInputException($"--out {path}: expected a file ending in .csv or .npy.");
            var options = new SimulationOptions
            {
                Steps = parse.GetValue(steps), TimeStep = parse.GetValue(dt), Noise = parse.GetValue(noise), Seed = parse.GetValue(seed),
                TransientSteps = parse.GetValue(transient), Parameters = ParseParameters(parse.GetValue(parameters) ?? []),
            };
            double[,] values;
            try { values = SystemSimulation.Generate(entry, options); }
            catch (DivergenceException e)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)} Nothing was written.");
                return ResonanceCli.RunFailed;
            }
            var series = new Series(entry.Variables, values);
            if (extension == ".npy") SeriesFile.WriteNpy(path, series, parse.GetValue(float32));
            else SeriesFile.WriteCsv(path, series);
            string step = entry.Kind == SystemKind.Flow ? $", dt {(options.TimeStep ?? entry.TimeStep).ToString("G", CultureInfo.InvariantCulture)}" : "";
            console.MarkupLine($"[green]wrote[/] {Markup.Escape(path)}: {series.Length:N0} steps x {series.Dimension} variables of {entry.Name} " +
                $"({Markup.Escape(entry.ParameterText(entry.ResolveParameters(options.Parameters)))}{step}" +
                (options.Noise > 0 ? $", noise {options.Noise.ToString("G", CultureInfo.InvariantCulture)}" : "") + ").");
            return ResonanceCli.Success;
        });
        return gen;
    }

    public static Command CreateSystems(IAnsiConsole console)
    {
        var systems = new Command("systems", "List the chaotic-systems catalogue: name, kind, dimension, step and published largest Lyapunov exponent.");
        systems.SetAction(parse =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn("kind").AddColumn(new TableColumn("dim").RightAligned())
                .AddColumn(new TableColumn("dt").RightAligned()).AddColumn(new TableColumn("published λmax").RightAligned()).AddColumn("source");
            foreach (var entry in SystemCatalog.All)
                table.AddRow(entry.Name, entry.Kind.ToString().ToLowerInvariant(), entry.Dimension.ToString(CultureInfo.InvariantCulture),
                    entry.Kind == SystemKind.Flow ? entry.TimeStep.ToString("G", CultureInfo.InvariantCulture) : "-",
                    entry.PublishedLargestExponent?.ToString("F4", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(entry.Source ?? "-"));
            console.Write(table);
            console.MarkupLine($"{SystemCatalog.All.Count(s => s.Kind == SystemKind.Flow)} flows and {SystemCatalog.All.Count(s => s.Kind == SystemKind.Map)} maps; " +
                "[bold]resonance data gen NAME[/] writes a series.");
            return ResonanceCli.Success;
        });
        return systems;
    }

    public static Command CreateLyapunov(IAnsiConsole console)
    {
        var lyapunov = new Command("lyapunov", "Estimate the largest Lyapunov exponents of catalogued systems (QR method, float64) beside the published values.");
        var names = new Argument<string[]>("systems") { Description = "System names (default: every system with a published exponent).", Arity = ArgumentArity.ZeroOrMore };
        var scale = new Option<double>("--scale") { Description = "Multiply each system's recorded steps by this (longer runs, tighter estimates).", DefaultValueFactory = _ => 1, HelpName = "X" };
        var conditions = new Option<int>("--conditions") { Description = "Trajectories averaged per system.", DefaultValueFactory = _ => 4, HelpName = "B" };
        var seed = new Option<long>("--seed") { Description = "Seed of the starts and the basis.", HelpName = "S" };
        lyapunov.Arguments.Add(names);
        lyapunov.Options.Add(scale);
        lyapunov.Options.Add(conditions);
        lyapunov.Options.Add(seed);
        lyapunov.SetAction(parse =>
        {
            string[] given = parse.GetValue(names) ?? [];
            var entries = given.Length > 0 ? [.. given.Select(SystemCatalog.Get)] : SystemCatalog.All.Where(s => s.PublishedLargestExponent is not null).ToList();
            double factor = parse.GetValue(scale);
            if (!(factor > 0 && factor <= 1000)) throw new UserInputException($"--scale: expected a number in (0, 1000], got {factor.ToString(CultureInfo.InvariantCulture)}.");
            int count = parse.GetValue(conditions);
            if (count < 1 || count > 1024) throw new UserInputException($"--conditions: expected a whole number in [1, 1024], got {count}.");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("system").AddColumn(new TableColumn("steps").RightAligned())
                .AddColumn(new TableColumn("λmax").RightAligned()).AddColumn(new TableColumn("spread").RightAligned())
                .AddColumn(new TableColumn("published").RightAligned()).AddColumn(new TableColumn("difference").RightAligned());
            int missed = 0;
            foreach (var entry in entries)
            {
                int steps = Math.Max(100, (int)Math.Round(entry.LyapunovSteps * factor));
                var result = SystemLyapunov.Compute(entry, new SystemLyapunovOptions { Conditions = count, Steps = steps, Exponents = 1, Seed = parse.GetValue(seed) });
                double[] each = [.. result.PerInitialCondition.Select(row => row[0])];
                double spread = each.Length > 1 ? each.Max() - each.Min() : 0;
                string difference = "-";
                if (entry.PublishedLargestExponent is double published)
                {
                    double relative = Math.Round(result.Exponents[0] / published - 1, 3);
                    if (Math.Abs(relative) > 0.05) missed++;
                    difference = (Math.Abs(relative) > 0.05 ? "[yellow]" : "") + relative.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) + (Math.Abs(relative) > 0.05 ? "[/]" : "");
                }
                table.AddRow(entry.Name, steps.ToString("N0", CultureInfo.InvariantCulture), result.Exponents[0].ToString("F4", CultureInfo.InvariantCulture),
                    spread.ToString("F4", CultureInfo.InvariantCulture), entry.PublishedLargestExponent?.ToString("F4", CultureInfo.InvariantCulture) ?? "-", difference);
            }
            console.Write(table);
            console.MarkupLine($"{entries.Count - missed} of {entries.Count} within 5% of the published value where one exists (spread: largest minus smallest over the {count} trajectories).");
            return ResonanceCli.Success;
        });
        return lyapunov;
    }

    /// <summary><c>k=v</c> pairs into a dictionary.</summary>
    /// <exception cref="UserInputException">A pair without '=' or with a value that is not a number.</exception>
    static Dictionary<string, double> ParseParameters(string[] pairs)
    {
        var values = new Dictionary<string, double>();
        foreach (string pair in pairs)
        {
            int split = pair.IndexOf('=');
            if (split <= 0)
                throw new UserInputException($"--param {pair}: expected name=value, e.g. --param sigma=12.");
            string text = pair[(split + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new UserInputException($"--param {pair}: '{text}' is not a number; write e.g. --param sigma=12.");
            values[pair[..split].Trim()] = value;
        }
        return values;
    }
}
