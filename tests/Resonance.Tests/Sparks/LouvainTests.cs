using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

public class LouvainTests
{
    static (int, int)[] Clique(int first, int size) =>
        [.. from i in Enumerable.Range(first, size) from j in Enumerable.Range(first, size) where i < j select (i, j)];

    /// <summary>A ring of <paramref name="cliques"/> cliques of <paramref name="size"/> nodes, each joined to the next by one edge.</summary>
    static List<(int, int)> RingOfCliques(int cliques, int size)
    {
        var edges = new List<(int, int)>();
        for (int c = 0; c < cliques; c++)
        {
            edges.AddRange(Clique(c * size, size));
            int next = (c + 1) % cliques * size;
            edges.Add((Math.Min(c * size + size - 1, next), Math.Max(c * size + size - 1, next)));
        }
        return edges;
    }

    /// <summary>A seeded random graph: each pair an edge with probability <paramref name="p"/>, row-major, i &lt; j.</summary>
    static List<(int, int)> RandomEdges(int n, double p, int seed)
    {
        var random = new Random(seed);
        var edges = new List<(int, int)>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (random.NextDouble() < p) edges.Add((i, j));
        return edges;
    }

    [Fact]
    public void A_ring_of_cliques_splits_into_its_cliques_with_the_known_modularity()
    {
        // 6 cliques of 4: m = 6 x 6 + 6 = 42; each clique holds 6 edges and degree 14: Q = 6 (6/42 - (14/84)^2) = 174/252.
        var edges = RingOfCliques(6, 4);
        var community = Louvain.Communities(24, edges);
        Assert.Equal([.. Enumerable.Range(0, 24).Select(i => i / 4)], community);
        Assert.Equal(174.0 / 252, Louvain.Modularity(24, edges, community), 12);
    }

    [Fact]
    public void Modularity_of_the_two_clique_partition_matches_its_closed_form_for_any_labels()
    {
        // Two 5-cliques and a bridge: m = 21, each side 10 edges and degree 21: Q = 2 (10/21 - 1/4), whatever the labels are called.
        var edges = new List<(int, int)>([.. Clique(0, 5), .. Clique(5, 5), (4, 5)]);
        int[] labels = [7, 7, 7, 7, 7, -3, -3, -3, -3, -3];
        Assert.Equal(2 * (10.0 / 21 - 0.25), Louvain.Modularity(10, edges, labels), 12);
        Assert.Equal(2 * (10.0 / 21 - 0.25), Louvain.Modularity(UndirectedGraph.FromEdges(10, edges), labels), 12);
    }

    [Theory]
    [InlineData(60, 0.08, 1)]
    [InlineData(200, 0.03, 2)]
    [InlineData(300, 0.01, 3)]
    [InlineData(120, 0.3, 4)]
    public void Communities_and_modularity_equal_the_dictionary_reference_bit_for_bit(int n, double p, int seed)
    {
        var edges = RandomEdges(n, p, seed);
        var expected = ReferenceLouvain.Communities(n, edges);
        var community = Louvain.Communities(n, edges);
        Assert.Equal(expected, community);
        Assert.Equal(ReferenceLouvain.Modularity(edges, expected), Louvain.Modularity(n, edges, community));
        Assert.Equal(ReferenceLouvain.Modularity(edges, expected), Louvain.Modularity(UndirectedGraph.FromEdges(n, edges), community));
    }

    [Fact]
    public void The_same_graph_gives_the_same_partition_whatever_the_edge_order()
    {
        var edges = RandomEdges(150, 0.05, 9);
        var shuffled = edges.Select(e => (e.Item2, e.Item1)).OrderBy(e => (e.Item1 * 7919 + e.Item2) % 1009).ToList();
        Assert.Equal(Louvain.Communities(150, edges), Louvain.Communities(150, shuffled));
    }

    [Fact]
    public void A_graph_without_edges_leaves_every_node_alone()
    {
        Assert.Equal([0, 1, 2], Louvain.Communities(3, []));
        Assert.Equal(0, Louvain.Modularity(3, [], [0, 1, 2]));
    }

