using System.Text.Json;
using Resonance.Benchmarks;
using Resonance.Cli;
using Resonance.Models;
using Spectre.Console;
using static TorchSharp.torch;

namespace Resonance.Tests.Benchmarks;

public class BenchmarkSuiteTests
{
    static readonly SequenceBenchmarkShape Tiny = new("tiny", Batch: 4, Steps: 3, Inputs: 2, Hidden: 5, Classes: 3);
    static readonly BenchmarkSettings OneRepeat = new(WarmupSeconds: 0, Repeats: 1, MinRepeatSeconds: 0, CPU, Seed: 0, MatmulSize: 32);

    static BenchmarkReport RunTiny() =>
        BenchmarkSuite.Run(SequenceBenchmark.CasesFor(ModelCatalog.CreateDefault(), [Tiny]), OneRepeat, quick: true);

    [Fact]
    public void Every_registered_model_gets_a_row_with_positive_figures()
    {
        var report = RunTiny();
        Assert.Equal(ModelCatalog.CreateDefault().Entries.Select(e => e.Type), report.Rows.Select(r => r.Name));
        Assert.True(report.MatmulPeakGflopPerS > 0);
        foreach (var row in report.Rows)
        {
            var m = row.Measurement;
            Assert.Null(m.Note);
            Assert.True(m.TrainingSamplesPerS > 0, row.Name);
            Assert.True(m.InferenceSamplesPerS > 0, row.Name);
            Assert.True(m.TrainingGflopPerS > 0, row.Name);
            Assert.True(m.InferenceGflopPerS > 0, row.Name);
            Assert.Single(m.TrainingRepeatSamplesPerS!);
            Assert.Equal("tiny", row.Shape);
            Assert.True(row.WallS > 0);
        }
    }

    [Fact]
    public void GFLOP_per_s_is_two_flops_per_multiply_add_and_three_forward_passes_for_training()
    {
        var m = RunTiny().Rows[0].Measurement;
        Assert.Equal(3 * 2.0 * m.ForwardMultiplyAddsPerSample!.Value * m.TrainingSamplesPerS!.Value / 1e9, m.TrainingGflopPerS!.Value, 9);
        Assert.Equal(2.0 * m.ForwardMultiplyAddsPerSample!.Value * m.InferenceSamplesPerS!.Value / 1e9, m.InferenceGflopPerS!.Value, 9);
    }

    [Fact]
    public void Looped_models_are_compared_with_their_fused_references_and_the_resonator_with_the_looped_lstm()
    {
        var report = RunTiny();
        Assert.Equal([("lstm", "lstm-fused"), ("gru", "gru-fused"), ("resonator", "lstm")], report.Comparisons.Select(c => (c.Numerator, c.Denominator)));
        var lstm = report.Rows.Single(r => r.Name == "lstm").Measurement.TrainingSamplesPerS!.Value;
        var fused = report.Rows.Single(r => r.Name == "lstm-fused").Measurement.TrainingSamplesPerS!.Value;
        Assert.Equal(lstm / fused, report.Comparisons[0].TrainingSamplesPerS!.Value, 9);
    }

    [Fact]
    public void Json_keys_are_snake_case_and_wall_clock_figures_end_in_s_or_per_s()
    {
        using var json = JsonDocument.Parse(BenchmarkSuite.ToJson(RunTiny()));
        var root = json.RootElement;
        Assert.Equal(
            ["comparisons", "device", "logical_cores", "matmul_peak_gflop_per_s", "matmul_size", "process_peak_rss_bytes", "quick", "rows", "threads", "total_s"],
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var row = root.GetProperty("rows")[0];
        Assert.Equal(["measurement", "name", "peak_rss_delta_bytes", "shape", "shape_description", "wall_s"],
            row.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["forward_multiply_adds_per_sample", "inference_gflop_per_s", "inference_repeat_samples_per_s", "inference_samples_per_s",
             "training_batch_s", "training_gflop_per_s", "training_repeat_samples_per_s", "training_samples_per_s"],
            row.GetProperty("measurement").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["denominator", "inference_samples_per_s", "numerator", "shape", "training_samples_per_s"],
            root.GetProperty("comparisons")[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_case_that_refuses_its_options_gives_a_row_with_a_note_instead_of_stopping_the_run()
    {
        var refusing = new BenchmarkCase("broken", "tiny", "none", _ => throw new UserInputException("model.hidden: expected a positive whole number, got 0."));
        var report = BenchmarkSuite.Run([refusing], OneRepeat, quick: true);
        Assert.Equal("model.hidden: expected a positive whole number, got 0.", report.Rows.Single().Measurement.Note);
    }

    [Fact]
    public void The_table_has_a_row_per_case()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 120;
        var report = RunTiny();
        console.Write(BenchCommand.Table(report));
        string text = writer.ToString();
        foreach (var row in report.Rows)
            Assert.Contains(row.Name, text);
        Assert.Contains("train/s", text);
        Assert.Contains("% peak", text);
    }

    [Fact]
    public void Bench_refuses_an_output_folder_that_does_not_exist_with_exit_code_2()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        string missing = Path.Combine(Path.GetTempPath(), "resonance-no-such-folder-" + Guid.NewGuid().ToString("N"), "bench.json");
        Assert.Equal(ResonanceCli.BadInput, ResonanceCli.Run(["bench", "--quick", "--out", missing], console));
        Assert.Contains("--out", writer.ToString());
        Assert.Contains("does not exist", writer.ToString());
    }

    [Fact]
    public void Rows_whose_repeats_spread_by_more_than_the_tolerance_are_called_noisy()
    {
        BenchmarkRow Row(string name, params double[] repeats) => new(name, "tiny", "none",
            new BenchmarkMeasurement { TrainingRepeatSamplesPerS = repeats, InferenceRepeatSamplesPerS = [100, 100, 100] }, null, 1);
        var report = new BenchmarkReport(true, "cpu", 1, 1, 32, 1, [Row("steady", 100, 105, 110), Row("busy", 100, 50, 110)], [], null, 1);
        var noisy = BenchmarkSuite.NoisyRows(report, tolerance: 0.2);
        Assert.Equal("busy", Assert.Single(noisy).Row.Name);
        Assert.Equal(0.6, noisy[0].Spread, 9); // (110 - 50) / 100
    }
}
