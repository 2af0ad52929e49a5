using Resonance.Models;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>A trained temporal-averaging net run for any number of iterations at evaluation, keeping what each iteration gives.</summary>
/// <remarks>
/// <code>
/// s₀ = 0,  sₜ = F(sₜ₋₁, xₜ)       the net's own step (TemporalAveragingNet.Dynamics), t = 1..T
/// yₜ = W_out a_L,ₜ + b_out        the readout of iteration t
/// ȳ(T) = (1/T) Σ_{t ≤ T} yₜ       the averaged answer after T iterations: exactly the net's output when built with T iterations
/// </code>
/// So one run of <c>T_max</c> iterations gives the averaged answers for every <c>T ≤ T_max</c> at once. The weights are those
/// trained at <c>model.iterations</c>; only the number of iterations changes. The input is presented as
/// <c>model.eval_input</c> says; a Bernoulli presentation draws from the stream of <c>evalSeed</c>.
/// </remarks>
internal static class IterationRun
{
    /// <summary>Runs <paramref name="iterations"/> iterations on a batch of images, without gradients.</summary>
    /// <param name="net">In evaluation mode.</param>
    /// <param name="images"><c>(B, 28, 28)</c> (or any <c>(B, steps, features)</c> the net reads) intensities.</param>
    /// <param name="iterations"><c>T_max</c>, positive.</param>
    /// <param name="evalSeed">Stream of a Bernoulli presentation.</param>
    /// <param name="keepStates">Also return every iteration's state.</param>
    /// <returns>Readouts <c>yₜ</c> <c>(T, B, classes)</c>; with <paramref name="keepStates"/>, states <c>sₜ</c> <c>(T, B, L·H)</c>, exactly 0/1.</returns>
    public static (Tensor Readouts, Tensor? States) Run(TemporalAveragingNet net, Tensor images, int iterations, long evalSeed, bool keepStates)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = images.shape[0];
        Tensor pixels = images.reshape(batch, net.Pixels);                                 // (B, N)
        using var generator = net.Options.EvalInput == InputPresentation.Bernoulli ? StochasticInput.Generator(evalSeed, 0) : null;
        Tensor presented = StochasticInput.Present(pixels, iterations, net.Options.EvalInput, generator); // (T, B, N)
        Tensor state = net.Dynamics.InitialState(batch, images.device);                   // (B, L·H)
        var readouts = new List<Tensor>(iterations);
        var states = keepStates ? new List<Tensor>(iterations) : null;
        for (int t = 0; t < iterations; t++)
        {
            state = net.Dynamics.Step(state, presented[t]);
            readouts.Add(net.ReadoutFromState(state));
            states?.Add(state);
        }
        Tensor allReadouts = stack(readouts).MoveToOuterDisposeScope();                   // (T, B, C)
        Tensor? allStates = states is null ? null : stack(states).MoveToOuterDisposeScope(); // (T, B, L·H)
        return (allReadouts, allStates);
    }

    /// <summary>The averaged answers <c>ȳ(T)</c> for every <c>T = 1..T_max</c>.</summary>
    /// <param name="readouts"><c>(T_max, B, classes)</c>.</param>
    /// <returns><c>(T_max, B, classes)</c>: row <c>T − 1</c> is the mean of the first <c>T</c> readouts.</returns>
    public static Tensor Averaged(Tensor readouts)
    {
        using var scope = NewDisposeScope();
        long iterations = readouts.shape[0];
        Tensor counts = arange(1, iterations + 1, dtype: readouts.dtype, device: readouts.device).reshape(iterations, 1, 1);
        return readouts.cumsum(0).div(counts).MoveToOuterDisposeScope();
    }
}
