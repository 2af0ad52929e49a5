using Resonance.Dynamics;
using static TorchSharp.torch;

namespace Resonance.Tests.Dynamics;

/// <summary>RK4 and Dormand–Prince 5(4) on the harmonic oscillator <c>x' = v, v' = −x</c>, whose solution from (1, 0) is (cos t, −sin t).</summary>
public class IntegratorTests
{
    static Tensor Oscillator(Tensor state) => stack([state.select(1, 1), -state.select(1, 0)], 1);

    static Tensor Start() => tensor(new[] { 1.0, 0.0, 0.5, 0.5 }, [2, 2], dtype: ScalarType.Float64);           // (2, 2): two initial conditions

    /// <summary>The exact state at <paramref name="time"/> from <see cref="Start"/>, <c>(2, 2)</c>.</summary>
    static Tensor Exact(double time)
    {
        double c = Math.Cos(time), s = Math.Sin(time);
        return tensor(new[] { c, -s, 0.5 * c + 0.5 * s, -0.5 * s + 0.5 * c }, [2, 2], dtype: ScalarType.Float64);
    }

    static double Rk4Error(double dt, double time)
    {
        using var scope = NewDisposeScope();
        Tensor end = Rk4.Advance(Oscillator, Start(), dt, (int)Math.Round(time / dt));
        return (end - Exact(time)).abs().max().item<double>();
    }

    [Fact]
    public void Rk4_is_fourth_order_halving_the_step_divides_the_error_by_about_16()
    {
        double coarse = Rk4Error(0.1, 10), fine = Rk4Error(0.05, 10), finer = Rk4Error(0.025, 10);

        Assert.InRange(coarse / fine, 14, 18);
        Assert.InRange(fine / finer, 14, 18);
        Assert.True(coarse < 1e-4);
    }

    [Fact]
    public void Rk4_on_a_map_free_linear_field_keeps_each_row_independent()
    {
        using var scope = NewDisposeScope();
        Tensor both = Rk4.Advance(Oscillator, Start(), 0.01, 100);
        Tensor first = Rk4.Advance(Oscillator, Start().narrow(0, 0, 1), 0.01, 100);

        Assert.Equal(first[0, 0].item<double>(), both[0, 0].item<double>(), 15);
        Assert.Equal(first[0, 1].item<double>(), both[0, 1].item<double>(), 15);
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(1e-7)]
    [InlineData(1e-10)]
    public void Dormand_Prince_meets_the_requested_tolerance_on_every_output_time(double tolerance)
    {
        using var scope = NewDisposeScope();
        double[] times = [.. Enumerable.Range(1, 20).Select(i => 0.5 * i)];

        var solution = DormandPrince.Solve(Oscillator, Start(), times, new DormandPrinceOptions { RelativeTolerance = tolerance, AbsoluteTolerance = tolerance });

        Assert.Equal([20L, 2, 2], solution.States.shape);
        for (int i = 0; i < times.Length; i++)
        {
            double error = (solution.States[i] - Exact(times[i])).abs().max().item<double>();
            Assert.True(error < 50 * tolerance, $"t = {times[i]}: error {error:G3} for tolerance {tolerance:G1}");
        }
    }

    [Fact]
    public void Dormand_Prince_takes_more_steps_for_a_tighter_tolerance_at_about_the_fifth_root_rate()
    {
        using var scope = NewDisposeScope();
        int Steps(double tolerance) => DormandPrince.Solve(Oscillator, Start(), [10.0], new DormandPrinceOptions { RelativeTolerance = tolerance, AbsoluteTolerance = tolerance }).AcceptedSteps;

        int loose = Steps(1e-5), tight = Steps(1e-10);

        Assert.InRange(tight / (double)loose, Math.Pow(1e5, 0.2) * 0.6, Math.Pow(1e5, 0.2) * 1.6);   // steps ∝ tol^(−1/5)
    }

    [Fact]
    public void Dormand_Prince_rejects_a_first_step_that_is_too_long_and_still_meets_the_tolerance()
    {
        using var scope = NewDisposeScope();

        var solution = DormandPrince.Solve(Oscillator, Start(), [10.0], new DormandPrinceOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-9, InitialStep = 5 });

        Assert.True(solution.RejectedSteps > 0);
        Assert.True((solution.States[0] - Exact(10)).abs().max().item<double>() < 1e-7);
    }

    [Fact]
    public void Dormand_Prince_reports_a_blow_up_as_a_divergence()
    {
        using var scope = NewDisposeScope();
        Tensor start = ones(1, 1, dtype: ScalarType.Float64);

        var error = Assert.Throws<DivergenceException>(() => DormandPrince.Solve(x => x * x, start, [2.0], new DormandPrinceOptions()));   // x' = x², x(t) = 1/(1 − t)

        Assert.Contains("Dormand-Prince", error.Message);
    }

    [Fact]
    public void Dormand_Prince_refuses_output_times_that_do_not_increase()
    {
        using var scope = NewDisposeScope();

        var error = Assert.Throws<UserInputException>(() => DormandPrince.Solve(Oscillator, Start(), [1.0, 1.0], new DormandPrinceOptions()));

        Assert.Contains("increasing", error.Message);
    }
}
