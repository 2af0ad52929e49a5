namespace Resonance.Sparks;

/// <summary>
/// Community detection by modularity (Louvain: Blondel, Guillaume, Lambiotte and Lefebvre, 2008): move single nodes
/// to the neighbouring community that raises modularity most, merge communities into nodes, repeat. Nodes are
/// visited in index order, their neighbouring communities weighed in order of first appearance, so the result is
/// deterministic.
/// </summary>
/// <remarks>
/// Hand-written rather than taken from a package: the NuGet graph libraries served here either lack Louvain or bring
/// a large dependency for a hundred lines. Each level is a weighted graph in compressed sparse row form (integer edge
/// counts held as doubles, self-loops for the edges inside a merged node); the per-node work uses flat arrays that are
/// allocated once per call and reset by the entries it touched, so a level costs <c>O(n + m)</c> per pass.
/// </remarks>
public static class Louvain
{
    /// <summary>Communities of an undirected, unweighted graph given by its edges.</summary>
    /// <param name="nodes">Number of nodes <c>n</c>.</param>
    /// <param name="edges">Undirected edges <c>{i, j}</c>, <c>i != j</c>; an edge listed twice counts once.</param>
    /// <returns>The community of each node, numbered from 0 in order of first appearance; isolated nodes are alone.</returns>
    public static int[] Communities(int nodes, IReadOnlyList<(int From, int To)> edges) =>
        Communities(UndirectedGraph.FromEdges(nodes, edges));

    /// <summary>Communities of an undirected, unweighted graph.</summary>
    /// <returns>The community of each node, numbered from 0 in order of first appearance; isolated nodes are alone.</returns>
    public static int[] Communities(UndirectedGraph graph)
    {
        int n = graph.Nodes;
        var level = Level.Of(graph);
        var work = new Workspace(n);
        var membership = new int[n];
        for (int i = 0; i < n; i++) membership[i] = i;
        while (true)
        {
            int count = MoveNodes(level, work);                                  // labels in work.Labels
            if (count == level.Count) break;
            for (int i = 0; i < n; i++) membership[i] = work.Labels[membership[i]];
            level = Aggregate(level, work, count);
        }
        Relabel(membership, work.Names, membership);
        return membership;
    }

    /// <summary>Newman's modularity <c>Q = sum_c [L_c / m - (d_c / 2m)^2]</c> of a partition, with <c>m</c> edges,
    /// <c>L_c</c> edges inside community <c>c</c> and <c>d_c</c> the summed degree of its nodes; 0 for a graph without edges.</summary>
    /// <param name="nodes">Number of nodes <c>n</c>.</param>
    /// <param name="edges">Undirected edges, each listed once.</param>
    /// <param name="community">Any label per node; equal labels are one community.</param>
    public static double Modularity(int nodes, IReadOnlyList<(int From, int To)> edges, IReadOnlyList<int> community)
    {
        if (edges.Count == 0) return 0;
        var labels = new int[nodes];
        RelabelAny(community, new int[nodes], labels);
        var sums = new CommunitySums(nodes);
        foreach (var (from, to) in edges) sums.Add(labels[from], labels[to]);
        return sums.Modularity(edges.Count);
    }

    /// <summary>Newman's modularity of a partition of <paramref name="graph"/> (see the edge-list overload); the edges are
    /// taken in row-major order, so both overloads give the same bits for the same graph.</summary>
    public static double Modularity(UndirectedGraph graph, IReadOnlyList<int> community)
    {
        if (graph.EdgeCount == 0) return 0;
        int n = graph.Nodes;
        var labels = new int[n];
        RelabelAny(community, new int[n], labels);
        var sums = new CommunitySums(n);
        for (int i = 0; i < n; i++)
            foreach (int j in graph.NeighboursOf(i))
                if (j > i) sums.Add(labels[i], labels[j]);
        return sums.Modularity(graph.EdgeCount);
    }

    /// <summary>Edges inside and degree of each community, summed into <c>Q</c> in order of first appearance.</summary>
    sealed class CommunitySums(int nodes)
    {
        readonly double[] inside = new double[nodes], degree = new double[nodes];
        readonly int[] order = new int[nodes];
        readonly bool[] seen = new bool[nodes];
        int count;

        public void Add(int from, int to)
        {
            if (from == to) inside[from]++;
            Touch(from);
            Touch(to);
            degree[from]++;
            degree[to]++;
        }

        void Touch(int c)
        {
            if (!seen[c]) { seen[c] = true; order[count++] = c; }
        }

        public double Modularity(double m)
        {
            double q = 0;
            for (int k = 0; k < count; k++)
            {
                int c = order[k];
                q += inside[c] / m - Math.Pow(degree[c] / (2 * m), 2);
            }
            return q;
        }
    }

    /// <summary>One level: a weighted graph, row <c>i</c> = <c>Targets/Weights[Offsets[i] .. Offsets[i + 1])</c>,
    /// with each edge in both rows and a self-loop (twice the weight inside) in merged nodes.</summary>
    sealed record Level(int[] Offsets, int[] Targets, double[] Weights)
    {
        public int Count => Offsets.Length - 1;

        public static Level Of(UndirectedGraph graph)
        {
            var weights = new double[graph.NeighbourArray.Length];
            Array.Fill(weights, 1.0);
            return new Level(graph.Offsets.ToArray(), graph.NeighbourArray.ToArray(), weights);
        }
    }

