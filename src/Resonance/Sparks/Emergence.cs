using Resonance.Runtime;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>How much of the weight matrix lies near its diagonal, against the shuffled baseline.</summary>
/// <param name="Fraction">Share of <c>W</c>'s mass in the band <c>|i - j| &lt;= b</c>.</param>
/// <param name="Baseline">The same share expected after shuffling the entries of <c>W</c>: the band's share of the
/// <c>N^2</c> positions, <c>(N (2b + 1) - b (b + 1)) / N^2</c> (the exact mean over all shuffles).</param>
/// <param name="Bias"><c>(Fraction - Baseline) / (1 - Baseline)</c>: 1 when all mass is in the band (a pure diagonal),
/// 0 when no more than chance, negative when the band is avoided.</param>
public sealed record DiagonalBias(double Fraction, double Baseline, double Bias);

/// <summary>How evenly the layout fills the region it occupies (see <see cref="Emergence.Evenness"/>).</summary>
/// <param name="NearestNeighbourRatio">Clark-Evans ratio in the convex hull: 1 = uniform random gas, 2 = square lattice, toward 0 = clumps.</param>
/// <param name="NearestNeighbourVariation">Relative spread of nearest-neighbour distances: 1 = uniform random gas, 0 = lattice, &gt; 1 = clumps.</param>
/// <param name="HullArea">Area of the convex hull of the points.</param>
public sealed record LayoutEvenness(double NearestNeighbourRatio, double NearestNeighbourVariation, double HullArea);

/// <summary>
/// Measures of what emerges in a spark network: diagonal bias (the seed's "sequential bias"), weight and memory
/// entropy, clustering and modularity of the thresholded weight graph, and how evenly the layout fills its container
/// (the seed's "gas in a container"). Pure functions of tensors; each is tested on a matrix with a known answer.
/// </summary>
public static class Emergence
{
    /// <summary>Diagonal bias of a weight matrix.</summary>
    /// <param name="weights"><c>W</c>, <c>(N, N)</c>, non-negative.</param>
    /// <param name="band">Half-width <c>b</c> of the band, in [0, N - 1].</param>
    /// <returns>An all-zero matrix has no bias (fraction = baseline).</returns>
    public static DiagonalBias Diagonal(Tensor weights, int band)
    {
        using var scope = NewDisposeScope();
        long n = weights.shape[0];
        double total = weights.sum(ScalarType.Float64).item<double>();
        var diagonals = Enumerable.Range(-band, 2 * band + 1).Select(k => weights.diagonal(k).sum(ScalarType.Float64)).ToArray();
        double near = stack(diagonals).sum().item<double>();                // sum over |i - j| <= b
        double baseline = (n * (2.0 * band + 1) - band * (band + 1.0)) / ((double)n * n);
        double fraction = total > 0 ? near / total : baseline;
        double bias = baseline < 1 ? (fraction - baseline) / (1 - baseline) : 0;
        return new DiagonalBias(fraction, baseline, bias);
    }

    /// <summary>Shannon entropy of <paramref name="values"/> taken as a distribution (<c>p = v / sum v</c>), divided by
    /// <c>ln(count)</c>: 1 for equal values, 0 when one value holds everything. All zeros count as equal (no preference).</summary>
    /// <param name="values">Non-negative values, any shape.</param>
    public static double NormalizedEntropy(Tensor values)
    {
        using var scope = NewDisposeScope();
        long count = values.numel();
        if (count <= 1) return 1;
        var v = values.to(float32).flatten();
        double total = v.sum(float64).item<double>();
        if (total <= 0) return 1;
        var p = v.div(HeldScalars.Of(total));
        double entropy = -p.clamp_min(HeldScalars.Of(1e-30)).log_().mul_(p).sum(float64).item<double>();
        return entropy / Math.Log(count);
    }

    /// <summary>Mean over rows of each row's normalized entropy: how spread a neuron's outgoing weights are
    /// (1 = all equal, 0 = one edge per neuron).</summary>
    /// <param name="weights"><c>W</c>, <c>(N, N)</c>, non-negative.</param>
    public static double RowEntropy(Tensor weights) => WeightEntropies(weights).Rows;

