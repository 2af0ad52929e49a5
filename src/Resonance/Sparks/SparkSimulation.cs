using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>
/// The spark network: <c>S</c> sparks walking <c>N</c> neurons, strengthening the edges they use, leaving a slow
/// memory trace, with the neurons laid out by force-directed physics. The same code runs on CPU and CUDA.
/// </summary>
/// <remarks>
/// The rules are on <see cref="SparkOptions"/> and <see cref="SparkLayoutOptions"/>. One step moves all sparks at
/// once (softmax over the gathered rows of <c>W</c>, one uniform draw per spark through the cumulative distribution), decays <c>W</c>, <c>M</c> and
/// <c>a</c>, applies the saturating uses, then steps the layout. Each random thing has its own
/// <see cref="torch.Generator"/> (see <see cref="SeedStreams"/>): same seed, options and device, same numbers.
/// The state tensors are owned by the simulation; read them, do not write them.
/// </remarks>
public sealed class SparkSimulation : IDisposable
{
    readonly Generator moves;
    readonly Tensor weights, memory, activations, positions, sparks; // (N, N), (N), (N), (N, 2), (S) int64
    readonly Tensor negativeInfinity, zeros;                           // (S, 1) constants for masking self-moves

    /// <summary>Starts a simulation: weights uniform in [0, initialWeight) with a zero diagonal, sparks at distinct
    /// random neurons, memory and activations 0, layout positions uniform in the unit square.</summary>
    /// <param name="options">The rules; validated here.</param>
    /// <param name="seed">Seed of all random streams.</param>
    /// <param name="device">Where the tensors live; the CPU when null.</param>
    /// <param name="layout">The layout; the defaults when null.</param>
    /// <exception cref="UserInputException">An option is out of range.</exception>
    public SparkSimulation(SparkOptions options, long seed, Device? device = null, SparkLayoutOptions? layout = null)
        : this(options, layout ?? new SparkLayoutOptions(), seed, device ?? CPU, state: null, moveState: null)
    {
    }

    SparkSimulation(SparkOptions options, SparkLayoutOptions layout, long seed, Device device, SparkFrame? state, byte[]? moveState)
    {
        options.Validate();
        layout.Validate();
        Options = options;
        Layout = layout;
        Seed = seed;
        Device = device;
        int n = options.Neurons, s = options.SparkCount;
        using (var init = NewDisposeScope())
        {
            if (state is null)
            {
                using var weightStream = NewGenerator(SeedStreams.Derive(seed, SeedStreams.Stream.Weights), device);
                using var sparkStream = NewGenerator(SeedStreams.Derive(seed, SeedStreams.Stream.Sparks), device);
                using var layoutStream = NewGenerator(SeedStreams.Derive(seed, SeedStreams.Stream.Layout), device);
                weights = rand(new long[] { n, n }, float32, device, generator: weightStream).mul_(options.InitialWeight);
                weights.diagonal().zero_();
                sparks = randperm(n, generator: sparkStream, device: device)[..s].clone();
                positions = rand(new long[] { n, 2 }, float32, device, generator: layoutStream);
                memory = torch.zeros(n, float32, device);
                activations = torch.zeros(n, float32, device);
            }
            else
            {
                state.CheckShape(n, s);
                Step = state.Step;
                weights = tensor(state.Weights, new long[] { n, n }, float32, device);
                memory = tensor(state.Memory, float32, device);
                activations = tensor(state.Activations, float32, device);
                positions = tensor(state.Positions, new long[] { n, 2 }, float32, device);
                sparks = tensor(state.Sparks.Select(i => (long)i).ToArray(), int64, device);
            }
            negativeInfinity = full(new long[] { s, 1 }, float.NegativeInfinity, float32, device);
            zeros = torch.zeros(new long[] { s, 1 }, float32, device);
            foreach (var kept in new[] { weights, memory, activations, positions, sparks, negativeInfinity, zeros })
                kept.MoveToOuterDisposeScope();
        }
        moves = NewGenerator(SeedStreams.Derive(seed, SeedStreams.Stream.Moves, salt: Step), device);
        if (moveState is not null && device.type == DeviceType.CPU && state is not null)
        {
            if (MoveStreamProblem(moveState) is { } problem)
            {
                Dispose();
                throw new UserInputException($"snapshot: the move stream's state {problem}; continue from another snapshot or start a new run.");
            }
            using var saved = tensor(moveState, ScalarType.Byte);
            moves.set_state(saved);
        }
    }

