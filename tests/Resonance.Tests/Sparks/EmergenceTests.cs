using Resonance.Sparks;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Sparks;

public class EmergenceTests
{
    static Tensor Adjacency(int n, params (int, int)[] edges)
    {
        var a = new float[n * n];
        foreach (var (i, j) in edges) a[i * n + j] = a[j * n + i] = 1;
        return tensor(a, new long[] { n, n });
    }

    static (int, int)[] Clique(int first, int size) =>
        [.. from i in Enumerable.Range(first, size) from j in Enumerable.Range(first, size) where i < j select (i, j)];

    public class Diagonal
    {
        [Fact]
        public void A_pure_diagonal_scores_the_maximal_bias()
        {
            using var w = eye(32);
            var bias = Emergence.Diagonal(w, band: 2);
            Assert.Equal(1, bias.Fraction, 12);
            Assert.Equal(1, bias.Bias, 12);
        }

        [Fact]
        public void A_first_off_diagonal_sequence_is_maximal_too()
        {
            // The seed's "sequential bias": W[i, i + 1] strong.
            using var w = eye(32).roll(1, 1);
            w[31, 0] = tensor(0f);
            Assert.Equal(1, Emergence.Diagonal(w, band: 1).Bias, 12);
        }

        [Fact]
        public void A_flat_matrix_is_no_more_diagonal_than_its_shuffles()
        {
            using var w = ones(20, 20);
            var bias = Emergence.Diagonal(w, band: 3);
            Assert.Equal(bias.Baseline, bias.Fraction, 12);
            Assert.Equal(0, bias.Bias, 12);
        }

        [Fact]
        public void The_baseline_is_the_band_share_of_all_positions()
        {
            // N = 10, b = 2: 10 + 2 (9 + 8) = 44 of 100 positions.
            using var w = rand(10, 10);
            Assert.Equal(0.44, Emergence.Diagonal(w, band: 2).Baseline, 12);
        }

        [Fact]
        public void Mass_far_from_the_diagonal_scores_below_zero()
        {
            using var w = zeros(10, 10);
            w[0, 9] = tensor(1f);
            var bias = Emergence.Diagonal(w, band: 2);
            Assert.Equal(0, bias.Fraction, 12);
            Assert.Equal(-0.44 / 0.56, bias.Bias, 12);
        }

        [Fact]
        public void The_bias_of_a_random_matrix_is_near_zero()
        {
            using var generator = new torch.Generator(5);
            using var w = rand(new long[] { 200, 200 }, generator: generator);
            Assert.InRange(Emergence.Diagonal(w, band: 4).Bias, -0.02, 0.02);
        }
    }

    public class Entropy
    {
        [Fact]
        public void Equal_values_have_entropy_one_and_a_single_value_zero()
        {
            using var flat = ones(8, 8);
            using var single = zeros(8, 8);
            single[3, 5] = tensor(2f);
            Assert.Equal(1, Emergence.NormalizedEntropy(flat), 6);
            Assert.Equal(0, Emergence.NormalizedEntropy(single), 6);
        }

        [Fact]
        public void Two_equal_values_of_four_have_half_the_maximal_entropy()
        {
            using var v = tensor(new float[] { 0, 3, 0, 3 });
            Assert.Equal(Math.Log(2) / Math.Log(4), Emergence.NormalizedEntropy(v), 6);
        }

        [Fact]
        public void An_empty_field_counts_as_flat()
        {
            using var v = zeros(16);
            Assert.Equal(1, Emergence.NormalizedEntropy(v));
        }

        [Fact]
        public void Row_entropy_is_zero_for_a_permutation_and_one_for_a_flat_matrix()
        {
            using var permutation = eye(6).roll(2, 1);
            using var flat = full(6, 6, 0.3f);
            Assert.Equal(0, Emergence.RowEntropy(permutation), 6);
            Assert.Equal(1, Emergence.RowEntropy(flat), 6);
        }

        [Fact]
        public void Weight_entropies_from_one_pass_agree_with_the_definitions()
        {
            // Weights spread over six decades, some exact zeros and two empty rows (which count as uniform).
            using var generator = new torch.Generator(11);
            using var exponent = rand(new long[] { 60, 60 }, generator: generator).mul_(-6);
            using var w = pow(10, exponent).mul_(rand(new long[] { 60, 60 }, generator: generator).gt(0.2));
            w[3] = zeros(60);
            w[17] = zeros(60);
            w.diagonal().zero_();
            var values = w.data<float>().ToArray();
            double rowMean = 0;
            for (int i = 0; i < 60; i++)
            {
                var row = values.Skip(60 * i).Take(60).Select(v => (double)v).ToArray();
                double sum = row.Sum();
                rowMean += sum == 0 ? 1 : -row.Where(v => v > 0).Sum(v => v / sum * Math.Log(v / sum)) / Math.Log(60);
            }
            var (whole, rows) = Emergence.WeightEntropies(w);
            Assert.Equal(Emergence.NormalizedEntropy(w), whole, 1e-6);
            Assert.Equal(rowMean / 60, rows, 1e-6);
            Assert.Equal(rows, Emergence.RowEntropy(w));
        }