    /// <summary>The normalized entropy of all of <c>W</c> (as <see cref="NormalizedEntropy"/>) and the mean normalized
    /// entropy of its rows (as <see cref="RowEntropy"/>), from one pass over <c>W</c>.</summary>
    /// <remarks>
    /// With row sums <c>r_i = sum_j W[i, j]</c>, <c>s_i = sum_j W[i, j] ln W[i, j]</c> (<c>0 ln 0 = 0</c>) and
    /// <c>T = sum_i r_i</c>, <c>S = sum_i s_i</c>:
    /// <code>
    /// H(W)   = -sum_ij (W[i, j] / T) ln (W[i, j] / T)     = ln T   - S / T       (divided by ln(N M))
    /// H(W_i) = -sum_j (W[i, j] / r_i) ln (W[i, j] / r_i) = ln r_i - s_i / r_i   (divided by ln M; 1 for an empty row)
    /// </code>
    /// so one elementwise logarithm serves both. The products and the row sums are float32 (libtorch sums a row in
    /// blocks, so its error stays near float32 rounding), the rest float64: the results agree with the two separate
    /// definitions to about 1e-7 (tested to 1e-6). An all-zero <c>W</c> has entropy 1 (no preference).
    /// </remarks>
    /// <param name="weights"><c>W</c>, <c>(N, M)</c>, non-negative.</param>
    public static (double Whole, double Rows) WeightEntropies(Tensor weights)
    {
        using var scope = NewDisposeScope();
        long rows = weights.shape[0], columns = weights.shape[1];
        var w = weights.to(float32);
        var rowSums = w.sum(1).to(float64);                                           // (N) r_i
        var rowLogSums = w.clamp_min(HeldScalars.Of((double)1e-30f)).log_().mul_(w).sum(1).to(float64);      // (N) s_i; tiny w clamped only inside the log
        var total = rowSums.sum();                                                    // () T
        var whole = rows * columns <= 1 ? ones(1, float64)
            : where(total.gt(HeldScalars.Of(0.0)), (total.clamp_min(HeldScalars.Of(1e-300)).log() - rowLogSums.sum() / total.clamp_min(HeldScalars.Of(1e-300))).div_(HeldScalars.Of(Math.Log(rows * columns))),
                ones_like(total)).reshape(1);
        var safe = rowSums.clamp_min(HeldScalars.Of(1e-300));
        var rowEntropy = columns <= 1 ? ones_like(rowSums)
            : where(rowSums.gt(HeldScalars.Of(0.0)), (safe.log() - rowLogSums / safe).div_(HeldScalars.Of(Math.Log(columns))), ones_like(rowSums));   // (N)
        var both = cat([whole, rowEntropy.mean().reshape(1)]).cpu();                 // (2) the only copy to the host
        var values = both.data<double>();
        return (values[0], values[1]);
    }

    /// <summary>The strength a weight must exceed to be an edge: <c>threshold</c> times the mean off-diagonal weight
    /// (a one-element float32 tensor, computed as the dense <see cref="ThresholdGraph"/> always has).</summary>
    static Tensor EdgeCut(Tensor weights, double threshold)
    {
        long n = weights.shape[0];
        var offDiagonalMean = (weights.sum() - weights.diagonal().sum()).div_(HeldScalars.Of(n * (n - 1.0)));
        return offDiagonalMean.mul_(HeldScalars.Of(threshold));
    }

    /// <summary>The undirected graph of strong weights: <c>A[i, j] = 1</c> when <c>i != j</c> and
    /// <c>max(W[i, j], W[j, i]) &gt; threshold * mean_{i != j} W[i, j]</c>.</summary>
    /// <param name="weights"><c>W</c>, <c>(N, N)</c>, non-negative.</param>
    /// <param name="threshold">Multiple of the mean off-diagonal weight, &gt; 0.</param>
    /// <returns>Adjacency <c>(N, N)</c> float32, symmetric, zero diagonal. The caller disposes it.</returns>
    public static Tensor ThresholdGraph(Tensor weights, double threshold)
    {
        using var scope = NewDisposeScope();
        var strong = weights.gt(EdgeCut(weights, threshold));                        // (N, N) bool
        var adjacency = strong.logical_or(strong.t()).to(float32);              // max(a, b) > c exactly when a > c or b > c
        adjacency.diagonal().zero_();
        return adjacency.MoveToOuterDisposeScope();
    }

    /// <summary>The same graph as <see cref="ThresholdGraph"/>, built on the host from the strong entries alone: one
    /// vectorised scan of <c>W</c> in place (no dense adjacency, no transpose, no copy on the CPU), comparing in float32
    /// against the same cut, so the edges are exactly the dense graph's. What the measures walk.</summary>
    /// <param name="weights"><c>W</c>, <c>(N, N)</c>, non-negative.</param>
    /// <param name="threshold">Multiple of the mean off-diagonal weight, &gt; 0.</param>
    public static UndirectedGraph StrongGraph(Tensor weights, double threshold)
    {
        using var scope = NewDisposeScope();
        int n = (int)weights.shape[0];
        var host = weights.to(float32).cpu().contiguous();                          // the tensor itself on the CPU
        float cut = EdgeCut(host, threshold).item<float>();
        var values = MemoryMarshal.Cast<byte, float>(host.bytes);                   // (N * N) row-major, read in place
        var from = new List<int>();
        var to = new List<int>();
        var cuts = Vector256.Create(cut);
        for (int i = 0; i < n; i++)
        {
            var row = values.Slice(i * n, n);
            int j = 0;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                uint strong = Vector256.GreaterThan(Vector256.Create(row.Slice(j, Vector256<float>.Count)), cuts).ExtractMostSignificantBits();
                for (; strong != 0; strong &= strong - 1)
                    Arc(i, j + BitOperations.TrailingZeroCount(strong));
            }
            for (; j < n; j++)
                if (row[j] > cut) Arc(i, j);
        }
        return UndirectedGraph.FromArcs(n, CollectionsMarshal.AsSpan(from), CollectionsMarshal.AsSpan(to));

