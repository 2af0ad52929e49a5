using System.Diagnostics;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>One finished epoch of a reconstruction training.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Loss">Mean forced-prediction MSE over the epoch's batches (without the penalties).</param>
/// <param name="Alpha">The forcing strength <c>α</c> at the epoch's end (0 without generalized forcing).</param>
/// <param name="Bound">The latest bound <c>σ</c> of the adaptive rule; NaN when none was computed.</param>
/// <param name="Lr">The epoch's learning rate.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch.</param>
/// <param name="SelectionDstsp">The binned <c>D_stsp</c> of a free run against the training series when the epoch was scored
/// for model selection (<see cref="ReconstructionTrainingOptions.SelectEvery"/>); NaN otherwise.</param>
public sealed record ReconstructionEpoch(int Epoch, double Loss, double Alpha, double Bound, double Lr, double Seconds, double SelectionDstsp = double.NaN);

/// <summary>What a reconstruction training did.</summary>
/// <param name="Epochs">Every finished epoch, in order.</param>
/// <param name="Diverged">The loss or a parameter became NaN or infinite; training stopped there (the model keeps the last update).</param>
/// <param name="Alpha">The final <c>α</c>.</param>
/// <param name="SelectedEpoch">With model selection, the epoch whose model the trained model now is; null without.</param>
public sealed record ReconstructionTrainingResult(IReadOnlyList<ReconstructionEpoch> Epochs, bool Diverged, double Alpha, int? SelectedEpoch = null);

/// <summary>
/// Trains a latent model and its observation model on one series by (generalized, sparse or no) teacher forcing over random
/// windows, as DurstewitzLab/GTF-shPLRNN and ALRNN-DSR do. Quiet: progress goes to the callback, on the caller's thread.
/// </summary>
/// <remarks>
/// Each optimiser step draws <c>batch_size</c> windows of <c>sequence_length + 1</c> consecutive observations at uniformly random
/// starts (with replacement), adds noise if asked, updates the adaptive <c>α</c> every <c>alpha_update_interval</c> batches
/// (<see cref="GtfAlpha"/>), unrolls with forcing (<see cref="TeacherForcing"/>), and minimises
/// <c>MSE + latent_regularization · penalty(F) + observation_regularization · penalty(g)</c> with RAdam or Adam, the gradient
/// clipped if asked. The learning rate decays exponentially per epoch (<see cref="ReconstructionTrainingOptions.LearningRate"/>).
/// Windows and noise come from streams of the seed; the same seed, model and series give the same numbers.
/// </remarks>
public static class ReconstructionTrainer
{
    /// <summary>Managed bytes allocated after which the trainer collects between two epochs and holds collections off again
    /// (<see cref="NoCollections.Restart"/>): TorchSharp's Scalar fault strikes when a collection runs during a torch call.</summary>
    const long RegionRenewalBytes = 64L << 20;

    /// <summary>Trains <paramref name="model"/> and <paramref name="observation"/> in place.</summary>
    /// <param name="model">The latent model (its parameters are trained).</param>
    /// <param name="observation">The observation model (its trainable parts too), with <c>N</c> = the series' columns.</param>
    /// <param name="series">The training series <c>(T, N)</c>, on the model's device; converted to the model's dtype.</param>
    /// <param name="options">Validated here against the series' length.</param>
    /// <param name="seed">Seed of the window and noise streams.</param>
    /// <param name="progress">Told after every epoch.</param>
    /// <param name="cancellation">Checked between batches; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="UserInputException">An option is out of range, or the series does not fit the observation model.</exception>
    public static ReconstructionTrainingResult Train(LatentModel model, ObservationModel observation, Tensor series,
        ReconstructionTrainingOptions options, long seed, IProgress<ReconstructionEpoch>? progress = null, CancellationToken cancellation = default) =>
        Train(model, observation, series, options, seed, progress, cancellation, fused: true);

