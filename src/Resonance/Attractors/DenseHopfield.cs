using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>The weights of <c>K</c> dense associative memories with <c>H</c> hidden neurons each (see <see cref="DenseHopfield"/>).</summary>
/// <param name="Listen"><c>(K, H, N)</c>: what each hidden neuron listens to, in units of ±1 entries (the field is divided by <c>N</c>).</param>
/// <param name="Bias"><c>(K, H)</c>: each hidden neuron's bias (minus its threshold).</param>
/// <param name="Drive"><c>(K, N, H)</c>: how each hidden neuron drives the visible ones.</param>
public sealed record DenseWeights(Tensor Listen, Tensor Bias, Tensor Drive) : IDisposable
{
    /// <summary>Nets <c>K</c>.</summary>
    public int Count => (int)Listen.shape[0];

    public void Dispose()
    {
        Listen.Dispose();
        Bias.Dispose();
        Drive.Dispose();
    }
}

/// <summary>
/// A dense associative memory with hidden neurons (Krotov &amp; Hopfield 2021, "Large associative memory problem in
/// neurobiology and machine learning"): visible neurons <c>v</c> (the state read out), hidden neurons <c>z</c> fast enough to
/// settle within a step:
/// <code>
/// z = relu(Listen v / N + Bias)            hidden neurons
/// v ← tanh(Drive z)                         visible neurons, synchronous, from the cue as initial state
/// </code>
/// The constructed memory (<see cref="Construct"/>) has one hidden neuron per memory <c>ξ_μ</c>: <c>Listen_μ = ξ_μ</c>,
/// <c>Bias_μ = −θ</c>, <c>Drive = gain · Σ_μ ξ_μ</c>, so neuron <c>μ</c> fires only while the state's overlap with its memory
/// exceeds <c>θ</c>. A learned memory (<see cref="DenseTrainer"/>) has the same dynamics with trained weights.
/// </summary>
/// <remarks>
/// Eliminating the hidden neurons of the constructed memory leaves the visible neurons with an energy
/// <c>−(N/2) Σ_μ relu(ξ_μ·v/N − θ)²</c>, a rectified polynomial of degree 2 in the overlaps (Krotov &amp; Hopfield 2016), not a
/// sum of pairwise couplings: a memory far from the state (overlap below <c>θ</c>) adds nothing to the field, so the crosstalk
/// that caps every pairwise rule is cut off. A cue must start with overlap above <c>θ</c> to be pulled in (30%-flip cues have 0.4).
/// </remarks>
public static class DenseHopfield
{
    /// <summary>Default threshold <c>θ</c> on the overlap (YAML <c>boundary.dense_threshold</c>).</summary>
    public const double DefaultThreshold = 0.25;

    /// <summary>Default gain of the visible neurons (YAML <c>boundary.dense_gain</c>).</summary>
    public const double DefaultGain = 6;

    /// <summary>One hidden neuron per memory; a padding row of <paramref name="mask"/> drives nothing.</summary>
    /// <param name="memories"><c>(K, P, N)</c>, rows are memories.</param>
    /// <param name="mask"><c>(K, P)</c>, 1 = real memory.</param>
    /// <param name="threshold"><c>θ</c>.</param>
    /// <param name="gain">Gain of the visible tanh.</param>
    public static DenseWeights Construct(Tensor memories, Tensor mask, double threshold = DefaultThreshold, double gain = DefaultGain)
    {
        using var scope = NewDisposeScope();
        Tensor listen = memories.clone(), bias = full_like(mask, HeldScalars.Of(-threshold));
        Tensor drive = (memories * mask.unsqueeze(-1).mul(HeldScalars.Of(gain))).transpose(1, 2).contiguous();           // (K, N, P)
        return new DenseWeights(listen.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope(), drive.MoveToOuterDisposeScope());
    }

    /// <summary>The visible neurons' field <c>Drive relu(Listen v / N + Bias)</c> for states <c>(K, B, N)</c>, <c>(K, B, N)</c>.</summary>
    public static Tensor Field(DenseWeights weights, Tensor states)
    {
        using var scope = NewDisposeScope();
        long n = states.shape[^1];
        Tensor hidden = bmm(states, weights.Listen.transpose(1, 2)).div_(HeldScalars.Of(n)).add_(weights.Bias.unsqueeze(1), HeldScalars.One).relu_();   // (K, B, H)
        return bmm(hidden, weights.Drive.transpose(1, 2)).MoveToOuterDisposeScope();
    }

    /// <summary>Runs <paramref name="steps"/> updates from the cues.</summary>
    /// <param name="weights">The nets.</param>
    /// <param name="cues">Initial visible states <c>(K, B, N)</c>.</param>
    /// <param name="steps">Updates, &gt;= 1.</param>
    /// <returns>Visible states after each update, <c>(K, B, steps, N)</c>.</returns>
    public static Tensor Run(DenseWeights weights, Tensor cues, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = NewDisposeScope();
        long n = cues.shape[^1];
        Tensor listen = weights.Listen.transpose(1, 2).div(HeldScalars.Of(n)), bias = weights.Bias.unsqueeze(1), drive = weights.Drive.transpose(1, 2);
        var states = new List<Tensor>(steps);
        Tensor v = cues;
        for (int t = 0; t < steps; t++)
        {
            v = bmm(bmm(v, listen).add_(bias, HeldScalars.One).relu_(), drive).tanh_();
            states.Add(v);
        }
        return stack(states, 2).MoveToOuterDisposeScope();
    }

    /// <summary>The constructed memory's energy <c>E(v) = −(N/2) Σ_μ relu(ξ_μ·v/N − θ)²</c>, states <c>(K, B, N)</c> → <c>(K, B)</c>.</summary>
    /// <remarks>Its field on neuron <c>i</c>, <c>−∂E/∂v_i = Σ_μ ξ_μi relu(ξ_μ·v/N − θ)</c>, is the constructed memory's (up to the gain). The
    /// rectified square is convex, so flipping one neuron to the sign of its field never raises <c>E</c>: asynchronous sign dynamics
    /// descend it, as they descend the pairwise energy of a symmetric Hopfield net.</remarks>
    public static Tensor Energy(Tensor memories, Tensor mask, Tensor states, double threshold = DefaultThreshold)
    {
        using var scope = NewDisposeScope();
        long n = memories.shape[^1];
        Tensor above = bmm(states, memories.transpose(1, 2)).div_(HeldScalars.Of(n)).sub_(HeldScalars.Of(threshold)).relu_().mul(mask.unsqueeze(1));     // (K, B, P)
        return above.square().sum([-1]).mul_(HeldScalars.Of(-0.5 * n)).MoveToOuterDisposeScope();
    }

    /// <summary>The constructed memory of <paramref name="memories"/> run from <paramref name="cues"/>: <see cref="Construct"/>, then <see cref="Run(DenseWeights, Tensor, int)"/>.</summary>
    public static Tensor Run(Tensor memories, Tensor mask, Tensor cues, int steps, double threshold = DefaultThreshold, double gain = DefaultGain)
    {
        using var weights = Construct(memories, mask, threshold, gain);
        return Run(weights, cues, steps);
    }
}
