namespace Resonance.Sparks;

/// <summary>
/// An undirected, unweighted graph without self-loops in compressed sparse row form: the neighbours of node <c>i</c>
/// are <c>Neighbours[Offsets[i] .. Offsets[i + 1])</c>, in ascending order, each once. Plain arrays, so the measures
/// that walk it (Louvain communities, modularity, clustering) run without dictionaries or LINQ.
/// </summary>
public sealed class UndirectedGraph
{
    readonly int[] offsets, neighbours;

    UndirectedGraph(int nodes, int[] offsets, int[] neighbours)
    {
        Nodes = nodes;
        this.offsets = offsets;
        this.neighbours = neighbours;
    }

    /// <summary>Number of nodes <c>n</c>.</summary>
    public int Nodes { get; }

    /// <summary>Number of undirected edges <c>m</c> (each <c>{i, j}</c> once).</summary>
    public int EdgeCount => neighbours.Length / 2;

    /// <summary>Where each node's neighbours start in <see cref="NeighbourArray"/>, <c>(n + 1)</c>.</summary>
    public ReadOnlySpan<int> Offsets => offsets;

    /// <summary>All neighbour lists one after another, <c>(2m)</c>.</summary>
    public ReadOnlySpan<int> NeighbourArray => neighbours;

    /// <summary>The neighbours of <paramref name="node"/>, ascending.</summary>
    public ReadOnlySpan<int> NeighboursOf(int node) => neighbours.AsSpan(offsets[node], offsets[node + 1] - offsets[node]);

    /// <summary>The degree of <paramref name="node"/>.</summary>
    public int Degree(int node) => offsets[node + 1] - offsets[node];

    /// <summary>The edges <c>{i, j}</c>, <c>i &lt; j</c>, in row-major order (by <c>i</c>, then <c>j</c>).</summary>
    public List<(int From, int To)> Edges()
    {
        var edges = new List<(int, int)>(EdgeCount);
        for (int i = 0; i < Nodes; i++)
            foreach (int j in NeighboursOf(i))
                if (j > i) edges.Add((i, j));
        return edges;
    }

    /// <summary>The graph of undirected edges, in any order and either direction; an edge given twice (or both ways)
    /// counts once.</summary>
    /// <exception cref="ArgumentException">A node is out of range or an edge is a self-loop.</exception>
    public static UndirectedGraph FromEdges(int nodes, IReadOnlyList<(int From, int To)> edges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodes);
        var from = new int[edges.Count];
        var to = new int[edges.Count];
        for (int e = 0; e < edges.Count; e++)
        {
            (from[e], to[e]) = edges[e];
            if ((uint)from[e] >= (uint)nodes || (uint)to[e] >= (uint)nodes || from[e] == to[e])
                throw new ArgumentException($"edge {e} ({from[e]}, {to[e]}) is a self-loop or leaves the {nodes} nodes", nameof(edges));
        }
        return FromArcs(nodes, from, to);
    }

    /// <summary>The symmetric closure of directed arcs <c>i -> j</c> (given as two arrays of equal length; <c>i != j</c>,
    /// both in range): <c>{i, j}</c> is an edge when <c>i -> j</c> or <c>j -> i</c> is an arc.</summary>
    /// <remarks>Counting sort into both endpoints' rows, then each row sorted and deduplicated: <c>O(n + a log d)</c> for
    /// <c>a</c> arcs and largest degree <c>d</c>. Arcs already in row-major order (as <c>nonzero</c> lists them) leave every
    /// row as two ascending runs, which the sort merges quickly.</remarks>
    internal static UndirectedGraph FromArcs(int nodes, ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        var counts = new int[nodes + 1];
        for (int a = 0; a < from.Length; a++)
        {
            counts[from[a] + 1]++;
            counts[to[a] + 1]++;
        }
        for (int i = 0; i < nodes; i++) counts[i + 1] += counts[i];
        var fill = counts.AsSpan(0, nodes).ToArray();
        var entries = new int[counts[nodes]];
        for (int a = 0; a < from.Length; a++)
        {
            entries[fill[from[a]]++] = to[a];
            entries[fill[to[a]]++] = from[a];
        }
        var offsets = new int[nodes + 1];
        var unique = new int[entries.Length];
        int kept = 0;
        for (int i = 0; i < nodes; i++)
        {
            var row = entries.AsSpan(counts[i], counts[i + 1] - counts[i]);
            row.Sort();
            for (int k = 0; k < row.Length; k++)
                if (k == 0 || row[k] != row[k - 1]) unique[kept++] = row[k];
            offsets[i + 1] = kept;
        }
        return new UndirectedGraph(nodes, offsets, kept == unique.Length ? unique : unique[..kept]);
    }
}
