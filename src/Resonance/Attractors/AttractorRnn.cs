using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Attractors;

/// <summary>What makes one net of an <see cref="AttractorRnn"/> stack differ from the others.</summary>
/// <param name="Seed">Seed of the net's own random streams (initial weights, connectivity mask).</param>
/// <param name="Activation">Its non-linearity.</param>
/// <param name="Symmetric">Whether its recurrent weights are <c>(L + Lᵀ)/2</c>.</param>
public sealed record AttractorNetSpec(long Seed, Activation Activation = Activation.Tanh, bool Symmetric = true);

/// <summary>
/// <c>K</c> independent attractor RNNs of <c>N</c> neurons stacked along a leading "net" dimension, so a whole sweep runs as
/// one batched tensor program (<c>bmm</c> over nets). Net <c>k</c> is exactly the net it would be alone.
/// </summary>
/// <remarks>
/// <code>
/// h_0 = 0
/// h_t = f_k(W_self,k h_{t-1} + W_input,k x_t)        x_t = cue (t &lt;= presentSteps), 0 after
/// W_self,k = (L_k + L_kᵀ)/2 if symmetric else L_k, times the net's connectivity mask (and with a zero diagonal without self-coupling)
/// </code>
/// In code states are rows, so <c>W h</c> is <c>h @ Wᵀ</c>. Parameters: <see cref="Recurrent"/> <c>L</c> and
/// <see cref="Input"/> <c>W_input</c>, both <c>(K, N, N)</c>, initialised <c>U(-s/√N, s/√N)</c>, each net and weight from its own
/// stream (<c>Derive(seed_k, "w_self")</c>, <c>Derive(seed_k, "w_input")</c>). No bias, no decoder: the readout is the fixed
/// overlap with the memory.
/// </remarks>
public sealed class AttractorRnn : nn.Module
{
    readonly Activation[] activations;
    readonly Tensor symmetric;       // (K, 1, 1) bool
    readonly bool allSymmetric, noneSymmetric;
    readonly Tensor? connectivity;   // (K, N, N) float, null when all-to-all
    readonly Tensor? offDiagonal;    // (N, N) float, null when self-coupling is allowed
    readonly (Activation Activation, Tensor Mask)[] activationGroups;  // (K, 1, 1) bool each, when activations differ