    /// <summary>Per-call buffers, sized for the first (largest) level. <c>Position[c]</c> is -1 except while node or row
    /// work has community <c>c</c> in its touched list.</summary>
    sealed class Workspace
    {
        public readonly int[] Community, Labels, Names, Position, Touched, Members, Starts;
        public readonly double[] Degree, Total, WeightTo;

        public Workspace(int n)
        {
            (Community, Labels, Names, Touched, Members, Starts) = (new int[n], new int[n], new int[n], new int[n], new int[n], new int[n + 1]);
            (Degree, Total, WeightTo) = (new double[n], new double[n], new double[n]);
            Position = new int[n];
            Array.Fill(Position, -1);
        }
    }

    // Local moves until none raises modularity. Gain of putting i into d (up to a constant factor):
    // k_i,d - tot_d k_i / 2m, where k_i,d is the weight from i to d and tot_d the summed degree of d without i.
    // Writes the relabelled communities to work.Labels and returns their count.
    static int MoveNodes(Level level, Workspace work)
    {
        int n = level.Count;
        var (offsets, targets, weights) = (level.Offsets, level.Targets, level.Weights);
        var (community, degree, total, weightTo, position, touched) = (work.Community, work.Degree, work.Total, work.WeightTo, work.Position, work.Touched);
        double twiceEdges = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int e = offsets[i]; e < offsets[i + 1]; e++) sum += weights[e];
            degree[i] = total[i] = sum;
            twiceEdges += sum;
            community[i] = i;
        }
        if (twiceEdges > 0)
        {
            for (int pass = 0; pass < 1000; pass++)
            {
                bool moved = false;
                for (int i = 0; i < n; i++)
                {
                    int current = community[i], touchedCount = 0;
                    for (int e = offsets[i]; e < offsets[i + 1]; e++)
                    {
                        int j = targets[e];
                        if (j == i) continue;
                        int c = community[j];
                        if (position[c] < 0)
                        {
                            position[c] = touchedCount;
                            touched[touchedCount++] = c;
                            weightTo[c] = 0;
                        }
                        weightTo[c] += weights[e];
                    }
                    total[current] -= degree[i];
                    int best = current;
                    double bestGain = (position[current] >= 0 ? weightTo[current] : 0) - total[current] * degree[i] / twiceEdges;
                    for (int k = 0; k < touchedCount; k++)
                    {
                        int candidate = touched[k];
                        double gain = weightTo[candidate] - total[candidate] * degree[i] / twiceEdges;
                        if (gain > bestGain + 1e-12) { best = candidate; bestGain = gain; }
                        position[candidate] = -1;
                    }
                    total[best] += degree[i];
                    if (best != current) { community[i] = best; moved = true; }
                }
                if (!moved) break;
            }
        }
        return Relabel(community.AsSpan(0, n), work.Names, work.Labels);
    }

    // The graph of communities: row c holds the summed weights from c's nodes (ascending) to each community, in order of
    // first appearance over those nodes' rows; weights inside c become the self-loop c -> c.
    static Level Aggregate(Level level, Workspace work, int count)
    {
        int n = level.Count;
        var (labels, members, starts, position) = (work.Labels, work.Members, work.Starts, work.Position);
        Array.Clear(starts, 0, count + 1);
        for (int i = 0; i < n; i++) starts[labels[i] + 1]++;
        for (int c = 0; c < count; c++) starts[c + 1] += starts[c];
        for (int i = 0; i < n; i++) members[starts[labels[i]]++] = i;           // stable: each community's nodes ascending
        for (int c = count; c > 0; c--) starts[c] = starts[c - 1];
        starts[0] = 0;

        var offsets = new int[count + 1];
        var targets = new int[level.Targets.Length];
        var weights = new double[level.Targets.Length];
        int size = 0;
        for (int c = 0; c < count; c++)
        {
            int rowStart = size;
            for (int k = starts[c]; k < starts[c + 1]; k++)
            {
                int i = members[k];
                for (int e = level.Offsets[i]; e < level.Offsets[i + 1]; e++)
                {
                    int d = labels[level.Targets[e]];
                    if (position[d] < 0)
                    {
                        position[d] = size;
                        targets[size] = d;
                        weights[size++] = 0;
                    }
                    weights[position[d]] += level.Weights[e];
                }
            }
            for (int e = rowStart; e < size; e++) position[targets[e]] = -1;
            offsets[c + 1] = size;
        }
        return new Level(offsets, targets[..size], weights[..size]);
    }

    // Numbers any labels from 0 in order of first appearance (labels outside [0, names.Length) through a dictionary).
    static int RelabelAny(IReadOnlyList<int> labels, int[] names, int[] relabelled)
    {
        Dictionary<int, int>? wide = null;
        int count = 0;
        Array.Fill(names, -1);
        for (int i = 0; i < labels.Count; i++)
        {
            int label = labels[i];
            int name;
            if ((uint)label < (uint)names.Length)
            {
                if (names[label] < 0) names[label] = count++;
                name = names[label];
            }
            else if (!(wide ??= []).TryGetValue(label, out name))
                wide[label] = name = count++;
            relabelled[i] = name;
        }
        return count;
    }

    // Numbers labels in [0, names.Length) from 0 in order of first appearance into 'relabelled' (may be 'labels' itself);
    // returns the count.
    static int Relabel(ReadOnlySpan<int> labels, int[] names, int[] relabelled)
    {
        int count = 0;
        for (int i = 0; i < labels.Length; i++) names[labels[i]] = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            ref int name = ref names[labels[i]];
            if (name < 0) name = count++;
            relabelled[i] = name;
        }
        return count;
    }
}
