using System.Runtime.InteropServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// Echo state network: a fixed random sparse reservoir driven by the input, and a linear readout fitted by ridge regression.
/// </summary>
/// <remarks>
/// <para>Update (float32), for input <c>u_t</c> <c>(D)</c> and state <c>x_t</c> <c>(N)</c>, starting from <c>x_{−1} = 0</c>:
/// <c>x_t = (1 − a) x_{t−1} + a tanh(W x_{t−1} + W_in u_t + b)</c>; readout <c>y_t = W_out f_t</c> with features
/// <c>f_t = [1; u_t; x̃_t]</c> (<c>[1; x̃_t]</c> without <see cref="EchoStateOptions.ReadoutInput"/>), where <c>x̃_t = x_t</c>
/// (<c>readout_features: linear</c>) or, with <c>squared-even</c> (Pathak et al. 2018), <c>x̃_{t,i} = x_{t,i}²</c> for even i and
/// <c>x_{t,i}</c> for odd i.</para>
/// <para>Symmetry: with <c>b = 0</c> the reservoir is odd in its input (<c>x(−u) = −x(u)</c>), and a linear readout of it can only
/// learn odd maps; Lorenz-63's next state is not odd in the current one, so a closed loop without a bias or the squared features
/// leaves the attractor within a few Lyapunov times (docs/reconstruction.md: 2.98 against 11 Lyapunov times with <c>bias_scaling: 1</c>).</para>
/// <para>Weights, each from its own stream of the seed: <c>W</c> <c>(N, N)</c> has each entry nonzero with probability
/// <see cref="EchoStateOptions.Connectivity"/>, drawn from N(0, 1), then scaled once so that its largest |eigenvalue| is
/// <see cref="EchoStateOptions.SpectralRadius"/> (eigenvalues in float64); <c>W_in</c> <c>(N, D)</c> from U(−s_in, s_in); <c>b</c> from
/// U(−s_b, s_b).</para>
/// <para>Forecasting a series: <see cref="Fit"/> teacher-forces the series (input <c>u_t</c>, target <c>u_{t+1}</c>), drops the washout
/// and solves the readout (<see cref="RidgeReadout"/>). <see cref="Forecast"/> teacher-forces a warm-up, then runs closed-loop, feeding
/// each prediction back as the next input. The network keeps no state between calls: every call starts from <c>x = 0</c> or from
/// the state given. The recurrence runs in managed code (<see cref="ReservoirKernel"/>), the readout solve in libtorch; no autograd:
/// nothing here is trained by gradients. All tensor work of one network belongs on one
/// thread (see docs/building.md).</para>
/// </remarks>
public sealed class EchoStateNetwork : IDisposable
{
    readonly Tensor recurrent, input, bias;
    readonly ReservoirKernel kernel;
    Tensor? readout, readoutSingle;
    float[]? readoutFloats;

    /// <summary>The settings the network was built with.</summary>
    public EchoStateOptions Options { get; }
    /// <summary>Input size D.</summary>
    public int Inputs { get; }
    /// <summary>Reservoir size N.</summary>
    public int Units => Options.Units;
    /// <summary>Largest |eigenvalue| of the recurrent matrix as drawn, before scaling.</summary>
    public double DrawnSpectralRadius { get; }
    /// <summary>Recurrent weights <c>W</c>, <c>(N, N)</c>, float32 (dense storage; zeros where not connected).</summary>
    public Tensor Recurrent => recurrent;
    /// <summary>Input weights <c>W_in</c>, <c>(N, D)</c>, float32.</summary>
    public Tensor Input => input;
    /// <summary>Bias <c>b</c>, <c>(N)</c>, float32.</summary>
    public Tensor Bias => bias;
    /// <summary>Readout <c>W_out</c>, <c>(O, P)</c>, float64, columns in feature order <c>[1; u; x̃]</c>; null before <see cref="Fit"/>.</summary>
    public Tensor? Readout => readout;
    /// <summary>Features per step P: <c>1 + D + N</c>, or <c>1 + N</c> without the input.</summary>
    public int FeatureSize => 1 + (Options.ReadoutInput ? Inputs : 0) + Units;

