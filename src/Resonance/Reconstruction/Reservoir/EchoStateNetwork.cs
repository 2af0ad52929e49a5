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
/// <c>f_t = [1; u_t; x_t]</c> (<c>[1; x_t]</c> without <see cref="EchoStateOptions.ReadoutInput"/>).</para>
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
    /// <summary>Readout <c>W_out</c>, <c>(O, P)</c>, float64, columns in feature order <c>[1; u; x]</c>; null before <see cref="Fit"/>.</summary>
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

    /// <summary>Features <c>[1; u_t; x_t]</c> of every step.</summary>
    /// <param name="inputs"><c>(T, D)</c>.</param>
    /// <param name="states"><c>(T, N)</c>.</param>
    /// <returns><c>(T, P)</c> in the states' dtype.</returns>
    public Tensor Features(Tensor inputs, Tensor states)
    {
        Tensor constant = ones(states.shape[0], 1, dtype: states.dtype, device: states.device);
        return Options.ReadoutInput ? cat([constant, inputs.to(states.dtype), states], 1) : cat([constant, states], 1);
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
        Tensor states = Harvest(inputs);
        Tensor kept = Features(inputs, states)[Options.Washout..];                         // (T − washout, P)
        SetReadout(RidgeReadout.Solve(kept, targets[Options.Washout..], Options.Ridge));
        return readout!;
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
        var weights = FittedReadout();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor states = Harvest(inputs);
        return Features(inputs, states).matmul(weights.T).MoveToOuterDisposeScope();
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
        float[] state = harvested[^Units..], next = new float[Units];
        float[] current = known[^Inputs..];
        var forecast = new float[steps * Inputs];
        int offset = Options.ReadoutInput ? Inputs : 0;
        for (int i = 0; i < steps; i++)
        {
            var predicted = forecast.AsSpan(i * Inputs, Inputs);
            for (int o = 0; o < Inputs; o++)
            {
                var row = readoutFloats.AsSpan(o * FeatureSize, FeatureSize);   // [1; u; x]
                predicted[o] = row[0] + TensorPrimitives.Dot(row.Slice(1, offset), current.AsSpan(0, offset))
                    + TensorPrimitives.Dot(row[(1 + offset)..], state);
            }
            kernel.Step(state, predicted, next);
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