    /// <summary>The straightforward Louvain with dictionaries that the array version replaced, kept as the oracle: same
    /// visiting order, same tie rule (a strictly larger gain, by more than 1e-12, wins; the first seen otherwise).</summary>
    static class ReferenceLouvain
    {
        public static int[] Communities(int nodes, IReadOnlyList<(int From, int To)> edges)
        {
            var adjacency = new Dictionary<int, double>[nodes];
            for (int i = 0; i < nodes; i++) adjacency[i] = [];
            foreach (var (from, to) in edges)
            {
                adjacency[from][to] = adjacency[from].GetValueOrDefault(to) + 1;
                adjacency[to][from] = adjacency[to].GetValueOrDefault(from) + 1;
            }
            var membership = Enumerable.Range(0, nodes).ToArray();
            while (true)
            {
                var (labels, count) = MoveNodes(adjacency);
                if (count == adjacency.Length) break;
                for (int i = 0; i < nodes; i++) membership[i] = labels[membership[i]];
                var merged = new Dictionary<int, double>[count];
                for (int c = 0; c < count; c++) merged[c] = [];
                for (int i = 0; i < adjacency.Length; i++)
                    foreach (var (j, weight) in adjacency[i])
                        merged[labels[i]][labels[j]] = merged[labels[i]].GetValueOrDefault(labels[j]) + weight;
                adjacency = merged;
            }
            return Relabel(membership).Labels;
        }

        public static double Modularity(IReadOnlyList<(int From, int To)> edges, IReadOnlyList<int> community)
        {
            if (edges.Count == 0) return 0;
            var inside = new Dictionary<int, double>();
            var degree = new Dictionary<int, double>();
            foreach (var (from, to) in edges)
            {
                if (community[from] == community[to])
                    inside[community[from]] = inside.GetValueOrDefault(community[from]) + 1;
                degree[community[from]] = degree.GetValueOrDefault(community[from]) + 1;
                degree[community[to]] = degree.GetValueOrDefault(community[to]) + 1;
            }
            double m = edges.Count;
            return degree.Sum(pair => inside.GetValueOrDefault(pair.Key) / m - Math.Pow(pair.Value / (2 * m), 2));
        }

        static (int[] Labels, int Count) MoveNodes(Dictionary<int, double>[] adjacency)
        {
            int n = adjacency.Length;
            var degree = adjacency.Select(row => row.Values.Sum()).ToArray();
            double twiceEdges = degree.Sum();
            var community = Enumerable.Range(0, n).ToArray();
            if (twiceEdges == 0) return (community, n);
            var total = (double[])degree.Clone();
            var toCommunity = new Dictionary<int, double>();
            for (int pass = 0; pass < 1000; pass++)
            {
                bool moved = false;
                for (int i = 0; i < n; i++)
                {
                    int current = community[i];
                    toCommunity.Clear();
                    foreach (var (j, weight) in adjacency[i])
                        if (j != i)
                            toCommunity[community[j]] = toCommunity.GetValueOrDefault(community[j]) + weight;
                    total[current] -= degree[i];
                    int best = current;
                    double bestGain = toCommunity.GetValueOrDefault(current) - total[current] * degree[i] / twiceEdges;
                    foreach (var (candidate, weight) in toCommunity)
                    {
                        double gain = weight - total[candidate] * degree[i] / twiceEdges;
                        if (gain > bestGain + 1e-12) { best = candidate; bestGain = gain; }
                    }
                    total[best] += degree[i];
                    if (best != current) { community[i] = best; moved = true; }
                }
                if (!moved) break;
            }
            return Relabel(community);
        }

        static (int[] Labels, int Count) Relabel(int[] community)
        {
            var names = new Dictionary<int, int>();
            var labels = new int[community.Length];
            for (int i = 0; i < community.Length; i++)
            {
                if (!names.TryGetValue(community[i], out int name))
                    names[community[i]] = name = names.Count;
                labels[i] = name;
            }
            return (labels, names.Count);
        }
    }
}
