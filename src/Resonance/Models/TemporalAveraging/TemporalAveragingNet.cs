using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// The temporal-averaging network (from the design note "Dynamic Recurrent Neural Network with Temporal Averaging"): <c>L</c> layers of binary threshold units that settle over <c>T</c>
/// iterations per input; each layer reads the layer below, its own previous activity and, optionally, the previous
/// activity of the layer above; the output is the mean over the iterations of a linear readout of the top layer.
/// </summary>
/// <remarks>
/// <code>
/// x = the input sequence flattened, (batch, N), N = steps × features   (MNIST, any view: the 784 pixels of the image)
/// xₜ = presentation of clamp(x, 0, 1) at iteration t                  (Bernoulli, intensity or threshold: StochasticInput)
/// aₗ,₀ = 0
/// aₗ,ₜ = H(W_inˡ aₗ₋₁,ₜ + bˡ + W_latˡ aₗ,ₜ₋₁ + [feedback] W_fbˡ aₗ₊₁,ₜ₋₁ − θˡ),   a₀,ₜ = xₜ,  t = 1..T,  bottom layer first
/// yₜ = W_out a_L,ₜ + b_out
/// ȳ = (1/T) Σₜ yₜ = W_out ((1/T) Σₜ a_L,ₜ) + b_out          the output (computed in the second form; equal by linearity)
/// </code>
/// <c>H</c> is the Heaviside step, trained with a surrogate or straight-through gradient (<see cref="BinaryUnit"/>).
/// The input is presented by <see cref="StochasticInput"/>: while training, by default, a fresh Bernoulli draw at every
/// iteration from a stream keyed by the model seed and a counter of training passes (<c>draws</c>, a buffer saved with the
/// weights, so resume continues the same stream); while evaluating, by default, the intensities themselves (deterministic).
/// With <see cref="TemporalAveragingOptions.HomeostasisRate"/> &gt; 0 every training pass ends with the
/// <see cref="HomeostaticThreshold"/> update of each layer's <c>θ</c>. One iteration is <see cref="Iterate"/>, and
/// <see cref="Dynamics"/> exposes it over <c>[a₁, ..., a_L]</c>.
/// <para>How it fits <see cref="SequenceModel"/>: a sequence model reads <c>(batch, steps, features)</c>; this one takes the
/// whole sequence as one flat vector and presents it at every iteration, so it trains on any MNIST view (row-wise is the
/// cheapest to load; every view holds the same 784 pixels, in reading order for row- and pixel-wise) and on synthetic
/// classification data without a special data path. Use <c>data.normalise: false</c> so that inputs are intensities in
/// [0, 1]. It classifies; regression data is refused.</para>
/// </remarks>
public sealed class TemporalAveragingNet : SequenceModel, IStateReadout, INeuronDiagnostics, IModelLoss
{
    readonly ModuleList<TemporalAveragingLayer> layers;
    readonly Linear readout;
    readonly BinaryUnit unit;
    readonly long inputSeed;

    /// <summary>Training passes so far: the counter of the Bernoulli input stream (an int64 scalar buffer).</summary>
    readonly Tensor draws;

    /// <summary>Builds the network; layer <c>l</c> draws from <c>Derive(seed, "layers.l")</c>, the readout from
    /// <c>Derive(seed, "readout")</c>, the Bernoulli input from <c>Derive(seed, "input")</c>.</summary>
    /// <param name="options">Validated here.</param>
    /// <param name="shape">What the data fixes; a classification task.</param>
    /// <param name="seed">Seed of the model's random streams.</param>
    /// <exception cref="UserInputException">Invalid options, or regression data.</exception>
    public TemporalAveragingNet(TemporalAveragingOptions options, ModelShape shape, long seed) : base(nameof(TemporalAveragingNet), shape)
    {
        options.Validate();
        if (shape.Task != TaskKind.Classification)
            throw new UserInputException("model.type: temporal-averaging classifies a whole input (one label per example), but this data " +
                                         "is a regression task (data.dataset sine); use lstm, gru, rnn or resonator for sequence outputs.");
        Options = options;
        Pixels = TemporalAveragingOptions.Pixels(shape);
        unit = options.Unit();
        var built = new TemporalAveragingLayer[options.Layers];
        for (int l = 0; l < built.Length; l++)
            built[l] = new TemporalAveragingLayer(l == 0 ? Pixels : options.Hidden, options.Hidden,
                options.Feedback && l < built.Length - 1 ? options.Hidden : 0, RandomStreams.Derive(seed, $"layers.{l}"));
        layers = new ModuleList<TemporalAveragingLayer>(built);
        readout = nn.Linear(options.Hidden, shape.OutputSize);
        ParameterInit.UniformAll(readout, 1.0 / Math.Sqrt(options.Hidden), RandomStreams.Derive(seed, nameof(readout)));
        inputSeed = RandomStreams.Derive(seed, "input");
        draws = zeros(1, dtype: ScalarType.Int64);
        Dynamics = new TemporalAveragingDynamics(this);
        RegisterComponents();
    }

