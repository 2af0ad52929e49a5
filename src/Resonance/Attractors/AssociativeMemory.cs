using Resonance.Models;
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

    /// <summary>Net <paramref name="index"/>'s free-running update <c>h → F(h)</c> (no cue, <c>InputSize</c> 0) for analysis: fixed
    /// points, Jacobians, Lyapunov spectra. It runs in the state's dtype and reads the weights as they are at each call.</summary>
    /// <param name="index">In <c>[0, K)</c>.</param>
    IRecurrentDynamics Net(int index);
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

    /// <summary>The free-running step <c>h → f(W_self h)</c> (the cue off).</summary>
    public IRecurrentDynamics Net(int index)
    {
        var net = model.Net(index);
        return new MemoryNet(model.Neurons, state => net.Step(state, null));
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

    /// <summary><c>h → tanh(gain W h)</c>, or <c>h → sign(W h)</c> (a zero field keeps <c>h_i</c>) for both sign updates: the
    /// asynchronous sweep has the same fixed points as the synchronous map. The sign map's Jacobian is 0 wherever it is defined.</summary>
    public IRecurrentDynamics Net(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Tensor w = weights[index];                                                              // (N, N)
        return new MemoryNet((int)weights.shape[^1], state =>
        {
            using var scope = NewDisposeScope();
            Tensor field = state.matmul(w.to(state.dtype, state.device).t());                  // (B, N): (W h)ᵀ
            return (update == HopfieldUpdate.Tanh ? (gain * field).tanh() : HopfieldDynamics.SignKeepingZero(field, state)).MoveToOuterDisposeScope();
        });
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

    /// <summary><c>ξ → X softmax(β Xᵀ ξ)</c> over net <paramref name="index"/>'s real memories.</summary>
    public IRecurrentDynamics Net(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Tensor real = memories[index].index_select(0, nonzero(mask[index]).reshape(-1));      // (P, N)
        return new MemoryNet((int)memories.shape[^1], state =>
        {
            using var scope = NewDisposeScope();
            Tensor x = real.to(state.dtype, state.device);
            return (beta * state.matmul(x.t())).softmax(-1).matmul(x).MoveToOuterDisposeScope(); // (B, N)
        });
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

    /// <summary><c>v → tanh(Drive relu(Listen v / N + Bias))</c> of net <paramref name="index"/>.</summary>
    public IRecurrentDynamics Net(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Tensor listen = weights.Listen[index], bias = weights.Bias[index], drive = weights.Drive[index]; // (H, N), (H), (N, H)
        int n = (int)listen.shape[1];
        return new MemoryNet(n, state =>
        {
            using var scope = NewDisposeScope();
            Tensor hidden = (state.matmul(listen.to(state.dtype, state.device).t()) / n + bias.to(state.dtype, state.device)).relu(); // (B, H)
            return hidden.matmul(drive.to(state.dtype, state.device).t()).tanh().MoveToOuterDisposeScope();                          // (B, N)
        });
    }
}

/// <summary>One memory's free-running update as <see cref="IRecurrentDynamics"/>: the state is the <c>N</c> neurons, there is no
/// input (the cue is the initial state), and the initial state is zero.</summary>
/// <param name="neurons"><c>N</c>.</param>
/// <param name="step"><c>(B, N)</c> to <c>(B, N)</c>.</param>
internal sealed class MemoryNet(int neurons, Func<Tensor, Tensor> step) : IRecurrentDynamics
{
    public int StateSize => neurons;
    public int InputSize => 0;
    public Tensor InitialState(long batch, Device device) => zeros(batch, neurons, device: device);

    public Tensor Step(Tensor state, Tensor? input)
    {
        if (input is not null && input.numel() != 0)
            throw new ArgumentException("an associative memory's update takes no input: the cue is its initial state", nameof(input));
        return step(state);
    }
}
