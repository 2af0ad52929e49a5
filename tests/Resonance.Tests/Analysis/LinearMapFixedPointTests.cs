using System.Numerics;
using Resonance.Analysis;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>The finder on <c>h → A h + b</c>: one fixed point <c>(I − A)⁻¹ b</c>, whose Jacobian is A.</summary>
public class LinearMapFixedPointTests
{
    const int Size = 4;
    const double Tolerance = 1e-5;

    /// <summary><c>A = P D P⁻¹</c> with <c>D</c> a rotation by 0.5 rad scaled by <paramref name="radius"/> next to
    /// <c>diag(d₁, d₂)</c>; P a fixed well-conditioned matrix. Eigenvalues: <c>radius · e^{±0.5i}</c>, <c>d₁</c>, <c>d₂</c>.</summary>
    static Tensor Matrix(double radius, double first, double second)
    {
        double c = radius * Math.Cos(0.5), s = radius * Math.Sin(0.5);
        Tensor block = tensor(new double[,] { { c, -s, 0, 0 }, { s, c, 0, 0 }, { 0, 0, first, 0 }, { 0, 0, 0, second } });
        using var generator = RandomStreams.Generator(3);
        Tensor basis = eye(Size, dtype: ScalarType.Float64) + 0.3 * randn([Size, Size], dtype: ScalarType.Float64, generator: generator);
        return basis.matmul(block).matmul(linalg.inv(basis));
    }

    static Complex[] Expected(double radius, double first, double second) =>
        [Complex.FromPolarCoordinates(radius, 0.5), Complex.FromPolarCoordinates(radius, -0.5), first, second];

    public static TheoryData<double, double, double, FixedPointStability, int> Cases => new()
    {
        { 0.8, 0.5, -0.3, FixedPointStability.Stable, 0 },
        { 1.2, 1.5, 0.5, FixedPointStability.Saddle, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_one_fixed_point_and_its_eigenvalues_are_found_to_1e_5(double radius, double first, double second, FixedPointStability stability, int unstable)
    {
        using var scope = NewDisposeScope();
        Tensor a = Matrix(radius, first, second);
        Tensor b = tensor(new[] { 1.0, -2.0, 0.5, 3.0 });
        Tensor expected = linalg.solve(eye(Size, dtype: ScalarType.Float64) - a, b);   // (I − A)⁻¹ b
        using var generator = RandomStreams.Generator(7);
        Tensor starts = 2 * randn([16, Size], dtype: ScalarType.Float64, generator: generator);

        var result = FixedPointFinder.Find(h => h.matmul(a.t()) + b, starts, new FixedPointOptions { Seed = 1 });

        var point = Assert.Single(result.Points);
        Assert.False(point.IsSlow, $"q = {point.Q:G3}");
        double[] want = expected.data<double>().ToArray();
        for (int i = 0; i < Size; i++) Assert.InRange(point.State[i], want[i] - Tolerance, want[i] + Tolerance);
        var eigenvalues = Expected(radius, first, second);
        foreach (var lambda in eigenvalues)
            Assert.True(point.Eigenvalues.Min(found => Complex.Abs(found - lambda)) < Tolerance, $"eigenvalue {lambda} not found in [{string.Join(", ", point.Eigenvalues)}]");
        Assert.Equal(stability, point.Stability);
        Assert.Equal(unstable, point.UnstableDirections);
        Assert.Equal(15, result.DuplicatesMerged);
        Assert.True(result.Iterations < 5000, $"every state should stop on tol_q before the iteration limit; ran {result.Iterations}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_points()
    {
        using var scope = NewDisposeScope();
        Tensor a = Matrix(0.8, 0.5, -0.3), b = ones(Size, dtype: ScalarType.Float64);
        using var generator = RandomStreams.Generator(7);
        Tensor starts = randn([64, Size], dtype: ScalarType.Float64, generator: generator);
        var options = new FixedPointOptions { InitialStates = 8, NoiseScale = 0.1, MaxIterations = 50, Seed = 5 };
        var first = FixedPointFinder.Find(h => h.matmul(a.t()) + b, starts, options);
        var second = FixedPointFinder.Find(h => h.matmul(a.t()) + b, starts, options);
        Assert.Equal(first.Points.Select(p => p.InitialState), second.Points.Select(p => p.InitialState));
        Assert.Equal(first.Points.SelectMany(p => p.State), second.Points.SelectMany(p => p.State));
    }
}