    /// <summary>The options the network was built with.</summary>
    public TemporalAveragingOptions Options { get; }

    /// <summary>Pixels presented at each iteration, <c>N = steps × features</c>.</summary>
    public int Pixels { get; }

    /// <summary>The layers, bottom first.</summary>
    public IReadOnlyList<TemporalAveragingLayer> Layers => [.. layers];

    /// <summary>The readout <c>W_out</c> <c>(classes, H)</c>, <c>b_out</c> <c>(classes)</c>.</summary>
    public Linear Readout => readout;

    /// <summary>One iteration over <c>[a₁, ..., a_L]</c> <c>(batch, L·H)</c> with the presented image as input.</summary>
    public override IRecurrentDynamics Dynamics { get; }

    /// <summary><c>T · Σₗ H (below + H + above) + H · classes</c>.</summary>
    public override long ForwardMultiplyAddsPerSample =>
        Options.Iterations * layers.Sum(layer => layer.MultiplyAddsPerIteration) + (long)Options.Hidden * Shape.OutputSize;

    /// <summary>The averaged readout.</summary>
    /// <param name="input"><c>(batch, steps, features)</c>, intensities in [0, 1] (others are clamped).</param>
    /// <returns><c>ȳ</c> <c>(batch, classes)</c>.</returns>
    public override Tensor forward(Tensor input) => Run(input, null, null);

