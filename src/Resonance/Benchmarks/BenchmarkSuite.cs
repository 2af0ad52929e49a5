using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Resonance.Models;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Benchmarks;

/// <summary>Runs benchmark cases and gathers a <see cref="BenchmarkReport"/>: the engine behind <c>resonance bench</c>. Quiet.</summary>
public static class BenchmarkSuite
{
    /// <summary>The standard shapes, in table order.</summary>
    public static readonly IReadOnlyList<SequenceBenchmarkShape> StandardShapes = [SequenceBenchmarkShape.RowWise, SequenceBenchmarkShape.PixelWise];

    /// <summary>The looped models compared with their fused references.</summary>
    public static readonly IReadOnlyList<(string Looped, string Fused)> StandardComparisons = [("lstm", "lstm-fused"), ("gru", "gru-fused"), ("resonator", "lstm"), ("resonator-leak-gate", "lstm"), (TemporalAveragingBenchmark.TemporalName, TemporalAveragingBenchmark.MlpName)];

    /// <summary>The default cases: every model of <see cref="ModelCatalog.CreateDefault"/> at every standard shape.
    /// Other parts append their own cases to this list.</summary>
    public static List<BenchmarkCase> StandardCases() =>
        [
            .. SequenceBenchmark.CasesFor(ModelCatalog.CreateDefault(), StandardShapes),
            .. LeakGatedResonatorCases(),
            .. TemporalAveragingBenchmark.Cases(),
            Sparks.SparkBenchmark.Case(),
            Labs.SparkLabBenchmark.Case(),
            Attractors.AttractorBenchmark.Case(),
            Analysis.FixedPointBenchmark.Case(),
            Reconstruction.GtfBenchmark.Case(),
            Dynamics.IntegratorBenchmark.Case(),
            Reconstruction.EchoStateBenchmark.Case(),
            Reconstruction.EchoStateBenchmark.TutorialCase(),
        ];

    /// <summary>The resonator as the experiment files run it (input-driven leak, <c>leak_gate: true</c>), at every standard shape.</summary>
    static IEnumerable<BenchmarkCase> LeakGatedResonatorCases() =>
        StandardShapes.Select(shape => SequenceBenchmark.Case("resonator-leak-gate", shape,
            (modelShape, seed) => new EmergentResonator(new EmergentResonatorOptions { LeakGate = true, InitialLeak = 0.8, Slope = 2 }, modelShape, seed)));

    /// <summary>Measures the matrix-product peak, then runs each case in order with per-row memory figures.</summary>
    /// <param name="cases">The rows to run.</param>
    /// <param name="settings">Warm-up and repeats.</param>
    /// <param name="quick">Recorded in the report (whether <paramref name="settings"/> are the quick ones).</param>
    /// <param name="progress">Told when each case starts and ends; called on this thread.</param>
    public static BenchmarkReport Run(IReadOnlyList<BenchmarkCase> cases, BenchmarkSettings settings, bool quick, IProgress<BenchmarkProgress>? progress = null)
    {
        var total = Stopwatch.StartNew();
        long? processPeak = ProcessMemory.PeakResidentBytes();
        double peak = MeasureMatmulGflopPerS(settings);
        var rows = new List<BenchmarkRow>();
        for (int index = 0; index < cases.Count; index++)
        {
            var benchmark = cases[index];
            progress?.Report(new BenchmarkProgress(index, cases.Count, benchmark.Name, benchmark.Shape, null));
            bool resetWorked = ProcessMemory.ResetPeak();
            long? before = ProcessMemory.ResidentBytes();
            var clock = Stopwatch.StartNew();
            BenchmarkMeasurement measurement;
            try
            {
                measurement = benchmark.Run(settings);
            }
            catch (UserInputException e)
            {
                measurement = new BenchmarkMeasurement { Note = e.Message };
            }
            double wall = clock.Elapsed.TotalSeconds;
            long? after = ProcessMemory.PeakResidentBytes();
            if (after is long a) processPeak = Math.Max(processPeak ?? 0, a);
            long? delta = resetWorked && before is long b && after is long p ? Math.Max(0, p - b) : null;
            var row = new BenchmarkRow(benchmark.Name, benchmark.Shape, benchmark.ShapeDescription, measurement, delta, wall);
            rows.Add(row);
            progress?.Report(new BenchmarkProgress(index, cases.Count, benchmark.Name, benchmark.Shape, row));
        }
        return new BenchmarkReport(
            Quick: quick,
            Device: settings.Device.type.ToString().ToLowerInvariant(),
            Threads: get_num_threads(),
            LogicalCores: Environment.ProcessorCount,
            MatmulSize: settings.MatmulSize,
            MatmulPeakGflopPerS: peak,
            Rows: rows,
            Comparisons: Compare(rows, StandardComparisons),
            ProcessPeakRssBytes: processPeak,
            TotalS: total.Elapsed.TotalSeconds);
    }