        [Fact]
        public void All_zero_weights_have_both_entropies_one()
        {
            using var w = zeros(8, 8);
            Assert.Equal((1.0, 1.0), Emergence.WeightEntropies(w));
        }
    }

    public class Graph
    {
        [Fact]
        public void The_threshold_keeps_strong_weights_in_either_direction_and_no_self_loops()
        {
            // Mean off-diagonal weight: (1 + 0.1 x 4 + 0.5) / 6 = 1.9 / 6; threshold 2 x that = 0.633.
            using var w = tensor(new float[] { 9, 1, 0.1f, 0.1f, 9, 0.1f, 0.5f, 0.1f, 9 }, new long[] { 3, 3 });
            using var a = Emergence.ThresholdGraph(w, 2);
            Assert.Equal(new float[] { 0, 1, 0, 1, 0, 0, 0, 0, 0 }, a.data<float>().ToArray());
        }

        [Fact]
        public void Clustering_of_a_complete_graph_is_one_and_of_a_ring_zero()
        {
            using var complete = Adjacency(5, Clique(0, 5));
            using var ring = Adjacency(6, (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0));
            Assert.Equal(1, Emergence.Clustering(complete), 12);
            Assert.Equal(0, Emergence.Clustering(ring), 12);
        }

        [Fact]
        public void Clustering_of_a_triangle_with_a_tail_is_three_fifths()
        {
            // One triangle (trace A^3 = 6); degrees 2, 2, 3, 1 give 2 + 2 + 6 + 0 = 10 ordered triples.
            using var a = Adjacency(4, (0, 1), (1, 2), (2, 0), (2, 3));
            Assert.Equal(0.6, Emergence.Clustering(a), 12);
            Assert.Equal(0.6, Emergence.ClusteringByProducts(a), 12);
        }

        [Theory]
        [InlineData(50, 2.0)]
        [InlineData(100, 5.0)]
        [InlineData(70, 0.5)]
        public void The_strong_graph_holds_the_edges_of_the_threshold_graph(int n, double threshold)
        {
            // Asymmetric weights with a strong diagonal (never an edge) and ties at the cut on the diagonal's neighbours.
            using var generator = new torch.Generator((ulong)n);
            using var w = rand(new long[] { n, n }, generator: generator).pow_(4);
            w.diagonal().fill_(1);
            using var a = Emergence.ThresholdGraph(w, threshold);
            var graph = Emergence.StrongGraph(w, threshold);
            Assert.Equal(Emergence.Edges(a), graph.Edges());
            Assert.Equal((int)(a.sum().item<float>() / 2), graph.EdgeCount);
        }

        [Theory]
        [InlineData(100, 0.05, 1)]
        [InlineData(130, 0.5, 2)]
        [InlineData(64, 0.9, 3)]
        public void Clustering_from_the_bit_matrix_equals_trace_a_cubed_over_triples(int n, double p, int seed)
        {
            using var generator = new torch.Generator((ulong)seed);
            using var upper = rand(new long[] { n, n }, generator: generator).lt(p).triu(1).to(float32);
            using var a = upper + upper.t();
            Assert.Equal(Emergence.ClusteringByProducts(a), Emergence.Clustering(a), 12);
            Assert.Equal(Emergence.ClusteringByProducts(a), Emergence.Clustering(n, Emergence.Edges(a)), 12);
        }

        [Fact]
        public void Two_separate_cliques_are_two_communities_with_modularity_one_half()
        {
            using var a = Adjacency(10, [.. Clique(0, 5), .. Clique(5, 5)]);
            var (community, count, modularity) = Emergence.Communities(a);
            Assert.Equal(2, count);
            Assert.Equal(0.5, modularity, 12);
            Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(community[0], community[i]));
            Assert.All(Enumerable.Range(5, 5), i => Assert.Equal(community[5], community[i]));
        }