    /// <summary>As the public overload; <paramref name="fused"/> false always takes the autograd unroll (the tests compare the two).</summary>
    internal static ReconstructionTrainingResult Train(LatentModel model, ObservationModel observation, Tensor series,
        ReconstructionTrainingOptions options, long seed, IProgress<ReconstructionEpoch>? progress, CancellationToken cancellation, bool fused)
    {
        if (series.dim() != 2 || series.shape[1] != observation.ObservedSize)
            throw new UserInputException($"data: expected a series of shape (T, {observation.ObservedSize}) for the observation model, got ({string.Join(", ", series.shape)}).");
        if (observation.LatentSize != model.LatentSize)
            throw new ArgumentException($"observation: latent size {observation.LatentSize} differs from the model's {model.LatentSize}", nameof(observation));
        options.Validate((int)series.shape[0]);
        var parameters = model.parameters().Concat(observation.parameters()).Where(p => p.requires_grad).ToList();
        var dtype = parameters[0].dtype;
        Tensor data = series.detach().to(dtype);
        using var radam = options.Optimizer == ReconstructionOptimizer.RAdam ? new RectifiedAdam(parameters) : null;
        using var adam = options.Optimizer == ReconstructionOptimizer.Adam ? optim.Adam(parameters, lr: options.Lr) : null;
        using var windowStream = RandomStreams.Generator(RandomStreams.Derive(seed, "reconstruction.windows"));
        using var noiseStream = RandomStreams.Generator(RandomStreams.Derive(seed, "reconstruction.noise"));
        double alpha = options.Forcing == ForcingKind.Generalized ? options.Alpha : 0;
        double bound = double.NaN;
        bool adaptive = options.Forcing == ForcingKind.Generalized && options.AlphaMethod == AlphaMethod.ProductUpperBound;
        var epochs = new List<ReconstructionEpoch>(options.Epochs);
        // Scalars held for the whole training (TorchSharp 0.107 does not keep an implicitly converted one alive; NoCollections).
        using Scalar noise = options.NoiseLevel, latentFactor = options.LatentRegularization, observationFactor = options.ObservationRegularization;
        var kernel = fused ? FusedUnroll.TryCreate(model, observation) : null;   // the same math without per-op dispatch
        using var selection = options.SelectEvery > 0 ? new Selection(parameters) : null;
        // A long training allocates more than a no-GC region holds; collections then come at safe points, between epochs.
        bool region = false, callerRegion = System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion;
        long allocated = GC.GetTotalAllocatedBytes();
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                double lr = options.LearningRate(epoch);
                int interval = options.ForcingIntervalAt(epoch);
                if (adam is not null) foreach (var group in adam.ParamGroups) group.LearningRate = lr;
                double lossSum = 0;
                for (int batch = 1; batch <= options.BatchesPerEpoch; batch++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    Tensor windows = SampleWindows(data, options.SequenceLength, options.BatchSize, windowStream);   // (B, T + 1, N)
                    if (options.NoiseLevel > 0)
                        windows += randn(windows.shape, dtype: ScalarType.Float32, generator: noiseStream).to(dtype, windows.device).mul_(noise);
                    if (adaptive && batch % options.AlphaUpdateInterval == 0)
                    {
                        (bound, double estimate) = GtfAlpha.Estimate(model, observation, windows);
                        alpha = GtfAlpha.Anneal(alpha, estimate, options.AlphaDecay);
                    }
                    double stepAlpha = alpha;
                    radam?.ZeroGrad();
                    adam?.zero_grad();
                    Func<int, double> alphaAt = t => TeacherForcing.AlphaAt(options.Forcing, t, stepAlpha, interval);
                    Tensor? penalty = null;
                    if (options.LatentRegularization > 0) penalty = model.RegularizationPenalty().mul(latentFactor);
                    if (options.ObservationRegularization > 0)
                    {
                        Tensor observationPenalty = observation.RegularizationPenalty().mul(observationFactor);
                        penalty = penalty is null ? observationPenalty : penalty + observationPenalty;
                    }
                    double value;
                    if (kernel is not null)
                    {
                        (value, double[][] gradients) = kernel.Run(windows, alphaAt, options.PartialForcing);
                        if (!double.IsFinite(value)) return Finish(diverged: true);
                        kernel.Accumulate(gradients, penalty);
                    }
                    else
                    {
                        Tensor predictions = TeacherForcing.Unroll(model, observation, windows, alphaAt, options.PartialForcing);
                        Tensor loss = TeacherForcing.Loss(observation, predictions, windows);
                        value = loss.to(ScalarType.Float64).item<double>();
                        if (!double.IsFinite(value)) return Finish(diverged: true);
                        (penalty is null ? loss : loss + penalty).backward();
                    }
                    if (options.ClipGradNorm > 0) nn.utils.clip_grad_norm_(parameters, options.ClipGradNorm);
                    radam?.Step(lr);
                    adam?.step();
                    lossSum += value;
                }
                if (!ParametersFinite(parameters)) return Finish(diverged: true);
                double score = double.NaN;
                if (selection is not null && ((epoch + 1) % options.SelectEvery == 0 || epoch + 1 == options.Epochs))
                {
                    score = SelectionScore(model, observation, kernel, data, options.SelectSteps);
                    selection.Offer(epoch + 1, score);
                }
                var report = new ReconstructionEpoch(epoch + 1, lossSum / options.BatchesPerEpoch, alpha, bound, lr, clock.Elapsed.TotalSeconds, score);
                epochs.Add(report);
                progress?.Report(report);
                if (GC.GetTotalAllocatedBytes() - allocated > RegionRenewalBytes)
                {
                    region = NoCollections.Restart();
                    allocated = GC.GetTotalAllocatedBytes();
                }
            }
            return Finish(diverged: false);
        }
        finally
        {
            if (region) NoCollections.End(started: true);
            // The caller held collections off (a run's evaluation follows): a restart ended its region, so hold them off again.
            if (region && callerRegion) NoCollections.Start();
        }

        ReconstructionTrainingResult Finish(bool diverged) =>
            new(epochs, diverged, alpha, selection?.Restore());
    }

    /// <summary>The binned <c>D_stsp</c> (30 bins) of a free run from the series' first row against the whole series: generated
    /// <c>1.25 · steps</c> rows, the first quarter dropped (<see cref="EvaluationWindow"/>). NaN when the run leaves the series' range
    /// or is not finite. The run is the fused kernel's where there is one (the same map in float64, without dispatch).</summary>
    static double SelectionScore(LatentModel model, ObservationModel observation, FusedUnroll? kernel, Tensor series, int steps)
    {
        using var scope = NewDisposeScope();
        double[] first = series[0].to(ScalarType.Float64).data<double>().ToArray();
        Tensor generated = EvaluationWindow.Run(steps, n => kernel is not null
            ? kernel.Generate(first, n)
            : FreeRun.Generate(model, observation, series[0], n)).to(ScalarType.Float64);
        if (!isfinite(generated).all().item<bool>()) return double.NaN;
        return StateSpaceDivergence.Binned(series.to(ScalarType.Float64), generated);
    }

    /// <summary>The parameters of the best-scoring epoch so far (lowest score; NaN never wins).</summary>
    sealed class Selection(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) : IDisposable
    {
        readonly Tensor[] kept = [.. parameters.Select(p => p.detach().clone().DetachFromDisposeScope())];
        double best = double.PositiveInfinity;
        int? epoch;

        public void Offer(int epochNumber, double score)
        {
            if (!(score < best)) return;
            best = score;
            epoch = epochNumber;
            using var noGrad = no_grad();
            for (int i = 0; i < kept.Length; i++) kept[i].copy_(parameters[i]);
        }

        /// <summary>Puts the kept parameters back; returns their epoch, or null when no epoch scored (the model stays as it is).</summary>
        public int? Restore()
        {
            if (epoch is null) return null;
            using var noGrad = no_grad();
            for (int i = 0; i < kept.Length; i++) parameters[i].copy_(kept[i]);
            return epoch;
        }

        public void Dispose()
        {
            foreach (var tensor in kept) tensor.Dispose();
        }
    }

    /// <summary><paramref name="count"/> windows of <paramref name="length"/> + 1 consecutive rows at uniformly random starts in
    /// <c>[0, T − length − 1]</c>, drawn from <paramref name="generator"/>.</summary>
    /// <param name="series"><c>(T, N)</c>.</param>
    /// <param name="length">Steps per window <c>T̃</c>.</param>
    /// <param name="count">Windows <c>B</c>.</param>
    /// <param name="generator">The window stream.</param>
    /// <returns><c>(B, T̃ + 1, N)</c>.</returns>
    public static Tensor SampleWindows(Tensor series, int length, int count, Generator generator)
    {
        long rows = series.shape[0], columns = series.shape[1];
        using var scope = NewDisposeScope();
        Tensor starts = randint(0, rows - length, [count, 1], dtype: ScalarType.Int64, generator: generator);   // (B, 1)
        Tensor index = (starts + arange(length + 1, dtype: ScalarType.Int64)).flatten().to(series.device);     // (B · (T̃ + 1))
        return series.index_select(0, index).reshape(count, length + 1, columns).MoveToOuterDisposeScope();
    }

    static bool ParametersFinite(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        return parameters.All(p => isfinite(p).all().item<bool>());
    }
}
