using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>The measures of emergence of a spark network at one step (see <see cref="Emergence"/> for each).</summary>
/// <param name="Step">The step measured.</param>
/// <param name="Diagonal">Diagonal bias of <c>W</c> against the shuffled baseline.</param>
/// <param name="WeightEntropy">Normalized entropy of all of <c>W</c> (1 = flat, 0 = one edge).</param>
/// <param name="WeightRowEntropy">Mean normalized entropy of <c>W</c>'s rows.</param>
/// <param name="MemoryEntropy">Normalized entropy of the memory field.</param>
/// <param name="GraphEdges">Edges of the thresholded weight graph.</param>
/// <param name="Clustering">Its global clustering coefficient.</param>
/// <param name="Modularity">Modularity of its Louvain communities.</param>
/// <param name="CommunityCount">Number of those communities with at least two neurons.</param>
/// <param name="Community">The community of each neuron, <c>(N)</c> (singletons included).</param>
/// <param name="Layout">How evenly the layout fills its region (1 = uniform random gas).</param>
/// <param name="MeanActivation">Mean activation.</param>
public sealed record SparkMeasures(
    long Step,
    DiagonalBias Diagonal,
    double WeightEntropy,
    double WeightRowEntropy,
    double MemoryEntropy,
    int GraphEdges,
    double Clustering,
    double Modularity,
    int CommunityCount,
    int[] Community,
    LayoutEvenness Layout,
    double MeanActivation)
{
    /// <summary>Takes every measure of a simulation's current state.</summary>
    /// <remarks>The graph measures walk the strong weights as a sparse graph on the host (<see cref="Emergence.StrongGraph"/>);
    /// the entropies of <c>W</c> share one pass (<see cref="Emergence.WeightEntropies"/>). About 7 ms at N = 1,024 on two
    /// cores (docs/sparks.md, cost of the measures).</remarks>
    public static SparkMeasures Take(SparkSimulation simulation, SparkMeasureOptions options)
    {
        using var scope = NewDisposeScope();
        var weights = simulation.Weights;
        var graph = Emergence.StrongGraph(weights, options.GraphThreshold);
        var (community, count, modularity) = Emergence.Communities(graph);
        var sizes = new int[count];
        foreach (int c in community) sizes[c]++;
        var (weightEntropy, rowEntropy) = Emergence.WeightEntropies(weights);
        return new SparkMeasures(
            simulation.Step,
            Emergence.Diagonal(weights, options.DiagonalBand),
            weightEntropy,
            rowEntropy,
            Emergence.NormalizedEntropy(simulation.Memory),
            GraphEdges: graph.EdgeCount,
            Clustering: Emergence.Clustering(graph),
            Modularity: modularity,
            CommunityCount: sizes.Count(size => size >= 2),
            Community: community,
            Layout: Emergence.Evenness(simulation.Positions),
            MeanActivation: simulation.Activations.mean().item<float>());
    }

    /// <summary>The measures read back from a <c>metrics.jsonl</c> line (a resumed run's earlier measurements); the
    /// per-neuron communities and the hull area are not logged, so they come back empty and NaN.</summary>
    public static SparkMeasures FromMetrics(System.Text.Json.Nodes.JsonObject line)
    {
        double Get(string key) => line[key] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue(out double number) ? number : double.NaN;
        return new SparkMeasures(
            (long)Get("step"),
            new DiagonalBias(Get("diagonal_mass_fraction"), Get("diagonal_baseline"), Get("diagonal_bias")),
            Get("weight_entropy"), Get("weight_row_entropy"), Get("memory_entropy"),
            (int)Get("graph_edges"), Get("clustering"), Get("modularity"), (int)Get("communities"), [],
            new LayoutEvenness(Get("layout_nn_ratio"), Get("layout_nn_variation"), double.NaN),
            Get("mean_activation"));
    }

    /// <summary>The measures as flat metric keys (the names in <c>metrics.jsonl</c>), in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ToMetrics() =>
    [
        new("diagonal_bias", Diagonal.Bias),
        new("diagonal_mass_fraction", Diagonal.Fraction),
        new("diagonal_baseline", Diagonal.Baseline),
        new("weight_entropy", WeightEntropy),
        new("weight_row_entropy", WeightRowEntropy),
        new("memory_entropy", MemoryEntropy),
        new("graph_edges", GraphEdges),
        new("clustering", Clustering),
        new("modularity", Modularity),
        new("communities", CommunityCount),
        new("layout_nn_ratio", Layout.NearestNeighbourRatio),
        new("layout_nn_variation", Layout.NearestNeighbourVariation),
        new("mean_activation", MeanActivation),
    ];
}
