using System.Text.RegularExpressions;
using Resonance.Analysis;
using Resonance.Dynamics;
using Resonance.Runtime;
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
        NoCollections.Run(() =>
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
        });
    }

    /// <summary>One run per system: bounded, not at rest, and chaotic by a short estimate of λ₁ (one tangent vector
    /// renormalised every step, i.e. the QR method with k = 1, on central differences; the autograd QR of
    /// <see cref="SystemLyapunov"/> is checked against published values in <see cref="SystemLyapunovTests"/>).</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void From_the_default_initial_condition_the_run_stays_bounded_and_its_largest_exponent_is_positive(string name)
    {
        NoCollections.Run(() =>
        {
            var system = SystemCatalog.Get(name);
            using var scope = NewDisposeScope();
            var step = SystemSimulation.Step(system, system.DefaultParameters, system.TimeStep);
            Tensor start = SystemSimulation.Advance(step, tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0), system.TransientSteps, name);
            int steps = system.Kind == SystemKind.Map ? 1000 : Math.Max(1500, system.LyapunovSteps / 8);   // slow exponents need longer runs

            var estimate = TangentLyapunov.Largest(step, start, steps / 10, steps, system.TimeStep, seed: 1, name);
            output.WriteLine($"{name}: λ1 = {estimate.Exponent:F4} (published {system.PublishedLargestExponent?.ToString("F4") ?? "-"}), |x| <= {estimate.LargestMagnitude:G3}");

            Assert.True(estimate.LargestMagnitude < 1e3, $"{name}: |x| reached {estimate.LargestMagnitude:G3}");
            Assert.True(estimate.SmallestSpread > 1e-3, $"{name}: a variable came to rest (spread {estimate.SmallestSpread:G3})");
            Assert.True(estimate.Exponent > 0, $"{name}: λ1 = {estimate.Exponent:F4}");
        });
    }

    /// <summary>Three points along the trajectory from the system's initial condition, 37 steps apart.</summary>
    static Tensor OnAttractor(DynamicalSystem system, int count)
    {
        var step = SystemSimulation.Step(system, system.DefaultParameters, system.TimeStep);
        Tensor start = tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0);
        Tensor path = SystemSimulation.Trajectory(step, start, 3 * 37, system.Name);                   // (T, 1, D): the initial conditions lie on or near the attractor
        return cat([.. Enumerable.Range(0, count).Select(i => path[(int)path.shape[0] - 1 - 37 * i])], 0);              // (count, D)
    }
}
