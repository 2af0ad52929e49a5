namespace Resonance.Sparks;

/// <summary>
/// Community detection by modularity (Louvain: Blondel, Guillaume, Lambiotte and Lefebvre, 2008): move single nodes
/// to the neighbouring community that raises modularity most, merge communities into nodes, repeat. Nodes are
/// visited in index order, so the result is deterministic.
/// </summary>
public static class Louvain
{
    /// <summary>Communities of an undirected, unweighted graph.</summary>
    /// <param name="nodes">Number of nodes <c>n</c>.</param>
    /// <param name="edges">Undirected edges <c>{i, j}</c>, <c>i != j</c>, each listed once.</param>
    /// <returns>The community of each node, numbered from 0 in order of first appearance; isolated nodes are alone.</returns>
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
            adjacency = Aggregate(adjacency, labels, count);
        }
        return Relabel(membership).Labels;
    }

    /// <summary>Newman's modularity <c>Q = sum_c [L_c / m - (d_c / 2m)^2]</c> of a partition, with <c>m</c> edges,
    /// <c>L_c</c> edges inside community <c>c</c> and <c>d_c</c> the summed degree of its nodes; 0 for a graph without edges.</summary>
    public static double Modularity(int nodes, IReadOnlyList<(int From, int To)> edges, IReadOnlyList<int> community)
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

    // One level: local moves until none raises modularity. Gain of putting i into d (up to a constant factor):
    // k_i,d - tot_d k_i / 2m, where k_i,d is the weight from i to d and tot_d the summed degree of d without i.
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

    static Dictionary<int, double>[] Aggregate(Dictionary<int, double>[] adjacency, int[] labels, int count)
    {
        var merged = new Dictionary<int, double>[count];
        for (int c = 0; c < count; c++) merged[c] = [];
        for (int i = 0; i < adjacency.Length; i++)
            foreach (var (j, weight) in adjacency[i])
                merged[labels[i]][labels[j]] = merged[labels[i]].GetValueOrDefault(labels[j]) + weight;
        return merged;
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
