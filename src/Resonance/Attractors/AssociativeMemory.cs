using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>
/// <c>K</c> associative memories that turn cues into trajectories, so learned, classical and modern memories meet the
/// same tests. States are compared with memories through <see cref="Overlaps"/>.
/// </summary>
public interface IAssociativeMemory
{
    /// <summary>Nets <c>K</c>.</summary>
    int Count { get; }

    /// <summary>Leading steps of a trajectory during which the cue is still applied (0 when the cue is only the initial state).</summary>
    int PresentSteps { get; }

    /// <summary>Runs every cue.</summary>
    /// <param name="cues"><c>(K, B, N)</c>.</param>
    /// <returns>States after each step, <c>(K, B, T, N)</c>, <c>T &gt; PresentSteps</c>.</returns>
    Tensor Recall(Tensor cues);
}

/// <summary>Trained <see cref="AttractorRnn"/> nets: the cue is presented for <c>presentSteps</c>, then the net runs free.</summary>
public sealed class LearnedMemory(AttractorRnn model, int presentSteps, int retainSteps) : IAssociativeMemory
{
    public int Count => model.Count;
    public int PresentSteps => presentSteps;

    public Tensor Recall(Tensor cues)
    {
        using var noGrad = no_grad();
        return model.Run(cues, presentSteps, retainSteps);
    }
}

/// <summary>Networks given by weights <c>(K, N, N)</c> (classical rules, or learned <c>W_self</c>), run from the cue as initial state.</summary>
/// <param name="weights"><c>(K, N, N)</c>; not owned.</param>
/// <param name="update">Sign, asynchronous sign or tanh dynamics.</param>
/// <param name="steps">Updates (sweeps when asynchronous).</param>
/// <param name="gain">Gain of the tanh dynamics.</param>
/// <param name="orderSeed">Seed of the asynchronous update orders (each recall restarts the stream, so it is repeatable).</param>
public sealed class WeightMemory(Tensor weights, HopfieldUpdate update, int steps, double gain = 1.0, long orderSeed = 0) : IAssociativeMemory
{
    public int Count => (int)weights.shape[0];
    public int PresentSteps => 0;

    public Tensor Recall(Tensor cues)
    {
        using var order = update == HopfieldUpdate.AsyncSign ? Runtime.RandomStreams.Generator(orderSeed) : null;
        return HopfieldDynamics.Run(weights, cues, steps, update, gain, order);
    }
}

/// <summary>Modern Hopfield memories: one update <c>ξ ← X softmax(β Xᵀ ξ)</c> (a trajectory of one step).</summary>
/// <param name="memories"><c>(K, P, N)</c>; not owned.</param>
/// <param name="mask"><c>(K, P)</c>; not owned.</param>
/// <param name="beta">Inverse temperature.</param>
public sealed class ModernMemory(Tensor memories, Tensor mask, double beta) : IAssociativeMemory
{
    public int Count => (int)memories.shape[0];
    public int PresentSteps => 0;

    public Tensor Recall(Tensor cues)
    {
        using var scope = NewDisposeScope();
        return ModernHopfield.Retrieve(memories, mask, cues, beta).unsqueeze(2).MoveToOuterDisposeScope();
    }
}

/// <summary>Dense associative memories with hidden neurons (<see cref="DenseHopfield"/>), constructed or learned, run from the cue as initial state.</summary>
/// <param name="weights">The nets; not owned.</param>
/// <param name="steps">Updates.</param>
public sealed class DenseMemory(DenseWeights weights, int steps) : IAssociativeMemory
{
    public int Count => weights.Count;
    public int PresentSteps => 0;

    public Tensor Recall(Tensor cues)
    {
        using var noGrad = no_grad();
        return DenseHopfield.Run(weights, cues, steps);
    }
}