    /// <summary>Draws the reservoir.</summary>
    /// <param name="options">Validated here.</param>
    /// <param name="inputs">Input size D.</param>
    /// <param name="seed">Seed of the weights; streams <c>esn.mask</c>, <c>esn.recurrent</c>, <c>esn.input</c>, <c>esn.bias</c>.</param>
    /// <exception cref="UserInputException">An option is out of range, or the drawn reservoir has no nonzero eigenvalue.</exception>
    public EchoStateNetwork(EchoStateOptions options, int inputs, long seed)
    {
        options.Validate();
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "expected at least one input");
        Options = options;
        Inputs = inputs;
        int n = options.Units;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor mask, values;
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "esn.mask")))
            mask = rand([n, n], dtype: ScalarType.Float64, generator: generator) < options.Connectivity;
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "esn.recurrent")))
            values = randn([n, n], dtype: ScalarType.Float64, generator: generator);
        Tensor drawn = values * mask;                                                      // (N, N) float64
        DrawnSpectralRadius = linalg.eigvals(drawn).abs().max().item<double>();
        if (!(DrawnSpectralRadius > 1e-12))
            throw new UserInputException($"model.connectivity: the drawn {n}x{n} reservoir has no nonzero eigenvalue at connectivity {OptionChecks.Format(options.Connectivity)}; raise model.connectivity or model.units.");
        recurrent = (drawn * (options.SpectralRadius / DrawnSpectralRadius)).to(ScalarType.Float32).DetachFromDisposeScope();
        input = empty(n, inputs, dtype: ScalarType.Float32);
        bias = zeros(n, dtype: ScalarType.Float32);
        using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "esn.input")))
            input.uniform_(-options.InputScaling, options.InputScaling, generator);
        if (options.BiasScaling > 0)
            using (var generator = RandomStreams.Generator(RandomStreams.Derive(seed, "esn.bias")))
                bias.uniform_(-options.BiasScaling, options.BiasScaling, generator);
        input.DetachFromDisposeScope();  // owned by the network, disposed with it
        bias.DetachFromDisposeScope();
        kernel = new ReservoirKernel(recurrent, input, bias, options.LeakRate);
    }

    /// <summary>Drives the reservoir with <paramref name="inputs"/> and returns every state.</summary>
    /// <param name="inputs"><c>(T, D)</c>, any float dtype.</param>
    /// <param name="initial">State before the first input, <c>(N)</c>; zeros when null.</param>
    /// <returns>States <c>(T, N)</c>, float32, on the CPU; row t is <c>x_t</c>.</returns>
    public Tensor Harvest(Tensor inputs, Tensor? initial = null)
    {
        CheckInputs(inputs, nameof(inputs));
        float[] start = initial is null ? new float[Units] : ReservoirKernel.Floats(initial);
        if (start.Length != Units) throw new ArgumentException($"initial: expected ({Units}), got ({string.Join(", ", initial!.shape)}).", nameof(initial));
        float[] states = kernel.Run(ReservoirKernel.Floats(inputs), start);
        return tensor(states, [inputs.shape[0], Units]);
    }

    /// <summary>Features <c>[1; u_t; x̃_t]</c> of every step, <c>x̃_t</c> the state as <see cref="EchoStateOptions.ReadoutFeatures"/> says.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <param name="states"><c>(T, N)</c>.</param>
    /// <returns><c>(T, P)</c> in the states' dtype.</returns>
    public Tensor Features(Tensor inputs, Tensor states)
    {
        Tensor constant = ones(states.shape[0], 1, dtype: states.dtype, device: states.device);
        Tensor seen = states;
        if (Options.ReadoutFeatures == ReadoutFeatures.SquaredEven)
        {
            seen = states.clone();                                                       // (T, N)
            using var even = seen[.., TensorIndex.Slice(0, null, 2)];                    // (T, ⌈N/2⌉), a view
            even.mul_(even);
        }
        return Options.ReadoutInput ? cat([constant, inputs.to(states.dtype), seen], 1) : cat([constant, seen], 1);
    }

    /// <summary>The state part of the features, <c>x̃</c>, of one state, written to <paramref name="seen"/>.</summary>
    void StateFeatures(ReadOnlySpan<float> state, Span<float> seen)
    {
        state.CopyTo(seen);
        if (Options.ReadoutFeatures == ReadoutFeatures.SquaredEven)
            for (int i = 0; i < seen.Length; i += 2) seen[i] *= seen[i];
    }

    /// <summary>Fits the readout to map inputs to targets: harvests from <c>x = 0</c>, drops <see cref="EchoStateOptions.Washout"/> steps, solves the ridge regression.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <param name="targets"><c>(T, O)</c>, row t the target at step t.</param>
    /// <returns>The readout, also kept in <see cref="Readout"/>.</returns>
    /// <exception cref="UserInputException">The washout leaves no step to fit on.</exception>
    public Tensor Fit(Tensor inputs, Tensor targets)
    {
        CheckInputs(inputs, nameof(inputs));
        if (targets.dim() != 2 || targets.shape[0] != inputs.shape[0])
            throw new ArgumentException($"targets: expected ({inputs.shape[0]}, O), got ({string.Join(", ", targets.shape)}).", nameof(targets));
        if (inputs.shape[0] <= Options.Washout)
            throw new UserInputException($"model.washout: {Options.Washout} steps of washout leave none of the {inputs.shape[0]} training steps to fit on; lower model.washout or give a longer series.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var sums = new NormalEquationsAccumulator(FeatureSize, targets.shape[1]);
        HarvestFeatureBlocks(inputs, Options.Washout, RidgeReadout.Block, (block, first) =>
            sums.Add(block, targets[(int)(Options.Washout + first)..(int)(Options.Washout + first + block.shape[0])]));
        var (gram, moments) = sums.Result();
        SetReadout(RidgeReadout.SolveNormalEquations(gram, moments, Options.Ridge));
        return readout!;
    }

    /// <summary>Drives the reservoir from <c>x = 0</c> and returns the features <c>[1; u_t; x̃_t]</c> of the steps after the first
    /// <paramref name="skip"/>: the same as <c>Features(inputs, Harvest(inputs))[skip..]</c>.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <param name="skip">Leading steps left out (the washout), <c>0 ≤ skip &lt; T</c>.</param>
    /// <returns><c>(T − skip, P)</c>, float32, on the CPU.</returns>
    public Tensor HarvestFeatures(Tensor inputs, int skip)
    {
        var blocks = new List<Tensor>();
        using var scope = NewDisposeScope();
        HarvestFeatureBlocks(inputs, skip, RidgeReadout.Block, (block, _) => blocks.Add(block.clone().MoveToOuterDisposeScope()));  // out of the block's scope into this one
        return cat(blocks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Drives the reservoir from <c>x = 0</c> and hands the features <c>[1; u_t; x̃_t]</c> of the steps after the first
    /// <paramref name="skip"/> to <paramref name="consume"/>, <paramref name="blockRows"/> rows at a time: the kernel writes each state
    /// straight into one reused block buffer, so memory stays at one block (8,192 × P floats) however long the series.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <param name="skip">Leading steps left out (the washout), <c>0 ≤ skip &lt; T</c>.</param>
    /// <param name="blockRows">Rows per block.</param>
    /// <param name="consume">Called with each block <c>(B, P)</c> float32 (valid only during the call) and the index of its first row
    /// among the kept steps (step <c>skip + first</c>).</param>
    public void HarvestFeatureBlocks(Tensor inputs, int skip, int blockRows, Action<Tensor, long> consume)
    {
        CheckInputs(inputs, nameof(inputs));
        int steps = (int)inputs.shape[0];
        if (skip < 0 || skip >= steps) throw new ArgumentOutOfRangeException(nameof(skip), skip, $"expected 0 ≤ skip < {steps}");
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        float[] known = ReservoirKernel.Floats(inputs);
        int width = FeatureSize, offset = Options.ReadoutInput ? Inputs : 0;
        float[] state = kernel.Run(known, 0, skip, new float[Units], [], width, 1 + offset, skip);
        int capacity = Math.Min(blockRows, steps - skip);
        if ((long)capacity * width * sizeof(float) > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, $"a block of {capacity} rows of {width} features exceeds 2 GB");
        // The kernel writes each state straight into the block tensor's own memory: TorchSharp's tensor(float[]) copy of a
        // 32 MB block had taken more time than the steps that filled it (0.61 s of a 1.1 s harvest at 1,000 units).
        using var block = empty(capacity, width, ScalarType.Float32);                               // (B, P), CPU, contiguous
        var buffer = MemoryMarshal.Cast<byte, float>(block.bytes);
        for (int first = skip; first < steps; first += blockRows)
        {
            int rows = Math.Min(blockRows, steps - first);
            for (int r = 0; r < rows; r++)
            {
                var row = buffer.Slice(r * width, width);
                row[0] = 1;
                if (offset > 0) known.AsSpan((first + r) * Inputs, Inputs).CopyTo(row[1..]);
            }
            state = kernel.Run(known, first, rows, state, buffer, width, 1 + offset, 0);
            if (Options.ReadoutFeatures == ReadoutFeatures.SquaredEven)
                for (int r = 0; r < rows; r++)
                {
                    var seen = buffer.Slice(r * width + 1 + offset, Units);
                    for (int i = 0; i < Units; i += 2) seen[i] *= seen[i];
                }
            using var blockScope = NewDisposeScope();
            consume(rows == capacity ? block : block[..rows], first - skip);                      // the last block may be shorter
        }
    }

    /// <summary>Fits the readout for one-step forecasting: input <c>u_t</c>, target <c>u_{t+1}</c>, <c>t = 0 … T − 2</c>.</summary>
    /// <param name="series"><c>(T, D)</c>.</param>
    public Tensor FitForecaster(Tensor series)
    {
        CheckInputs(series, nameof(series));
        return Fit(series[..^1], series[1..]);
    }

    /// <summary>Runs the fitted network driven by <paramref name="inputs"/> (open loop) and returns the readout of every step.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <returns><c>(T, O)</c>, float32.</returns>
    public Tensor Predict(Tensor inputs)
    {
        FittedReadout();
        CheckInputs(inputs, nameof(inputs));
        int steps = (int)inputs.shape[0], outputs = readoutFloats!.Length / FeatureSize, offset = Options.ReadoutInput ? Inputs : 0;
        float[] known = ReservoirKernel.Floats(inputs);
        float[] state = new float[Units], next = new float[Units], seen = new float[Units];
        var predictions = new float[(long)steps * outputs];
        using var stepper = kernel.Begin(steps);
        for (int t = 0; t < steps; t++)
        {
            var input = known.AsSpan(t * Inputs, Inputs);
            stepper.Step(state, known, t * Inputs, next);
            (state, next) = (next, state);
            StateFeatures(state, seen);
            for (int o = 0; o < outputs; o++)
            {
                var row = readoutFloats.AsSpan(o * FeatureSize, FeatureSize);   // [1; u; x̃]
                predictions[t * outputs + o] = row[0] + TensorPrimitives.Dot(row.Slice(1, offset), input[..offset])
                    + TensorPrimitives.Dot(row[(1 + offset)..], seen);
            }
        }
        return tensor(predictions, [steps, outputs]);
    }

    /// <summary>Teacher-forces <paramref name="warmup"/>, then runs closed-loop for <paramref name="steps"/> steps, each prediction fed back as the next input.</summary>
    /// <param name="warmup">Known rows <c>u_0 … u_{W−1}</c>, <c>(W, D)</c>, W ≥ 1.</param>
    /// <param name="steps">Rows to forecast.</param>
    /// <returns><c>(steps, D)</c>, float32; row i forecasts <c>u_{W+i}</c>.</returns>
    public Tensor Forecast(Tensor warmup, int steps)
    {
        FittedReadout();
        if (readoutFloats!.Length != Inputs * FeatureSize)
            throw new InvalidOperationException($"closed-loop forecasting needs a readout with {Inputs} outputs (one per input); this one has {readoutFloats.Length / FeatureSize}.");
        CheckInputs(warmup, nameof(warmup));
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        float[] known = ReservoirKernel.Floats(warmup);
        float[] harvested = kernel.Run(known, new float[Units]);
        float[] state = harvested[^Units..], next = new float[Units], seen = new float[Units];
        float[] current = known[^Inputs..];
        var forecast = new float[steps * Inputs];
        int offset = Options.ReadoutInput ? Inputs : 0;
        using var stepper = kernel.Begin(steps);
        for (int i = 0; i < steps; i++)
        {
            var predicted = forecast.AsSpan(i * Inputs, Inputs);
            StateFeatures(state, seen);
            for (int o = 0; o < Inputs; o++)
            {
                var row = readoutFloats.AsSpan(o * FeatureSize, FeatureSize);   // [1; u; x̃]
                predicted[o] = row[0] + TensorPrimitives.Dot(row.Slice(1, offset), current.AsSpan(0, offset))
                    + TensorPrimitives.Dot(row[(1 + offset)..], seen);
            }
            stepper.Step(state, forecast, i * Inputs, next);
            (state, next) = (next, state);
            predicted.CopyTo(current);
        }
        return tensor(forecast, [steps, Inputs]);
    }

    /// <summary>Uses <paramref name="weights"/> as the readout (for a readout solved elsewhere, e.g. on features of several series).</summary>
    /// <param name="weights"><c>(O, P)</c>; the network keeps a copy.</param>
    public void UseReadout(Tensor weights)
    {
        if (weights.dim() != 2 || weights.shape[1] != FeatureSize)
            throw new ArgumentException($"weights: expected (O, {FeatureSize}), got ({string.Join(", ", weights.shape)}).", nameof(weights));
        using var noGrad = no_grad();
        SetReadout(weights.to(ScalarType.Float64).clone());
    }

    void SetReadout(Tensor weights)
    {
        readout?.Dispose();
        readoutSingle?.Dispose();
        readout = weights.DetachFromDisposeScope();  // owned by the network, disposed with it
        readoutSingle = weights.to(ScalarType.Float32).DetachFromDisposeScope();
        readoutFloats = ReservoirKernel.Floats(readoutSingle);
    }

    Tensor FittedReadout() => readoutSingle ?? throw new InvalidOperationException("the readout is not fitted yet; call Fit first.");

    void CheckInputs(Tensor inputs, string name)
    {
        if (inputs.dim() != 2 || inputs.shape[1] != Inputs || inputs.shape[0] < 1)
            throw new ArgumentException($"{name}: expected (T, {Inputs}) with T ≥ 1, got ({string.Join(", ", inputs.shape)}).", name);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        recurrent.Dispose();
        input.Dispose();
        bias.Dispose();
        readout?.Dispose();
        readoutSingle?.Dispose();
    }
}