    /// <summary>Why <paramref name="state"/> cannot be the state of a CPU move stream, or null when libtorch will take it.</summary>
    /// <remarks>libtorch aborts the process, rather than throwing, on a state of the wrong size or an invalid Mersenne
    /// Twister position, so both are checked here first: the size against a real generator's saved state, and the
    /// fields <c>left</c> (1..624), <c>seeded</c> (not 0) and <c>next</c> (0..624) at their offsets in
    /// <c>CPUGeneratorImplState</c> (<c>uint64 seed, int32 left, int32 seeded, uint64 next, ...</c>), which are
    /// themselves checked against that real state.</remarks>
    internal static string? MoveStreamProblem(byte[] state)
    {
        var (length, fieldsKnown) = CpuGeneratorState.Value;
        if (state.Length != length)
            return $"holds {state.Length} bytes, but a CPU generator state has {length}";
        if (!fieldsKnown) return null;
        int left = BitConverter.ToInt32(state, 8), seeded = BitConverter.ToInt32(state, 12);
        ulong next = BitConverter.ToUInt64(state, 16);
        return seeded != 0 && left is >= 1 and <= MersenneStateSize && next <= MersenneStateSize
            ? null
            : $"is not a valid Mersenne Twister state (left {left}, seeded {seeded}, next {next})";
    }

    const int MersenneStateSize = 624;

    /// <summary>The byte length of a CPU generator's state in this libtorch, and whether its fields sit where
    /// <see cref="MoveStreamProblem"/> reads them (a fresh generator has left 1, seeded 1, next 0 there).</summary>
    static readonly Lazy<(int Length, bool FieldsKnown)> CpuGeneratorState = new(() =>
    {
        using var generator = new Generator(0, CPU);
        using var state = generator.get_state();
        byte[] bytes = state.data<byte>().ToArray();
        bool fieldsKnown = bytes.Length >= 24 && BitConverter.ToInt32(bytes, 8) == 1 && BitConverter.ToInt32(bytes, 12) == 1 && BitConverter.ToUInt64(bytes, 16) == 0;
        return (bytes.Length, fieldsKnown);
    });

    /// <summary>Continues a simulation from a saved state. On the device it was saved from, the move stream resumes
    /// exactly, so the continuation equals an uninterrupted run; elsewhere it is reseeded from the seed and step.</summary>
    /// <exception cref="UserInputException">The snapshot's options are out of range or its arrays have the wrong size.</exception>
    public static SparkSimulation Restore(SparkSnapshot snapshot, Device? device = null, SparkExperiment? experiment = null)
    {
        var use = experiment ?? snapshot.Experiment;
        if (use.Sparks.Neurons != snapshot.Experiment.Sparks.Neurons || use.Sparks.SparkCount != snapshot.Experiment.Sparks.SparkCount)
            throw new UserInputException(
                $"sparks.neurons and sparks.spark_count cannot change when continuing a snapshot (it has {snapshot.Experiment.Sparks.Neurons} neurons, " +
                $"{snapshot.Experiment.Sparks.SparkCount} sparks); start a new simulation instead.");
        device ??= CPU;
        byte[]? moveState = snapshot.MoveStreamDevice == device.type.ToString().ToLowerInvariant() ? snapshot.MoveStreamState : null;
        return new SparkSimulation(use.Sparks, use.Layout, use.Seed, device, snapshot.State, moveState);
    }

    /// <summary>The rules in force.</summary>
    public SparkOptions Options { get; private set; }