        [Fact]
        public void Two_cliques_joined_by_a_bridge_keep_apart()
        {
            // m = 21, each side holds 10 edges and degree 21: Q = 2 (10/21 - 1/4).
            using var a = Adjacency(10, [.. Clique(0, 5), .. Clique(5, 5), (4, 5)]);
            var (_, count, modularity) = Emergence.Communities(a);
            Assert.Equal(2, count);
            Assert.Equal(2 * (10.0 / 21 - 0.25), modularity, 12);
        }

        [Fact]
        public void Modularity_of_one_community_is_zero_and_of_no_edges_zero()
        {
            var edges = Clique(0, 4).ToList();
            Assert.Equal(0, Louvain.Modularity(4, edges, [0, 0, 0, 0]), 12);
            Assert.Equal(0, Louvain.Modularity(4, [], [0, 1, 2, 3]), 12);
        }

        [Fact]
        public void A_graph_without_edges_leaves_every_node_alone()
        {
            Assert.Equal([0, 1, 2], Louvain.Communities(3, []));
        }
    }

    public class Evenness
    {
        static Tensor Lattice(int k) =>
            tensor(Enumerable.Range(0, k * k).SelectMany(i => new[] { (i / k + 0.5f) / k, (i % k + 0.5f) / k }).ToArray(), new long[] { k * k, 2 });

        [Fact]
        public void A_square_lattice_has_ratio_two_k_over_k_minus_one_and_no_variation()
        {
            // Hull of an 8 x 8 lattice with spacing s: (7 s)^2; expected neighbour distance 0.5 sqrt(49 s^2 / 64) = 7 s / 16.
            using var points = Lattice(8);
            var evenness = Emergence.Evenness(points);
            Assert.Equal(16.0 / 7, evenness.NearestNeighbourRatio, 4);
            Assert.Equal(0, evenness.NearestNeighbourVariation, 4);
            Assert.Equal(49.0 / 64, evenness.HullArea, 6);
        }

        [Fact]
        public void A_uniform_random_gas_scores_about_one_on_both()
        {
            // 2,000 uniform points (seeded): edge effects raise the ratio by about 3 %; tolerance 0.08.
            using var generator = new torch.Generator(17);
            using var points = rand(new long[] { 2000, 2 }, generator: generator);
            var evenness = Emergence.Evenness(points);
            Assert.InRange(evenness.NearestNeighbourRatio, 0.95, 1.08);
            Assert.InRange(evenness.NearestNeighbourVariation, 0.92, 1.08);
        }

        [Fact]
        public void Clumps_score_far_below_one()
        {
            using var generator = new torch.Generator(3);
            using var centres = rand(new long[] { 10, 1, 2 }, generator: generator);
            using var points = (centres + 0.001 * randn(new long[] { 10, 50, 2 }, generator: generator)).reshape(500, 2);
            Assert.True(Emergence.Evenness(points).NearestNeighbourRatio < 0.2);
        }

        [Fact]
        public void Nearest_neighbour_distances_are_exact_on_known_points()
        {
            // (0, 0) and (3, 4) are 5 apart; (10, 0) is nearest to (3, 4) (sqrt 65) only; a duplicate point is 0 from its twin.
            Assert.Equal([5, 5, Math.Sqrt(65)], Emergence.NearestNeighbourDistances([0, 0, 3, 4, 10, 0]));
            Assert.Equal([0, 0, 1], Emergence.NearestNeighbourDistances([2, 2, 2, 2, 2, 3]));
        }

        [Fact]
        public void Nearest_neighbour_distances_equal_the_all_pairs_minimum()
        {
            var random = new Random(4);
            var xy = Enumerable.Range(0, 2 * 300).Select(_ => random.NextDouble() < 0.1 ? 0.5 : random.NextDouble()).ToArray();
            static double Square(double d) => d * d;
            var expected = Enumerable.Range(0, 300).Select(i => Enumerable.Range(0, 300).Where(j => j != i)
                .Min(j => Math.Sqrt(Square(xy[2 * i] - xy[2 * j]) + Square(xy[2 * i + 1] - xy[2 * j + 1])))).ToArray();
            Assert.Equal(expected, Emergence.NearestNeighbourDistances(xy));
        }

        [Fact]
        public void The_hull_area_of_a_unit_square_with_inner_points_is_one()
        {
            Assert.Equal(1, Emergence.ConvexHullArea([0, 0, 1, 0, 0.5, 0.5, 1, 1, 0, 1, 0.2, 0.9]), 12);
            Assert.Equal(0.5, Emergence.ConvexHullArea([0, 0, 1, 0, 0, 1]), 12);
            Assert.Equal(0, Emergence.ConvexHullArea([0, 0, 1, 1, 2, 2]), 12);
        }
    }
}
