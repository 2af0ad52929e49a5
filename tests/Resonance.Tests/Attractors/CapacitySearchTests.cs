using Resonance.Attractors;

namespace Resonance.Tests.Attractors;

public class CapacitySearchTests
{
    [Fact]
    public void Finds_the_exact_boundary_of_a_monotone_rule_in_a_few_batched_rounds()
    {
        var rounds = new List<IReadOnlyList<int>>();
        var result = CapacitySearch.Find([10, 20, 40, 80], 3, ps =>
        {
            rounds.Add(ps);
            return ps.Select(p => p <= 37).ToList();
        });
        Assert.Equal(37, result.Largest);
        Assert.Equal(38, result.FirstFailure);
        Assert.Equal([10, 20, 40, 80], rounds[0]);
        Assert.True(rounds.Count <= 5, $"{rounds.Count} rounds");
        Assert.All(rounds.Skip(1), round => Assert.True(round.Count <= 3));
    }

    [Fact]
    public void Stops_at_the_first_failure_even_when_a_larger_P_passes_again()
    {
        var result = CapacitySearch.Find([2, 4, 6, 8], 1, ps => ps.Select(p => p != 5 && p != 6).ToList());
        Assert.Equal(4, result.Largest);
        Assert.Equal(5, result.FirstFailure);
    }

    [Fact]
    public void Reports_a_lower_bound_when_everything_passes_and_zero_when_nothing_does()
    {
        Assert.Null(CapacitySearch.Find([1, 2, 3], 2, ps => ps.Select(_ => true).ToList()).FirstFailure);
        var none = CapacitySearch.Find([3, 6], 2, ps => ps.Select(_ => false).ToList());
        Assert.Equal(0, none.Largest);
        Assert.Equal(1, none.FirstFailure);
    }
}

public class BoundaryCriterionTests
{
    [Theory]
    [InlineData(0.95, 80, 76)]     // 0.95 exactly: 76 of 80 passes
    [InlineData(0.95, 72, 69)]     // 68.4 rounds up
    [InlineData(1.0, 10, 10)]
    [InlineData(0.0, 10, 0)]
    public void The_required_cues_are_a_whole_number_that_meets_the_fraction_exactly(double fraction, int cues, int required)
    {
        Assert.Equal(required, Resonance.Attractors.Studies.BoundaryStudy.RequiredCues(fraction, cues));
        Assert.True(76f / 80f < 0.95);   // why counting: the single-precision fraction of 76 of 80 falls short of 0.95
    }
}