    /// <summary>The layout in force.</summary>
    public SparkLayoutOptions Layout { get; private set; }

    /// <summary>The seed the simulation started from.</summary>
    public long Seed { get; }

    /// <summary>Where the tensors live.</summary>
    public Device Device { get; }

    /// <summary>Steps taken since the simulation began (continuations count on from their snapshot).</summary>
    public long Step { get; private set; }

    /// <summary>Weights <c>W</c>, <c>(N, N)</c>, row = from, column = to, in [0, 1].</summary>
    public Tensor Weights => weights;

    /// <summary>Memory field <c>M</c>, <c>(N)</c>, in [0, 1].</summary>
    public Tensor Memory => memory;

    /// <summary>Activations <c>a</c>, <c>(N)</c>, in [0, 1].</summary>
    public Tensor Activations => activations;

    /// <summary>Layout positions, <c>(N, 2)</c>, in the unit square.</summary>
    public Tensor Positions => positions;

    /// <summary>The neuron each spark sits at, <c>(S)</c>, int64.</summary>
    public Tensor Sparks => sparks;

    /// <summary>Takes <paramref name="steps"/> steps; the temporaries of each step are freed as it ends.</summary>
    public void Advance(int steps = 1)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            StepOnce();
        }
    }

    /// <summary>The move distribution of every spark from where it is now: row <c>s</c> is <c>P(j | p_s)</c>, <c>(S, N)</c>,
    /// zero at <c>p_s</c>. The caller disposes it.</summary>
    public Tensor MoveProbabilities()
    {
        using var scope = NewDisposeScope();
        int n = Options.Neurons;
        var logits = weights.index_select(0, sparks);                           // (S, N) rows W[p_s, :]
        if (Options.MemoryBias != 0)
            logits.add_(memory.unsqueeze(0), alpha: HeldScalars.Of(Options.MemoryBias));        // + beta M[j]
        logits.div_(HeldScalars.Of(Options.Temperature));
        logits.scatter_(1, sparks.unsqueeze(1), negativeInfinity);              // never stay
        var probabilities = logits.softmax(1);                                  // (S, N)
        if (Options.Epsilon > 0)
        {
            probabilities.mul_(HeldScalars.Of(1 - Options.Epsilon)).add_(HeldScalars.Of(Options.Epsilon / (n - 1)), HeldScalars.One);
            probabilities.scatter_(1, sparks.unsqueeze(1), zeros);
        }
        return probabilities.MoveToOuterDisposeScope();
    }

    /// <summary>Changes the rules and the layout of a running simulation (the live view applies edits while paused).</summary>
    /// <exception cref="UserInputException">The options are out of range, or the number of neurons or sparks changed.</exception>
    public void Reconfigure(SparkOptions options, SparkLayoutOptions layout)
    {
        options.Validate();
        layout.Validate();
        if (options.Neurons != Options.Neurons)
            throw new UserInputException($"sparks.neurons: cannot change from {Options.Neurons} to {options.Neurons} in a running simulation; start a new one.");
        if (options.SparkCount != Options.SparkCount)
            throw new UserInputException($"sparks.spark_count: cannot change from {Options.SparkCount} to {options.SparkCount} in a running simulation; start a new one.");
        Options = options;
        Layout = layout;
    }

    /// <summary>Copies the state to the host as a frame (what pictures, snapshots and the live view read).</summary>
    public SparkFrame Capture(SparkMeasures? measures = null)
    {
        using var scope = NewDisposeScope();
        return new SparkFrame(
            Step,
            Activations: activations.cpu().data<float>().ToArray(),
            Weights: weights.cpu().data<float>().ToArray(),
            Memory: memory.cpu().data<float>().ToArray(),
            Positions: positions.cpu().data<float>().ToArray(),
            Sparks: sparks.cpu().data<long>().ToArray().Select(i => (int)i).ToArray(),
            Measures: measures);
    }

    /// <summary>The whole state, with the move stream, for saving and continuing.</summary>
    public SparkSnapshot Snapshot(SparkExperiment experiment)
    {
        byte[]? moveState = null;
        if (Device.type == DeviceType.CPU)
        {
            using var state = moves.get_state();
            moveState = state.data<byte>().ToArray();
        }
        var resolved = experiment with { Seed = Seed, Sparks = Options, Layout = Layout };
        return new SparkSnapshot(resolved, Capture(), moveState, Device.type.ToString().ToLowerInvariant());
    }

    void StepOnce()
    {
        var options = Options;
        long n = options.Neurons;
        var to = SampleMoves();                                                 // (S) next neurons
        var edges = sparks.mul(HeldScalars.Of(n)).add_(to, HeldScalars.IntegerOne);            // (S) flat index of W[p_s, q_s]

        weights.mul_(HeldScalars.Of(1 - options.WeightDecay));
        memory.mul_(HeldScalars.Of(1 - options.MemoryDecay));
        activations.mul_(HeldScalars.Of(1 - options.ActivationDecay));
        SaturatingUse(weights.view(-1), edges, options.HebbianRate);
        SaturatingUse(memory, to, options.MemoryRate);
        SaturatingUse(activations, to, options.ActivationGain);
        sparks.copy_(to);

        if (Layout.Enabled)
            for (int i = 0; i < Layout.Iterations; i++)
                SparkLayout.Step(positions, weights, Layout);
        Step++;
    }

    // One uniform draw per spark, inverted through the cumulative move distribution: exact, and much faster on the
    // CPU than multinomial. Flat stretches of the CDF (zero probability, e.g. staying put) are never chosen.
    Tensor SampleMoves()
    {
        long n = Options.Neurons;
        var probabilities = MoveProbabilities();                                // (S, N)
        var cumulative = probabilities.to(float64).cumsum(1);                   // (S, N)
        var draw = rand(new long[] { Options.SparkCount, 1 }, float64, Device, generator: moves)
            .mul_(cumulative[.., (int)(n - 1)..]);                              // (S, 1) uniform in [0, total)
        var to = searchsorted(cumulative, draw, right: true).clamp_max_(HeldScalars.Of(n - 1)); // (S, 1)
        // Rounding can land on the end of the CDF; should that column have no mass, take the likeliest move instead.
        var impossible = probabilities.gather(1, to).eq(HeldScalars.Of(0.0));
        return where(impossible, probabilities.argmax(1, keepdim: true), to).squeeze(1);
    }

    /// <summary><c>x[k] &lt;- 1 - (1 - x[k]) (1 - rate)^c_k</c>, with <c>c_k</c> the number of times <c>k</c> occurs in
    /// <paramref name="index"/>: <c>c_k</c> uses in a row, in any order.</summary>
    /// <param name="values">A 1-D tensor, updated in place.</param>
    /// <param name="index">Indices into <paramref name="values"/>, repeats allowed, int64.</param>
    /// <param name="rate">Fraction of the gap to 1 closed per use, in [0, 1].</param>
    internal static void SaturatingUse(Tensor values, Tensor index, double rate)
    {
        if (rate == 0) return;
        var (used, _, counts) = index.unique(sorted: true, return_inverse: false, return_counts: true);
        var keep = counts!.to(values.dtype).mul_(HeldScalars.Of(Math.Log(1 - rate))).exp_();  // (1 - rate)^c; rate = 1 gives exp(-inf) = 0
        var gap = values.index_select(0, used).neg_().add_(HeldScalars.One, HeldScalars.One);  // 1 - x
        values.index_put_(gap.mul_(keep).neg_().add_(HeldScalars.One, HeldScalars.One), used);
    }

    static Generator NewGenerator(ulong seed, Device device) =>
        device.type == DeviceType.CUDA && device.index < 0
            ? new Generator(seed, new Device(DeviceType.CUDA, 0))
            : new Generator(seed, device);

    public void Dispose()
    {
        foreach (var owned in new[] { weights, memory, activations, positions, sparks, negativeInfinity, zeros })
            owned.Dispose();
        moves.Dispose();
    }
}
