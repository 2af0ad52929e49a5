using Resonance.Benchmarks;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class GtfBenchmarkTests
{
    [Fact]
    public void The_GTF_epoch_is_a_standard_bench_row()
    {
        var row = Assert.Single(BenchmarkSuite.StandardCases(), c => c.Name == "shplrnn-gtf");
        Assert.Equal("lorenz M=3 L=50", row.Shape);
    }
}