    /// <summary>fp32 GFLOP/s of a square matrix product (<c>2 n³</c> FLOPs, <c>n</c> = <see cref="BenchmarkSettings.MatmulSize"/>), median of the settings' repeats.</summary>
    public static double MeasureMatmulGflopPerS(BenchmarkSettings settings)
    {
        int size = settings.MatmulSize;
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(RandomStreams.Derive(settings.Seed, "bench.matmul"));
        Tensor left = randn([size, size], generator: generator).to(settings.Device);
        Tensor right = randn([size, size], generator: generator).to(settings.Device);
        double seconds = SequenceBenchmark.TimeBatches(() =>
        {
            using var step = NewDisposeScope();
            left.mm(right);
            SequenceBenchmark.Synchronize(settings.Device);
        }, settings).MedianS;
        return 2.0 * size * size * size / seconds / 1e9;
    }

    /// <summary>Ratios of rows' rates, for each pair and shape where both rows exist.</summary>
    public static IReadOnlyList<BenchmarkComparison> Compare(IReadOnlyList<BenchmarkRow> rows, IEnumerable<(string Numerator, string Denominator)> pairs)
    {
        var comparisons = new List<BenchmarkComparison>();
        foreach (var shape in rows.Select(row => row.Shape).Distinct())
            foreach (var (numerator, denominator) in pairs)
            {
                var top = rows.FirstOrDefault(row => row.Shape == shape && row.Name == numerator)?.Measurement;
                var bottom = rows.FirstOrDefault(row => row.Shape == shape && row.Name == denominator)?.Measurement;
                if (top is null || bottom is null) continue;
                comparisons.Add(new BenchmarkComparison(shape, numerator, denominator,
                    Ratio(top.TrainingSamplesPerS, bottom.TrainingSamplesPerS),
                    Ratio(top.InferenceSamplesPerS, bottom.InferenceSamplesPerS)));
            }
        return comparisons;
    }

    /// <summary>Rows whose repeats disagree: the largest relative spread <c>(max - min) / median</c> of their training or
    /// inference repeats exceeds <paramref name="tolerance"/> (a busy machine, usually).</summary>
    public static IReadOnlyList<(BenchmarkRow Row, double Spread)> NoisyRows(BenchmarkReport report, double tolerance = 0.2)
    {
        var noisy = new List<(BenchmarkRow, double)>();
        foreach (var row in report.Rows)
        {
            double spread = Math.Max(Spread(row.Measurement.TrainingRepeatSamplesPerS), Spread(row.Measurement.InferenceRepeatSamplesPerS));
            if (spread > tolerance) noisy.Add((row, spread));
        }
        return noisy;
    }

    static double Spread(IReadOnlyList<double>? repeats) =>
        repeats is { Count: > 1 } ? (repeats.Max() - repeats.Min()) / SequenceBenchmark.Median([.. repeats]) : 0;

    static double? Ratio(double? top, double? bottom) => top is double t && bottom is double b && b > 0 ? t / b : null;

    /// <summary>The report as bench.json: snake_case keys (wall-clock figures end in <c>_s</c> or <c>_per_s</c>), nulls omitted.</summary>
    public static string ToJson(BenchmarkReport report) => JsonSerializer.Serialize(report, JsonOptions);

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}
