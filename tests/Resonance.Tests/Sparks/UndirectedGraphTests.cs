using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

public class UndirectedGraphTests
{
    [Fact]
    public void Edges_given_twice_or_both_ways_count_once_and_neighbours_come_sorted()
    {
        var graph = UndirectedGraph.FromEdges(5, [(3, 1), (1, 3), (0, 4), (1, 0), (4, 0), (1, 2)]);
        Assert.Equal(4, graph.EdgeCount);
        Assert.Equal([0, 2, 3], graph.NeighboursOf(1).ToArray());
        Assert.Equal([1, 4], graph.NeighboursOf(0).ToArray());
        Assert.Equal(3, graph.Degree(1));
        Assert.Equal([(0, 1), (0, 4), (1, 2), (1, 3)], graph.Edges());
    }

    [Fact]
    public void Isolated_nodes_have_empty_rows()
    {
        var graph = UndirectedGraph.FromEdges(4, [(1, 2)]);
        Assert.Equal(0, graph.Degree(0));
        Assert.Equal(0, graph.Degree(3));
        Assert.Equal([0, 0, 1, 2, 2], graph.Offsets.ToArray());
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(0, 5)]
    [InlineData(-1, 0)]
    public void A_self_loop_or_a_node_out_of_range_is_refused(int from, int to)
    {
        var error = Assert.Throws<ArgumentException>(() => UndirectedGraph.FromEdges(4, [(0, 1), (from, to)]));
        Assert.Contains("edge 1", error.Message);
    }
}