    /// <summary>Builds the stack on <paramref name="device"/>.</summary>
    /// <param name="nets">One spec per net; <c>K</c> = its length, at least 1.</param>
    /// <param name="neurons"><c>N</c>.</param>
    /// <param name="initScale"><c>s</c> of the initial weights.</param>
    /// <param name="connectivityFraction">Fraction of off-diagonal recurrent connections kept (1 = all).</param>
    /// <param name="device">Where the weights live.</param>
    /// <param name="selfCoupling">Whether <c>W_self</c> has a diagonal; false holds it at zero (no neuron drives itself, as in the
    /// classical rules), whatever <c>L</c>'s diagonal is.</param>
    public AttractorRnn(IReadOnlyList<AttractorNetSpec> nets, int neurons, double initScale = 1.0, double connectivityFraction = 1.0, Device? device = null,
        bool selfCoupling = true)
        : base(nameof(AttractorRnn))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nets.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(neurons, 1);
        device ??= CPU;
        Neurons = neurons;
        Specs = nets.ToArray();
        activations = nets.Select(n => n.Activation).ToArray();
        double bound = initScale / Math.Sqrt(neurons);
        allSymmetric = nets.All(n => n.Symmetric);
        noneSymmetric = nets.All(n => !n.Symmetric);
        Tensor recurrent, input;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            recurrent = stack(nets.Select(n => Uniform(n.Seed, "w_self", bound, neurons)).ToArray()).to(device).DetachFromDisposeScope();
            input = stack(nets.Select(n => Uniform(n.Seed, "w_input", bound, neurons)).ToArray()).to(device).DetachFromDisposeScope();
            symmetric = tensor(nets.Select(n => n.Symmetric).ToArray()).reshape(-1, 1, 1).to(device).DetachFromDisposeScope();
            if (!selfCoupling) offDiagonal = (1 - eye(neurons)).to(device).DetachFromDisposeScope();
            if (connectivityFraction < 1)
                connectivity = stack(nets.Select(n => ConnectivityMask(n.Seed, neurons, connectivityFraction)).ToArray()).to(device).DetachFromDisposeScope();
            activationGroups = activations.Distinct().Count() == 1 ? []
                : activations.Distinct().Select(a => (a, tensor(activations.Select(x => x == a).ToArray()).reshape(-1, 1, 1).to(device).DetachFromDisposeScope())).ToArray();
        }
        Recurrent = new Parameter(recurrent);
        Input = new Parameter(input);
        register_parameter("recurrent", Recurrent);
        register_parameter("input", Input);
    }

    /// <summary>Raw recurrent weights <c>L</c>, <c>(K, N, N)</c>.</summary>
    public Parameter Recurrent { get; }

    /// <summary>Input weights <c>W_input</c>, <c>(K, N, N)</c>.</summary>
    public Parameter Input { get; }

    /// <summary>Neurons <c>N</c>.</summary>
    public int Neurons { get; }

    /// <summary>Nets <c>K</c>.</summary>
    public int Count => Specs.Count;

    /// <summary>The nets' specs, in stack order.</summary>
    public IReadOnlyList<AttractorNetSpec> Specs { get; }

    /// <summary>The recurrent weights used in the dynamics, <c>W_self</c>, <c>(K, N, N)</c>.</summary>
    public Tensor SelfWeights()
    {
        using var scope = NewDisposeScope();
        Tensor w = allSymmetric ? (Recurrent + Recurrent.transpose(1, 2)) / 2
            : noneSymmetric ? Recurrent.alias()
            : where(symmetric, (Recurrent + Recurrent.transpose(1, 2)) / 2, Recurrent);
        if (connectivity is not null) w = w * connectivity;
        if (offDiagonal is not null) w = w * offDiagonal;
        return w.MoveToOuterDisposeScope();
    }

    /// <summary><c>f_k(u)</c> for each net's own activation.</summary>
    /// <param name="u">Pre-activations <c>(K, ...)</c>.</param>
    public Tensor Activate(Tensor u)
    {
        if (activationGroups.Length == 0) return Activations.Apply(activations[0], u);
        using var scope = NewDisposeScope();
        Tensor result = Activations.Apply(activationGroups[0].Activation, u);
        foreach (var (activation, mask) in activationGroups.Skip(1))
            result = where(Broadcast(mask, u), Activations.Apply(activation, u), result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Presents each cue for <paramref name="presentSteps"/> steps, then runs free for <paramref name="retainSteps"/>.</summary>
    /// <param name="cues"><c>(K, B, N)</c>: <c>B</c> cues per net.</param>
    /// <param name="presentSteps">Steps with the cue on.</param>
    /// <param name="retainSteps">Steps with the cue off.</param>
    /// <returns>States after every step, <c>(K, B, presentSteps + retainSteps, N)</c>.</returns>
    public Tensor Run(Tensor cues, int presentSteps, int retainSteps)
    {
        using var scope = NewDisposeScope();
        return RunCore(cues, presentSteps, retainSteps, null).MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="Run"/>, and also the local fields (pre-activations) <c>u_t = W_self h_{t-1} + W_input x_t</c> of the
    /// free-running steps, <c>(K, B, retainSteps, N)</c>: what a margin loss on the read-out bits needs.</summary>
    public (Tensor States, Tensor FreeFields) RunWithFields(Tensor cues, int presentSteps, int retainSteps)
    {
        using var scope = NewDisposeScope();
        var fields = new List<Tensor>(retainSteps);
        Tensor states = RunCore(cues, presentSteps, retainSteps, fields);
        return (states.MoveToOuterDisposeScope(), stack(fields, 2).MoveToOuterDisposeScope());
    }

    Tensor RunCore(Tensor cues, int presentSteps, int retainSteps, List<Tensor>? freeFields)
    {
        Tensor selfT = SelfWeights().transpose(1, 2);              // (K, N, N): h @ W_selfᵀ = (W_self h)ᵀ
        Tensor drive = bmm(cues, Input.transpose(1, 2));            // (K, B, N): W_input x
        var states = new List<Tensor>(presentSteps + retainSteps);
        Tensor h = Activate(drive);                                 // h_1 = f(W_self · 0 + W_input x)
        states.Add(h);
        for (int t = 1; t < presentSteps; t++)
        {
            h = Activate(drive + bmm(h, selfT));                    // TorchSharp 0.107 passes baddbmm's operands in the wrong order
            states.Add(h);
        }
        for (int t = 0; t < retainSteps; t++)
        {
            Tensor u = bmm(h, selfT);
            freeFields?.Add(u);
            h = Activate(u);
            states.Add(h);
        }
        return stack(states, 2);                                    // (K, B, T, N)
    }

    /// <summary>The fixed-point residual <c>f(W_self m) - m</c>, <c>(K, B, N)</c>, for memories <c>(K, B, N)</c>.</summary>
    public Tensor FixedPointResidual(Tensor memories)
    {
        using var scope = NewDisposeScope();
        return (Activate(bmm(memories, SelfWeights().transpose(1, 2))) - memories).MoveToOuterDisposeScope();
    }

    /// <summary>Net <paramref name="index"/> as an autonomous map for analysis (fixed points, Jacobians): state <c>h</c>,
    /// input the cue, <c>h' = f(W_self h + W_input x)</c>. It reads this stack's weights as they are at each call.</summary>
    public IRecurrentDynamics Net(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new SingleNet(this, index);
    }

    static Tensor Broadcast(Tensor mask, Tensor like) => mask.reshape([mask.shape[0], .. Enumerable.Repeat(1L, (int)like.dim() - 1)]);

    static Tensor Uniform(long seed, string name, double bound, int neurons)
    {
        var weight = empty(neurons, neurons);
        RandomStreams.Uniform(weight, bound, RandomStreams.Derive(seed, name));
        return weight;
    }

    /// <summary>A symmetric 0/1 mask keeping each off-diagonal pair with probability <paramref name="fraction"/>; the diagonal is kept.</summary>
    internal static Tensor ConnectivityMask(long seed, int neurons, double fraction)
    {
        using var scope = NewDisposeScope();
        using var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "connectivity"));
        Tensor keep = (rand([neurons, neurons], generator: generator) < fraction).to(float32).triu(1);
        return (keep + keep.t() + eye(neurons)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            symmetric.Dispose();
            connectivity?.Dispose();
            offDiagonal?.Dispose();
            foreach (var (_, mask) in activationGroups) mask.Dispose();
        }
        base.Dispose(disposing);
    }

    sealed class SingleNet(AttractorRnn stack, int index) : IRecurrentDynamics
    {
        public int StateSize => stack.Neurons;
        public int InputSize => stack.Neurons;

        public Tensor InitialState(long batch, Device device) => zeros(batch, stack.Neurons, device: device);

        public Tensor Step(Tensor state, Tensor? input)
        {
            using var scope = NewDisposeScope();
            Tensor w = stack.SelfWeights()[index].to(state.dtype, state.device);    // (N, N), in the state's dtype
            Tensor u = state.matmul(w.t());
            if (input is not null) u = u + input.matmul(stack.Input[index].to(state.dtype, state.device).t());
            return Activations.Apply(stack.activations[index], u).MoveToOuterDisposeScope();
        }
    }
}