    /// <summary>One iteration: every layer, bottom first, from the previous iteration's activities.</summary>
    /// <param name="firstDrive"><c>W_in¹ xₜ + b¹</c> <c>(batch, H)</c> (<see cref="TemporalAveragingLayer.DriveFromBelow"/> of the presented input).</param>
    /// <param name="previous"><c>aₗ,ₜ₋₁</c> for every layer, each <c>(batch, H)</c>, bottom first.</param>
    /// <returns><c>aₗ,ₜ</c> for every layer, exactly 0/1.</returns>
    public Tensor[] Iterate(Tensor firstDrive, IReadOnlyList<Tensor> previous)
    {
        if (previous.Count != layers.Count)
            throw new ArgumentException($"expected one activity per layer ({layers.Count}), got {previous.Count}", nameof(previous));
        var next = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            Tensor fromBelow = l == 0 ? firstDrive : layer.DriveFromBelow(next[l - 1]);  // (B, H)
            next[l] = unit.Fire(layer.Drive(fromBelow, previous[l], l + 1 < layers.Count ? previous[l + 1] : null));
        }
        return next;
    }

    /// <summary>The flat states <c>[a₁,ₜ, ..., a_L,ₜ]</c> <c>(batch, L·H)</c> of every iteration <c>t = 1..T</c>, presented as
    /// <see cref="forward"/> would present them in the current mode (a training-mode call advances the input stream and applies
    /// homeostasis, as a forward pass does).</summary>
    /// <param name="input"><c>(batch, steps, features)</c>.</param>
    public IReadOnlyList<Tensor> Trajectory(Tensor input)
    {
        var states = new List<Tensor>();
        using (NewDisposeScope())
        {
            Run(input, states, null);
            foreach (var state in states) state.MoveToOuterDisposeScope();
        }
        return states;
    }

    /// <summary>The readout of the top layer's activity in a flat state <c>(batch, L·H)</c>: <c>W_out a_L + b_out</c>, the
    /// output the network gives when every iteration ends in that state.</summary>
    public Tensor ReadoutFromState(Tensor state)
    {
        ShapeChecks.Require(state, nameof(state), -1, Dynamics.StateSize);
        int hidden = Options.Hidden;
        return readout.call(state.narrow(1, (long)(layers.Count - 1) * hidden, hidden));
    }

    /// <summary>Cross-entropy of <c>ȳ</c> as logits, or one-hot squared error (<see cref="TemporalLossKind"/>).</summary>
    public Tensor Loss(Tensor output, Tensor targets)
    {
        if (Options.Loss == TemporalLossKind.CrossEntropy) return nn.functional.cross_entropy(output, targets);
        Tensor oneHot = nn.functional.one_hot(targets, Shape.OutputSize).to_type(output.dtype); // (B, C)
        return output.sub(oneHot).square().sum(1L).mean();
    }

    /// <summary>Per layer: each unit's firing rate (spikes per iteration over the batch) and its threshold <c>θ</c>.</summary>
    /// <param name="input"><c>(batch, steps, features)</c>.</param>
    public IReadOnlyList<NeuronDiagnostic> Diagnose(Tensor input)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rates = new Tensor[layers.Count];
        Run(input, null, rates);
        var figures = new List<NeuronDiagnostic>();
        for (int l = 0; l < layers.Count; l++)
        {
            figures.Add(new($"layer{l}/firing_rate", Floats(rates[l])));
            figures.Add(new($"layer{l}/threshold", Floats(layers[l].threshold)));
        }
        return figures;
    }

    static float[] Floats(Tensor values) => values.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray();

    /// <summary>The forward pass. With <paramref name="trajectory"/>, each iteration's flat state is added to it; with
    /// <paramref name="rates"/>, each layer's per-unit firing rate <c>(H)</c> is stored in it.</summary>
    Tensor Run(Tensor input, List<Tensor>? trajectory, Tensor[]? rates)
    {
        ShapeChecks.Require(input, nameof(input), -1, Shape.Steps, Shape.InputSize);
        using var scope = NewDisposeScope();
        long batch = input.shape[0];
        int iterations = Options.Iterations, top = layers.Count - 1;
        Tensor pixels = input.reshape(batch, Pixels);                                     // (B, N): the image, reading order
        var presentation = training ? Options.Input : Options.EvalInput;
        Tensor firstDrives;                                                               // (T, B, H)
        using (var generator = presentation == InputPresentation.Bernoulli ? NextGenerator() : null)
        {
            Tensor presented = StochasticInput.Present(pixels, iterations, presentation, generator); // (T, B, N)
            firstDrives = presentation == InputPresentation.Bernoulli
                ? layers[0].DriveFromBelow(presented)                                     // all iterations in one product
                : layers[0].DriveFromBelow(presented[0]).unsqueeze(0).expand(iterations, batch, Options.Hidden);
        }

        bool homeostasis = training && Options.HomeostasisRate > 0;
        bool countRates = homeostasis || rates is not null;
        Tensor[] states = [.. layers.Select(_ => zeros(batch, Options.Hidden, pixels.dtype, pixels.device))];
        Tensor[]? spikeSums = countRates ? [.. layers.Select(_ => zeros(Options.Hidden, pixels.dtype, pixels.device))] : null;
        Tensor topSum = zeros(batch, Options.Hidden, pixels.dtype, pixels.device);       // Σₜ a_L,ₜ
        for (int t = 0; t < iterations; t++)
        {
            using var step = NewDisposeScope();
            states = Iterate(firstDrives[t], states);
            topSum = topSum.add(states[top]);
            if (spikeSums is not null)
                for (int l = 0; l < layers.Count; l++) spikeSums[l] = spikeSums[l].add(states[l].detach().sum(0L));
            if (trajectory is not null) trajectory.Add(cat(states, 1).detach().MoveToOuterDisposeScope());
            step.MoveToOuter(states);
            step.MoveToOuter(topSum);
            if (spikeSums is not null) step.MoveToOuter(spikeSums);
        }

        double perUnit = batch * (double)iterations;
        if (homeostasis)
            for (int l = 0; l < layers.Count; l++)
                HomeostaticThreshold.Update(layers[l].threshold, spikeSums![l].div(perUnit), Options.HomeostasisRate, Options.TargetRate);
        if (rates is not null)
            for (int l = 0; l < layers.Count; l++) rates[l] = spikeSums![l].div(perUnit).MoveToOuterDisposeScope();
        if (trajectory is not null)
            foreach (var state in trajectory) state.MoveToOuterDisposeScope();
        return readout.call(topSum.div(iterations)).MoveToOuterDisposeScope();
    }

    /// <summary>The generator of this pass's Bernoulli draws: in training the stream numbered by the pass counter, which then
    /// advances; in evaluation always the same stream, so evaluation is repeatable.</summary>
    Generator NextGenerator()
    {
        if (!training) return StochasticInput.Generator(RandomStreams.Derive(inputSeed, "eval"), 0);
        long draw = draws.cpu().item<long>();
        using (no_grad()) draws.add_(1);
        return StochasticInput.Generator(inputSeed, draw);
    }
}
