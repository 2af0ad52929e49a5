using Resonance.Benchmarks;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Tests.Experiments;
using static TorchSharp.torch;

namespace Resonance.Tests.Benchmarks;

public class TemporalAveragingBenchmarkTests
{
    static object ModelOptionsOf(string file) => Experiment.From(
        ConfigDocument.Load(Path.Combine(ExperimentConfigTests.RepositoryRoot(), "experiments", file)), ModelCatalog.CreateDefault(), "probe").ModelOptions;

    [Fact]
    public void The_rows_build_the_models_of_the_experiment_files()
    {
        Assert.Equal(TemporalAveragingBenchmark.Temporal, ModelOptionsOf("temporal-mnist.yaml"));
        Assert.Equal(TemporalAveragingBenchmark.SameSizeMlp, ModelOptionsOf("mlp-mnist.yaml"));
    }

    [Fact]
    public void The_temporal_averaging_row_is_compared_with_the_same_size_mlp()
    {
        var settings = new BenchmarkSettings(WarmupSeconds: 0, Repeats: 1, MinRepeatSeconds: 0, CPU, Seed: 0, MatmulSize: 32);

        var report = BenchmarkSuite.Run([.. TemporalAveragingBenchmark.Cases()], settings, quick: true);

        Assert.Equal([TemporalAveragingBenchmark.TemporalName, TemporalAveragingBenchmark.MlpName], report.Rows.Select(row => row.Name));
        Assert.All(report.Rows, row => Assert.True(row.Measurement.TrainingSamplesPerS > 0, row.Name));
        var comparison = Assert.Single(report.Comparisons);
        Assert.Equal((TemporalAveragingBenchmark.TemporalName, TemporalAveragingBenchmark.MlpName), (comparison.Numerator, comparison.Denominator));
        Assert.Contains(BenchmarkSuite.StandardCases(), c => c.Name == TemporalAveragingBenchmark.TemporalName);
    }
}
