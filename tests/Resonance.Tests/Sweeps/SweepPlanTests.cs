using Resonance.Sweeps;

namespace Resonance.Tests.Sweeps;

public class SweepPlanTests
{
    [Fact]
    public void Grid_points_multiply_with_the_first_key_slowest_then_seeds()
    {
        var spec = new SweepSpec { Grid = [new("a", ["1", "2"]), new("b", ["x", "y", "z"])], Seeds = 2 }.Validate();
        var plan = SweepPlan.Expand(spec, baseSeed: 7, "name: e\n");
        Assert.Equal(12, plan.Points.Count);
        Assert.Equal(["a", "b"], plan.Keys);
        Assert.Equal(("p000", "a=1 b=x", 7L, 0), (plan.Points[0].Name, plan.Points[0].Label, plan.Points[0].Seed, plan.Points[0].Setting));
        Assert.Equal(("p001", "a=1 b=x", 8L, 0), (plan.Points[1].Name, plan.Points[1].Label, plan.Points[1].Seed, plan.Points[1].Setting));
        Assert.Equal(("p002", "a=1 b=y", 7L, 1), (plan.Points[2].Name, plan.Points[2].Label, plan.Points[2].Seed, plan.Points[2].Setting));
        Assert.Equal(("p011", "a=2 b=z", 8L, 5), (plan.Points[11].Name, plan.Points[11].Label, plan.Points[11].Seed, plan.Points[11].Setting));
        Assert.Equal(["a=2", "b=z"], plan.Points[11].Overrides);
    }

    [Fact]
    public void Random_draws_are_repeatable_inside_their_range_and_spread_over_it()
    {
        var spec = new SweepSpec { Random = [new("lr", 1e-4, 1e-2, Log: true)], Samples = 200 }.Validate();
        var first = SweepPlan.Expand(spec, 0, "e");
        var again = SweepPlan.Expand(spec, 0, "e");
        Assert.Equal(first.Points.Select(p => p.Label), again.Points.Select(p => p.Label));
        var values = first.Points.Select(p => double.Parse(p.Values[0].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(values, v => Assert.InRange(v, 1e-4, 1e-2));
        // log-uniform: about half the draws fall below the geometric middle 1e-3 (binomial, 200 draws: 70..130 is > 5 sigma wide)
        Assert.InRange(values.Count(v => v < 1e-3), 70, 130);
        var other = SweepPlan.Expand(spec with { SamplingSeed = 1 }, 0, "e");
        Assert.NotEqual(first.Points.Select(p => p.Label), other.Points.Select(p => p.Label));
    }

    [Fact]
    public void The_fingerprint_names_the_same_sweep_the_same_and_any_change_differently()
    {
        var spec = new SweepSpec { Grid = [new("a", ["1", "2"])], Seeds = 2 }.Validate();
        string fingerprint = SweepPlan.Expand(spec, 1, "name: e\n").Fingerprint;
        Assert.Matches("^[0-9a-f]{8}$", fingerprint);
        Assert.Equal(fingerprint, SweepPlan.Expand(spec with { Parallel = 4 }, 1, "name: e\n").Fingerprint); // how it runs is not what it is
        Assert.NotEqual(fingerprint, SweepPlan.Expand(spec, 2, "name: e\n").Fingerprint);
        Assert.NotEqual(fingerprint, SweepPlan.Expand(spec, 1, "name: f\n").Fingerprint);
        Assert.NotEqual(fingerprint, SweepPlan.Expand(spec with { Grid = [new("a", ["1", "3"])] }, 1, "name: e\n").Fingerprint);
    }

    [Fact]
    public void The_point_list_round_trips_through_points_json()
    {
        var plan = SweepPlan.Expand(new SweepSpec { Grid = [new("a", ["[1, 2]", "3"])], Seeds = 2 }.Validate(), 5, "e");
        var back = SweepPlan.FromJson(System.Text.Json.Nodes.JsonNode.Parse(plan.ToJson().ToJsonString()), "points.json");
        Assert.Equal(plan.Fingerprint, back.Fingerprint);
        Assert.Equal(plan.Keys, back.Keys);
        Assert.Equal(plan.Points.Select(p => (p.Name, p.Setting, p.Label, p.Seed)), back.Points.Select(p => (p.Name, p.Setting, p.Label, p.Seed)));
        Assert.Contains("not a sweep's point list", Assert.Throws<UserInputException>(() => SweepPlan.FromJson(System.Text.Json.Nodes.JsonNode.Parse("{}"), "points.json")).Message);
    }

    [Fact]
    public void Slurm_array_lists_fold_consecutive_points() =>
        Assert.Equal("0-3,5,7-8", SlurmSweep.ArraySpec([8, 0, 1, 2, 3, 5, 7]));
}
