using System.Text.RegularExpressions;
using Resonance.Analysis;
using Resonance.Dynamics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Resonance.Tests.Dynamics;

/// <summary>The whole catalogue: its records, each system's Jacobian against finite differences, bounded trajectories, and chaos.</summary>
public class SystemCatalogTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names() => [.. SystemCatalog.All.Select(s => s.Name)];

    [Fact]
    public void The_catalogue_holds_at_least_40_flows_and_10_maps_with_unique_kebab_case_names()
    {
        Assert.True(SystemCatalog.All.Count(s => s.Kind == SystemKind.Flow) >= 40);
        Assert.True(SystemCatalog.All.Count(s => s.Kind == SystemKind.Map) >= 10);
        Assert.Equal(SystemCatalog.All.Count, SystemCatalog.All.Select(s => s.Name).Distinct().Count());
        Assert.All(SystemCatalog.All, s => Assert.Matches(new Regex("^[a-z0-9]+(-[a-z0-9]+)*$"), s.Name));
        Assert.Equal(19, SystemCatalog.All.Count(s => s.Name.StartsWith("sprott-", StringComparison.Ordinal) && s.Name.Length == 8));
    }

    [Fact]
    public void Every_record_is_consistent_and_every_published_exponent_names_its_source()
    {
        Assert.All(SystemCatalog.All, s =>
        {
            Assert.Equal(s.Dimension, s.InitialCondition.Length);
            Assert.True(s.TimeStep > 0 && (s.Kind == SystemKind.Flow || s.TimeStep == 1));
            Assert.False(string.IsNullOrWhiteSpace(s.Equations));
            Assert.Equal(s.PublishedLargestExponent is not null, s.Source is not null);
            Assert.Equal(s.Parameters.Count, s.Parameters.Select(p => p.Name).Distinct().Count());
        });
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_autograd_Jacobian_of_the_field_matches_central_differences(string name)
    {
        var system = SystemCatalog.Get(name);
        var parameters = system.DefaultParameters;
        using var scope = NewDisposeScope();
        Tensor points = OnAttractor(system, 3);                                              // (3, D)
        Func<Tensor, Tensor> field = state => system.Field(state, parameters);
        var (jacobian, _) = Jacobians.Compute(field, points);                                // (3, D, D)
        const double h = 1e-6;
        for (int c = 0; c < system.Dimension; c++)
        {
            Tensor shift = zeros(system.Dimension, dtype: ScalarType.Float64);
            shift[c] = h;
            Tensor difference = (field(points + shift) - field(points - shift)) / (2 * h);    // (3, D): column c
            Tensor analytic = jacobian.select(2, c);
            double error = (difference - analytic).abs().max().item<double>();
            double size = 1 + analytic.abs().max().item<double>();
            Assert.True(error < 1e-5 * size, $"{name}: column {c} differs from finite differences by {error:G3}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_short_run_from_the_default_initial_condition_stays_bounded(string name)
    {
        var system = SystemCatalog.Get(name);
        using var scope = NewDisposeScope();
        var step = SystemSimulation.Step(system, system.DefaultParameters, system.TimeStep);
        Tensor start = tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0);
        Tensor path = SystemSimulation.Trajectory(step, start, system.TransientSteps + 2000, name);   // (T, 1, D)
        double largest = path.abs().max().item<double>();
        Assert.True(largest < 1e3, $"{name}: |x| reached {largest:G3}");
        Tensor late = path.narrow(0, path.shape[0] - 1000, 1000);
        Assert.True(late.std([0]).max().item<double>() > 1e-3, $"{name}: the trajectory came to rest");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_short_QR_estimate_of_the_largest_exponent_is_positive(string name)
    {
        var system = SystemCatalog.Get(name);
        int steps = system.Kind == SystemKind.Map ? 1000 : Math.Min(system.LyapunovSteps, 3000);
        var result = SystemLyapunov.Compute(system, new SystemLyapunovOptions { Conditions = 2, Steps = steps, Exponents = Math.Min(2, system.Dimension), Seed = 1 });
        output.WriteLine($"{name}: λ1 = {result.Exponents[0]:F4} (published {system.PublishedLargestExponent?.ToString("F4") ?? "-"})");
        Assert.True(result.Exponents[0] > 0, $"{name}: λ1 = {result.Exponents[0]:F4}");
    }

    /// <summary>Points on the attractor: the system's transient from its initial condition and slightly perturbed copies.</summary>
    static Tensor OnAttractor(DynamicalSystem system, int count)
    {
        var step = SystemSimulation.Step(system, system.DefaultParameters, system.TimeStep);
        Tensor start = tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0);
        Tensor path = SystemSimulation.Trajectory(step, start, Math.Max(system.TransientSteps, 3 * 37), system.Name);  // (T, 1, D)
        return cat([.. Enumerable.Range(0, count).Select(i => path[(int)path.shape[0] - 1 - 37 * i])], 0);              // (count, D)
    }
}