        void Arc(int i, int j)
        {
            if (i == j) return;                                                      // W[i, i] is never an edge
            from.Add(i);
            to.Add(j);
        }
    }

    /// <summary>Global clustering coefficient (transitivity) of an undirected graph: closed triangles over connected
    /// triples, <c>trace(A^3) / sum_i k_i (k_i - 1)</c>; 1 for a complete graph, 0 for a tree or a graph without triples.</summary>
    /// <param name="adjacency"><c>A</c>, <c>(N, N)</c>, symmetric 0/1, zero diagonal.</param>
    public static double Clustering(Tensor adjacency) =>
        Clustering(UndirectedGraph.FromEdges((int)adjacency.shape[0], Edges(adjacency)));

    /// <summary>Global clustering coefficient from an edge list (see <see cref="Clustering(UndirectedGraph)"/>).</summary>
    /// <param name="nodes">Number of nodes.</param>
    /// <param name="edges">Undirected edges, each once, no self-loops.</param>
    public static double Clustering(int nodes, IReadOnlyList<(int From, int To)> edges) =>
        Clustering(UndirectedGraph.FromEdges(nodes, edges));

    /// <summary>Global clustering coefficient of a graph, exactly: each edge <c>{i, j}</c> closes as many triangles as
    /// <c>i</c> and <c>j</c> share neighbours (each triangle so counted three times, <c>trace(A^3) = 2 sum_edges shared</c>);
    /// the shared neighbours are the set bits of the AND of two rows of a bit matrix, <c>N / 64</c> words an edge.</summary>
    public static double Clustering(UndirectedGraph graph)
    {
        int n = graph.Nodes, words = (n + 63) / 64;
        double triples = 0;
        for (int i = 0; i < n; i++) triples += (double)graph.Degree(i) * (graph.Degree(i) - 1);
        if (triples <= 0) return 0;
        var bits = new ulong[(long)n * words];                                       // row i: the neighbours of i
        for (int i = 0; i < n; i++)
            foreach (int j in graph.NeighboursOf(i))
                bits[(long)i * words + (j >> 6)] |= 1UL << j;
        long shared = 0;
        for (int i = 0; i < n; i++)
        {
            var row = bits.AsSpan((int)((long)i * words), words);
            foreach (int j in graph.NeighboursOf(i))
            {
                if (j <= i) continue;
                var other = bits.AsSpan((int)((long)j * words), words);
                for (int k = 0; k < words; k++) shared += System.Numerics.BitOperations.PopCount(row[k] & other[k]);
            }
        }
        return 2.0 * shared / triples;
    }

    internal static double ClusteringByProducts(Tensor adjacency)
    {
        using var scope = NewDisposeScope();
        var a = adjacency.to(float32);                                       // counts below 2^24 are exact in float32
        var degree = a.sum(1, type: float64);
        double triples = degree.sub(HeldScalars.One).mul_(degree).sum().item<double>();
        if (triples <= 0) return 0;
        double closed = a.matmul(a).mul_(a).sum(float64).item<double>();    // trace(A^3)
        return closed / triples;
    }

    /// <summary>The edges <c>{i, j}</c>, <c>i &lt; j</c>, of an undirected adjacency matrix, on the host.</summary>
    public static List<(int From, int To)> Edges(Tensor adjacency)
    {
        using var scope = NewDisposeScope();
        var pairs = adjacency.triu(1).nonzero().cpu().to(int32);            // (E, 2)
        if (pairs.shape[0] == 0) return [];
        var flat = pairs.data<int>().ToArray();
        var edges = new List<(int, int)>(flat.Length / 2);
        for (int e = 0; e < flat.Length; e += 2) edges.Add((flat[e], flat[e + 1]));
        return edges;
    }

    /// <summary>Communities (Louvain) of an undirected graph and their modularity.</summary>
    /// <param name="adjacency"><c>A</c>, <c>(N, N)</c>, symmetric 0/1, zero diagonal.</param>
    public static (int[] Community, int Count, double Modularity) Communities(Tensor adjacency) =>
        Communities(UndirectedGraph.FromEdges((int)adjacency.shape[0], Edges(adjacency)));

    /// <summary>Communities (Louvain) of an undirected graph and their modularity.</summary>
    public static (int[] Community, int Count, double Modularity) Communities(UndirectedGraph graph)
    {
        var community = Louvain.Communities(graph);
        return (community, community.Length == 0 ? 0 : community.Max() + 1, Louvain.Modularity(graph, community));
    }

    /// <summary>How evenly points fill the region they occupy, against a uniform (Poisson) point process.</summary>
    /// <remarks>
    /// <para>Nearest-neighbour ratio (Clark and Evans, 1954): the mean distance <c>r</c> from each point to its nearest
    /// neighbour over its expectation <c>0.5 sqrt(A / N)</c> for a uniform process of the same density, with <c>A</c>
    /// the area of the points' convex hull. 1 for a uniform random gas, more for a regular one (a square lattice of
    /// <c>k x k</c> points: <c>2k / (k - 1)</c>; hexagonal packing about 2.15), toward 0 for clumps.</para>
    /// <para>Nearest-neighbour variation: the coefficient of variation of those distances over its value for a uniform
    /// process, <c>sqrt(4 / pi - 1)</c> (distances are then Rayleigh-distributed). 1 for a uniform random gas, 0 when
    /// every point has its neighbour at the same distance (a lattice), above 1 for clumps beside loners.</para>
    /// Both ignore the shape of the region, so a disc of gas scores like a square of it. The distances are exact in
    /// float64 (<see cref="NearestNeighbourDistances"/>, on the host); the earlier all-pairs float32 <c>cdist</c> agreed
    /// to about 1e-3 relative, its rounding on the closest pairs.
    /// </remarks>
    /// <param name="positions">Points <c>(N, 2)</c>, N &gt;= 2.</param>
    public static LayoutEvenness Evenness(Tensor positions)
    {
        double[] points;
        using (var scope = NewDisposeScope())
            points = MemoryMarshal.Cast<byte, double>(positions.to(float64).cpu().contiguous().bytes).ToArray();   // x0, y0, x1, ...
        int n = points.Length / 2;
        var nearest = NearestNeighbourDistances(points);
        double mean = nearest.Average();
        double spread = Math.Sqrt(nearest.Sum(d => (d - mean) * (d - mean)) / n);
        double area = ConvexHullArea(points);
        double ratio = area > 0 ? mean / (0.5 * Math.Sqrt(area / n)) : 0;
        double variation = mean > 0 ? spread / mean / Math.Sqrt(4 / Math.PI - 1) : 0;
        return new LayoutEvenness(ratio, variation, area);
    }

    /// <summary>The distance from each point to its nearest other point, exactly, in float64: the points sorted by
    /// <c>x</c>, each one's search runs outward in that order and stops once the gap in <c>x</c> alone exceeds the best
    /// distance so far (about <c>N sqrt N</c> distances for spread points instead of all <c>N^2</c>).</summary>
    /// <param name="xy">Points as <c>x0, y0, x1, y1, ...</c>, at least two.</param>
    public static double[] NearestNeighbourDistances(IReadOnlyList<double> xy)
    {
        int n = xy.Count / 2;
        var order = new int[n];
        var xs = new double[n];
        for (int i = 0; i < n; i++) (order[i], xs[i]) = (i, xy[2 * i]);
        Array.Sort(xs, order);
        var ys = new double[n];
        for (int k = 0; k < n; k++) ys[k] = xy[2 * order[k] + 1];
        var nearest = new double[n];
        for (int k = 0; k < n; k++)
        {
            double best = double.PositiveInfinity;
            for (int r = k + 1; r < n; r++)
            {
                double dx = xs[r] - xs[k];
                if (dx * dx >= best) break;
                double dy = ys[r] - ys[k];
                best = Math.Min(best, dx * dx + dy * dy);
            }
            for (int l = k - 1; l >= 0; l--)
            {
                double dx = xs[k] - xs[l];
                if (dx * dx >= best) break;
                double dy = ys[l] - ys[k];
                best = Math.Min(best, dx * dx + dy * dy);
            }
            nearest[order[k]] = Math.Sqrt(best);
        }
        return nearest;
    }

    /// <summary>Area of the convex hull of points given as <c>x0, y0, x1, y1, ...</c> (Andrew's monotone chain, then the shoelace formula).</summary>
    public static double ConvexHullArea(IReadOnlyList<double> xy)
    {
        var points = Enumerable.Range(0, xy.Count / 2).Select(i => (X: xy[2 * i], Y: xy[2 * i + 1]))
            .Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (points.Count < 3) return 0;
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
            (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        var hull = new List<(double X, double Y)>();
        foreach (var pass in new[] { points, Enumerable.Reverse(points).ToList() })
        {
            int start = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        double twiceArea = 0;
        for (int i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            twiceArea += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twiceArea) / 2;
    }
}
