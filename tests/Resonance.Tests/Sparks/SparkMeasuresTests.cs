using Resonance.Sparks;
using static TorchSharp.torch;

namespace Resonance.Tests.Sparks;

public class SparkMeasuresTests
{
    [Fact]
    public void Take_gives_the_figures_of_the_dense_definitions()
    {
        // A default-rule run long enough for strong paths; the sparse graph path must give the dense graph's exact
        // edges, communities, modularity and clustering, and the one-pass entropies the separate ones to 1e-6.
        using var simulation = new SparkSimulation(new SparkOptions { Neurons = 96, SparkCount = 6 }, seed: 5);
        simulation.Advance(600);
        var options = new SparkMeasureOptions();
        var measures = SparkMeasures.Take(simulation, options);

        using var adjacency = Emergence.ThresholdGraph(simulation.Weights, options.GraphThreshold);
        var (community, count, modularity) = Emergence.Communities(adjacency);
        Assert.True(measures.GraphEdges > 96, $"only {measures.GraphEdges} edges; the run should have grown paths");
        Assert.Equal((int)(adjacency.sum().item<float>() / 2), measures.GraphEdges);
        Assert.Equal(community, measures.Community);
        Assert.Equal(modularity, measures.Modularity);
        Assert.Equal(community.GroupBy(c => c).Count(g => g.Count() >= 2), measures.CommunityCount);
        Assert.True(count >= measures.CommunityCount);
        Assert.Equal(Emergence.ClusteringByProducts(adjacency), measures.Clustering, 12);
        Assert.Equal(Emergence.NormalizedEntropy(simulation.Weights), measures.WeightEntropy, 1e-6);
        Assert.Equal(Emergence.NormalizedEntropy(simulation.Memory), measures.MemoryEntropy);
        Assert.Equal(Emergence.Evenness(simulation.Positions), measures.Layout);
    }
}
