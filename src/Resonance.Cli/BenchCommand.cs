using System.CommandLine;
using System.Globalization;
using Resonance.Benchmarks;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance bench [--quick] [--only NAME]... [--out FILE]</c>: training and inference speed of every registered model at the standard shapes.</summary>
internal static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("bench",
            "Time every registered model at the standard shapes (row-wise and pixel-wise MNIST): training and inference samples/s, " +
            "GFLOP/s against a measured matmul peak, peak memory; writes bench.json.");
        var quick = new Option<bool>("--quick") { Description = "Fewer, shorter repeats at the same shapes: about two minutes on 2 idle cores." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the JSON report (default: bench.json in the current folder).", HelpName = "FILE" };
        var only = new Option<string[]>("--only") { Description = "Run only the rows of these cases (e.g. --only resonator --only lstm); default: all.", HelpName = "NAME" };
        command.Options.Add(quick);
        command.Options.Add(output);
        command.Options.Add(only);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "bench.json");
            RefuseUnwritable(path);
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            bool isQuick = parse.GetValue(quick);

            var settings = isQuick ? BenchmarkSettings.Quick(device) : BenchmarkSettings.Full(device);
            List<BenchmarkCase> cases = [.. BenchmarkSuite.StandardCases(), Studio.StudioFramesBenchmark.Case()];
            if (parse.GetValue(only) is { Length: > 0 } names)
            {
                var unknown = names.Where(name => cases.All(c => c.Name != name)).ToList();
                if (unknown.Count > 0)
                    throw new UserInputException($"--only {string.Join(", ", unknown)}: no such case; cases are {string.Join(", ", cases.Select(c => c.Name).Distinct())}.");
                cases = [.. cases.Where(c => names.Contains(c.Name))];
            }
            console.MarkupLine($"[bold]resonance bench[/]{(isQuick ? " --quick" : "")}: {cases.Count} rows, {settings.Repeats} repeats each (median), device {Markup.Escape(device.type.ToString().ToLowerInvariant())}, {TorchSharp.torch.get_num_threads()} threads");
            var report = BenchmarkSuite.Run(cases, settings, isQuick, new ConsoleProgress(console));

            console.Write(Table(report));
            console.MarkupLine($"samples/s: median of {settings.Repeats} repeats. GFLOP/s: training, 2 FLOPs per multiply-add of the forward pass, 3 passes a step; " +
                $"% peak: of the {report.MatmulSize}x{report.MatmulSize} fp32 matmul, [bold]{report.MatmulPeakGflopPerS:F1}[/] GFLOP/s here.");
            foreach (var comparison in report.Comparisons)
                console.MarkupLine($"{Markup.Escape(comparison.Numerator)} / {Markup.Escape(comparison.Denominator)} ({Markup.Escape(comparison.Shape)}): " +
                    $"training [bold]{Format(comparison.TrainingSamplesPerS, "F2")}x[/], inference {Format(comparison.InferenceSamplesPerS, "F2")}x");
            var noisy = BenchmarkSuite.NoisyRows(report);
            if (noisy.Count > 0)
                console.MarkupLine("[yellow]noisy:[/] repeats differ by more than 20% in " +
                    string.Join(", ", noisy.Select(n => $"{Markup.Escape(n.Row.Name)} {Markup.Escape(n.Row.Shape)} ({n.Spread * 100:F0}%)")) +
                    "; the machine was busy, so run again for firm figures (each repeat is in bench.json).");
            console.MarkupLine("mem: peak resident-set growth while the row ran, above its start (Linux VmHWM, reset per row).");

            try
            {
                File.WriteAllText(path, BenchmarkSuite.ToJson(report) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"--out {path}: cannot write the report ({e.Message}).");
            }
            console.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/] ({report.TotalS:F0} s)");
            return ResonanceCli.Success;
        });
        return command;
    }

    /// <summary>Refuses a report path that cannot be written, before the benchmark runs for minutes: a folder, a path under a
    /// missing folder or a file, a read-only file or folder. A file that did not exist is not left behind.</summary>
    static void RefuseUnwritable(string path)
    {
        if (Directory.Exists(path))
            throw new UserInputException($"--out {path}: a folder; give a file path, e.g. --out {Path.Combine(path, "bench.json")}");
        string? folder = Path.GetDirectoryName(path);
        if (folder is { Length: > 0 } && !Directory.Exists(folder))
            throw new UserInputException($"--out {path}: the folder {folder} does not exist; create it or choose another path.");
        bool existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
            if (!existed) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--out {path}: cannot write the report there ({e.Message}); choose another path.");
        }
    }

    internal static Table Table(BenchmarkReport report)
    {
        // Fits 80 columns; inference GFLOP/s, per-repeat rates and wall time are in bench.json.
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("model").AddColumn("shape")
            .AddColumn(new TableColumn("train/s").RightAligned())
            .AddColumn(new TableColumn("infer/s").RightAligned())
            .AddColumn(new TableColumn("GFLOP/s").RightAligned())
            .AddColumn(new TableColumn("% peak").RightAligned())
            .AddColumn(new TableColumn("mem MiB").RightAligned());
        foreach (var row in report.Rows)
        {
            var m = row.Measurement;
            table.AddRow(
                Markup.Escape(row.Name),
                Markup.Escape(row.Shape),
                Format(m.TrainingSamplesPerS, "N0"),
                Format(m.InferenceSamplesPerS, "N0"),
                Format(m.TrainingGflopPerS, "F1"),
                Format(m.TrainingGflopPerS / report.MatmulPeakGflopPerS * 100, "F0"),
                Format(row.PeakRssDeltaBytes / (1024.0 * 1024.0), "F0"));
            if (m.Note is { Length: > 0 } note)
                table.AddRow(new Markup(""), new Markup($"[yellow]{Markup.Escape(note)}[/]"));
        }
        return table;
    }

    static string Format(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>Writes one line as each row finishes (synchronously, on the benchmark's thread).</summary>
    sealed class ConsoleProgress(IAnsiConsole console) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value)
        {
            if (value.Row is not { } row) return;
            console.MarkupLine($"  [grey][[{value.Index + 1}/{value.Count}]][/] {Markup.Escape(row.Name)} {Markup.Escape(row.Shape)}: " +
                $"train {Format(row.Measurement.TrainingSamplesPerS, "N0")}/s, infer {Format(row.Measurement.InferenceSamplesPerS, "N0")}/s ({row.WallS:F1} s)");
        }
    }
}
