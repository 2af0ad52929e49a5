using Resonance.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>The states a model visits on real inputs, stepped through its <see cref="IRecurrentDynamics"/>.</summary>
public static class Trajectories
{
    /// <summary>Drives the dynamics over each sequence, then <paramref name="freeSteps"/> steps without input (the
    /// resonator's reasoning steps), from the initial state.</summary>
    /// <param name="dynamics">The model's step.</param>
    /// <param name="inputs"><c>(B, T, InputSize)</c>.</param>
    /// <param name="freeSteps">Steps with no input after the sequence, &gt;= 0.</param>
    /// <returns>Every state after every step, <c>(B, T + freeSteps, StateSize)</c>, without gradients.</returns>
    public static Tensor Drive(IRecurrentDynamics dynamics, Tensor inputs, int freeSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(freeSteps);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = inputs.shape[0], steps = inputs.shape[1];
        Tensor state = dynamics.InitialState(batch, inputs.device).to(inputs.dtype);   // (B, S)
        var visited = new List<Tensor>((int)steps + freeSteps);
        for (long t = 0; t < steps + freeSteps; t++)
        {
            state = dynamics.Step(state, t < steps ? inputs.select(1, t) : null);     // (B, S)
            visited.Add(state);
        }
        return stack(visited, 1).MoveToOuterDisposeScope();                            // (B, T + R, S)
    }
}

/// <summary>Principal components of a cloud of states.</summary>
/// <param name="Mean">The states' mean, <c>(S)</c>.</param>
/// <param name="Components">The leading principal directions, <c>(k, S)</c>, each of unit length, its largest coefficient positive.</param>
/// <param name="ExplainedVariance">The share of the total variance along each direction, <c>k</c> values.</param>
public sealed record PrincipalComponents(double[] Mean, double[,] Components, double[] ExplainedVariance)
{
    /// <summary>Computes the <paramref name="count"/> leading components of <paramref name="states"/> <c>(N, S)</c> from the eigenvectors
    /// of the covariance (float64).</summary>
    public static PrincipalComponents Of(Tensor states, int count)
    {
        if (states.dim() != 2) throw new ArgumentException($"states: expected (N, S), got ({string.Join(", ", states.shape)})", nameof(states));
        using var scope = NewDisposeScope();
        long size = states.shape[1];
        int k = (int)Math.Min(count, size);
        Tensor x = states.detach().to(ScalarType.Float64, CPU);                         // (N, S)
        Tensor mean = x.mean([0]);                                                      // (S)
        Tensor centred = x - mean;
        Tensor covariance = centred.t().mm(centred) / Math.Max(1, x.shape[0] - 1);     // (S, S)
        var (values, vectors) = linalg.eigh(covariance);                                // ascending
        Tensor top = vectors.flip(1).narrow(1, 0, k).t().contiguous();                 // (k, S)
        Tensor largest = top.gather(1, top.abs().argmax(1, keepdim: true)).sign();      // (k, 1): make the largest coefficient positive
        top = (top * where(largest == 0, ones_like(largest), largest)).contiguous();
        double total = values.clamp_min(0).sum().ToDouble();
        double[] explained = values.flip(0).narrow(0, 0, k).clamp_min(0).data<double>().Select(v => total > 0 ? v / total : 0).ToArray();
        var components = new double[k, size];
        Buffer.BlockCopy(top.data<double>().ToArray(), 0, components, 0, (int)(k * size) * sizeof(double));
        return new PrincipalComponents(mean.data<double>().ToArray(), components, explained);
    }

    /// <summary>Coordinates of <paramref name="states"/> <c>(N, S)</c> along the components, <c>(N, k)</c> float64 on the CPU.</summary>
    public Tensor Project(Tensor states)
    {
        using var scope = NewDisposeScope();
        Tensor mean = tensor(Mean, dtype: ScalarType.Float64);
        Tensor components = tensor(Components, dtype: ScalarType.Float64);           // (k, S)
        return (states.detach().to(ScalarType.Float64, CPU) - mean).mm(components.t()).MoveToOuterDisposeScope();
    }
}
