using Resonance.Runs;
using System.Diagnostics;
using Resonance.Data;
using Resonance.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingStatus
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>Validation stopped improving; the run ended early, as configured.</summary>
    EarlyStopped,
    /// <summary>Stopped on request (Ctrl-C, SIGTERM); a checkpoint was saved and the run can be resumed.</summary>
    Interrupted,
    /// <summary>A loss, gradient or weight became NaN or infinite; the last good checkpoint was kept.</summary>
    Diverged,
    /// <summary>Finished, but below <see cref="TrainingOptions.TargetAccuracy"/>.</summary>
    TargetMissed,
}

/// <summary>The outcome of <see cref="Trainer.Run"/>: status, a message for people, and the headline figures.</summary>
public sealed record TrainingResult(TrainingStatus Status, string Message, IReadOnlyDictionary<string, object?> Summary)
{
    /// <summary>The run status this ends with: early stopping completes a run, a missed target fails it.</summary>
    public RunStatus RunStatus => Trainer.RunStatusOf(Status);
}

/// <summary>
/// Trains a <see cref="SequenceModel"/> on an <see cref="ISequenceData"/> into a <see cref="RunDirectory"/>:
/// Adam/AdamW, gradient clipping, a learning-rate schedule, evaluation every epoch, early stopping,
/// checkpoints (every epoch, every N batches, and on interrupt) and exact resume.
/// </summary>
/// <remarks>
/// Extension points, all optional: a model that implements <see cref="IEpochScheduledModel"/> is told each epoch
/// before its first batch (a curriculum; the settings go into the epoch's metrics line); one that implements
/// <see cref="INeuronDiagnostics"/> is asked for per-neuron figures after each epoch's evaluation (TensorBoard histograms,
/// means in a <c>neurons</c> metrics line, <c>plots/neurons.png</c>). A <see cref="LossSpikeDetector"/> watches every batch
/// loss (<see cref="TrainingOptions.SpikeFactor"/>): <c>spike</c> and <c>spike_recovery</c> metrics lines, a summary in
/// summary.json; its memory is checkpointed, so resume stays exact.
/// Classification minimises cross-entropy of logits <c>(batch, classes)</c> against labels <c>(batch)</c>;
/// regression minimises mean squared error of <c>(batch, steps, outputs)</c>; a model that implements <see cref="IModelLoss"/>
/// sets its own loss instead. Validation accuracy (or negative
/// validation loss for regression) drives early stopping and the best checkpoint.
/// </remarks>
public sealed class Trainer
{
    readonly SequenceModel model;
    readonly ISequenceData data;
    readonly TrainingOptions options;
    readonly LoggingOptions logging;
    readonly RunDirectory run;
    readonly IRunEvents events;
    readonly OptimizerHelper optimizer;
    readonly bool classification;

    public Trainer(SequenceModel model, ISequenceData data, TrainingOptions options, LoggingOptions logging, RunDirectory run, IRunEvents? events = null)
    {
        this.model = model;
        this.data = data;
        this.options = options;
        this.logging = logging;
        this.run = run;
        this.events = events ?? NullRunEvents.Instance;
        classification = model.Shape.Task == TaskKind.Classification;
        var parameters = Trainable(model);
        optimizer = options.Optimizer == OptimizerKind.AdamW
            ? optim.AdamW(parameters, lr: options.Lr, weight_decay: options.WeightDecay)
            : optim.Adam(parameters, lr: options.Lr, weight_decay: options.WeightDecay);
    }

    /// <summary>Trainable parameter count (parameters frozen with <c>requires_grad = false</c> are not counted).</summary>
    public long ParameterCount => Trainable(model).Sum(p => p.numel());

    static List<Parameter> Trainable(SequenceModel model) => [.. model.parameters().Where(p => p.requires_grad)];

    /// <summary>Runs (or, with <paramref name="resume"/>, continues from the last checkpoint) until done, stopped or diverged.</summary>
    /// <param name="resume">Continue from <see cref="RunDirectory.LastCheckpointPath"/>.</param>
    /// <param name="stop">Cancelled on Ctrl-C / SIGTERM: the current batch finishes, a checkpoint is saved, the run returns <see cref="TrainingStatus.Interrupted"/>.</param>
    public TrainingResult Run(bool resume, CancellationToken stop)
    {
        var state = resume ? LoadCheckpoint() : TrainerState.Start;
        long trainCount = data.Count(DataSplit.Train);
        int batchesPerEpoch = (int)((trainCount + options.BatchSize - 1) / options.BatchSize);
        long totalSteps = (long)batchesPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(options, batchesPerEpoch);

        using var metrics = run.OpenMetrics(resume ? state.Step : null);
        using var board = logging.Tensorboard ? new TensorBoardSink(run.TensorBoardPath) : null;
        events.Report(new RunMessage($"{(resume ? $"resuming at step {state.Step}" : "training")}: {trainCount:N0} examples, {options.Epochs} epochs, {ParameterCount:N0} parameters"));

        var clock = Stopwatch.StartNew();
        double priorSeconds = state.TrainSeconds;
        double TrainSeconds() => priorSeconds + clock.Elapsed.TotalSeconds;
        var parameters = Trainable(model);
        EpochReport? lastEpoch = null;
        var spikes = options.SpikeFactor > 0 ? new LossSpikeDetector(options.SpikeFactor, options.SpikeWindow, state.LossSpikes, options.SpikeMinRise, options.SpikeMadFactor) : null;

        for (int epoch = state.Epoch; epoch < options.Epochs; epoch++)
        {
            model.train();
            var settings = (model as IEpochScheduledModel)?.BeginEpoch(epoch);
            var epochClock = Stopwatch.StartNew();
            var windowClock = Stopwatch.StartNew();
            long windowSamples = 0;
            int batchIndex = 0;

            foreach (var batch in data.TrainBatches(epoch, options.BatchSize))
            {
                using (batch)
                {
                    if (batchIndex < state.BatchInEpoch)
                    {
                        batchIndex++;
                        continue; // already trained before the checkpoint this run resumed from
                    }
                    double lr = schedule.At(state.Step);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

                    double loss, gradNorm, batchCorrect = 0;
                    using (var scope = NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var output = model.forward(batch.Inputs);
                        var lossTensor = Loss(output, batch.Targets);
                        lossTensor.backward();
                        gradNorm = options.ClipGradNorm is > 0
                            ? nn.utils.clip_grad_norm_(parameters, options.ClipGradNorm.Value)
                            : GradientNorm(parameters);
                        loss = lossTensor.item<float>();
                        if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
                            return Diverged(state, epoch, batchIndex, double.IsFinite(loss) ? $"the gradient norm became {gradNorm}" : $"the loss became {loss}", metrics);
                        optimizer.step();
                        if (classification)
                            batchCorrect = output.argmax(1).eq(batch.Targets).sum().item<long>();
                    }

                    long size = batch.Size;
                    state = state with
                    {
                        BatchInEpoch = batchIndex + 1, Step = state.Step + 1,
                        EpochSums = state.EpochSums.Add(loss, batchCorrect, size), WindowSums = state.WindowSums.Add(loss, batchCorrect, size),
                    };
                    batchIndex++;
                    windowSamples += size;
                    if (spikes is not null)
                    {
                        WriteSpike(metrics, board, epoch, batchIndex, spikes.Observe(state.Step, loss));
                        state = state with { LossSpikes = spikes.State };
                    }

                    double rate = windowSamples / Math.Max(1e-9, windowClock.Elapsed.TotalSeconds);
                    double remaining = (totalSteps - state.Step) * options.BatchSize / Math.Max(1e-9, rate);
                    string accuracyText = classification ? $" acc {batchCorrect / size:P1}" : "";
                    events.Report(new RunProgress(state.Step, totalSteps, "step", rate, "samples", TimeSpan.FromSeconds(remaining),
                        $"epoch {epoch + 1} loss {loss:F4}{accuracyText}"));

                    if (state.Step % logging.EveryBatches == 0 || batchIndex == batchesPerEpoch)
                    {
                        var line = new Dictionary<string, object?>
                        {
                            ["kind"] = "train", ["step"] = state.Step, ["epoch"] = epoch, ["batch"] = batchIndex,
                            ["loss"] = state.WindowSums.MeanLoss, ["lr"] = lr, ["grad_norm"] = gradNorm,
                        };
                        if (classification) line["accuracy"] = state.WindowSums.Accuracy;
                        line["samples_per_s"] = rate;
                        line["elapsed_s"] = TrainSeconds();
                        metrics.Write(line);
                        board?.Scalar("train/loss", state.WindowSums.MeanLoss, state.Step);
                        if (classification) board?.Scalar("train/accuracy", state.WindowSums.Accuracy, state.Step);
                        board?.Scalar("train/lr", lr, state.Step);
                        state = state with { WindowSums = RunningSums.Zero };
                        windowSamples = 0;
                        windowClock.Restart();
                    }

                    bool interrupted = stop.IsCancellationRequested;
                    if (interrupted || (options.CheckpointEveryBatches > 0 && state.Step % options.CheckpointEveryBatches == 0 && batchIndex < batchesPerEpoch))
                    {
                        if (!WeightsFinite(parameters))
                            return Diverged(state, epoch, batchIndex, "a weight became NaN or infinite", metrics);
                        Checkpoint.Save(run.LastCheckpointPath, state with { TrainSeconds = TrainSeconds() }, model, optimizer);
                    }
                    if (interrupted)
                    {
                        string message = $"interrupted at step {state.Step} (epoch {epoch + 1}, batch {batchIndex}); checkpoint saved. " +
                                         $"Continue with: resonance run --resume {run.Path}";
                        events.Report(new RunMessage(message, MessageLevel.Warning));
                        return new TrainingResult(TrainingStatus.Interrupted, message, Summary(state, lastEpoch, TrainSeconds(), "interrupted"));
                    }
                }
            }

            if (!WeightsFinite(parameters))
                return Diverged(state, epoch, batchIndex, "a weight became NaN or infinite", metrics);

            var (validationLoss, validationAccuracy) = data.Count(DataSplit.Validation) > 0 ? Evaluate(DataSplit.Validation) : (double.NaN, (double?)null);
            var (testLoss, testAccuracy) = Evaluate(DataSplit.Test);
            if (!double.IsFinite(testLoss) || (data.Count(DataSplit.Validation) > 0 && !double.IsFinite(validationLoss)))
                return Diverged(state, epoch, batchIndex - 1, $"the evaluation loss became {(double.IsFinite(testLoss) ? validationLoss : testLoss)}", metrics);
            bool hasValidation = data.Count(DataSplit.Validation) > 0;
            lastEpoch = new EpochReport(epoch, state.EpochSums.MeanLoss, classification ? state.EpochSums.Accuracy : null,
                hasValidation ? validationLoss : null, validationAccuracy, testLoss, testAccuracy, epochClock.Elapsed.TotalSeconds);
            WriteEpoch(metrics, board, state.Step, lastEpoch, settings);
            WriteNeurons(metrics, board, state.Step, epoch, hasValidation ? DataSplit.Validation : DataSplit.Test);
            events.Report(new RunMessage(Describe(lastEpoch), MessageLevel.Result));

            // Early stopping and the best checkpoint follow validation (never the test split); without one, training loss.
            double metric = hasValidation ? (validationAccuracy ?? -validationLoss) : -lastEpoch.TrainLoss;
            bool improved = state.BestMetric is null || metric > state.BestMetric;
            state = state with
            {
                Epoch = epoch + 1, BatchInEpoch = 0, EpochSums = RunningSums.Zero,
                BestMetric = improved ? metric : state.BestMetric,
                EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1,
            };
            Checkpoint.Save(run.LastCheckpointPath, state with { TrainSeconds = TrainSeconds() }, model, optimizer);
            if (improved)
                AtomicFile.Write(run.BestCheckpointPath, target => { using var source = File.OpenRead(run.LastCheckpointPath); source.CopyTo(target); });
            run.WriteSummary(Summary(state, lastEpoch, TrainSeconds(), "running"));

            if (options.EarlyStoppingPatience > 0 && state.EpochsWithoutImprovement >= options.EarlyStoppingPatience && epoch + 1 < options.Epochs)
            {
                string message = $"early stopping after epoch {epoch + 1}: no improvement for {state.EpochsWithoutImprovement} epochs";
                events.Report(new RunMessage(message, MessageLevel.Warning));
                return Finish(TrainingStatus.EarlyStopped, message, state, lastEpoch, TrainSeconds());
            }
            if (stop.IsCancellationRequested && epoch + 1 < options.Epochs)
            {
                string message = $"interrupted after epoch {epoch + 1}; checkpoint saved. Continue with: resonance run --resume {run.Path}";
                events.Report(new RunMessage(message, MessageLevel.Warning));
                return new TrainingResult(TrainingStatus.Interrupted, message, Summary(state, lastEpoch, TrainSeconds(), "interrupted"));
            }
        }

        // Resumed from a checkpoint taken after the last epoch: nothing left to train; the figures are the last epoch's.
        lastEpoch ??= LastLoggedEpoch() ?? EvaluatedEpoch();
        if (classification && options.TargetAccuracy is double target && (lastEpoch.TestAccuracy ?? 0) < target)
            return Finish(TrainingStatus.TargetMissed,
                $"test accuracy {lastEpoch.TestAccuracy:P2} is below the target {target:P2} (training.target_accuracy)", state, lastEpoch, TrainSeconds());
        return Finish(TrainingStatus.Completed, "completed", state, lastEpoch, TrainSeconds());
    }

    /// <summary>The state of the last checkpoint, loaded into the model and optimiser; a damaged <c>last.ckpt</c> falls back
    /// to <c>best.ckpt</c>, saying so.</summary>
    /// <exception cref="UserInputException">No checkpoint, or every checkpoint is damaged.</exception>
    TrainerState LoadCheckpoint()
    {
        try
        {
            return Checkpoint.Load(run.LastCheckpointPath, model, optimizer);
        }
        catch (UserInputException e) when (File.Exists(run.BestCheckpointPath) && File.Exists(run.LastCheckpointPath))
        {
            events.Report(new RunMessage($"{run.LastCheckpointPath} is damaged ({e.Message.Split(';')[0]}); continuing from {run.BestCheckpointPath} instead.", MessageLevel.Warning));
            return Checkpoint.Load(run.BestCheckpointPath, model, optimizer);
        }
    }

    /// <summary>The run status a training status ends with.</summary>
    public static RunStatus RunStatusOf(TrainingStatus status) => status switch
    {
        TrainingStatus.Completed or TrainingStatus.EarlyStopped => RunStatus.Completed,
        TrainingStatus.Interrupted => RunStatus.Interrupted,
        TrainingStatus.Diverged => RunStatus.Diverged,
        _ => RunStatus.Failed,
    };

    /// <summary>An epoch's figures in one line: <c>epoch 3: train 0.1234 / 96.10%  validation ...  test ... (12.3 s)</c>.</summary>
    public static string Describe(EpochReport report)
    {
        string train = report.TrainAccuracy is double ta ? $"train {report.TrainLoss:F4} / {ta:P2}" : $"train {report.TrainLoss:F5}";
        string validation = report.ValidationLoss is double vl ? (report.ValidationAccuracy is double va ? $"  validation {vl:F4} / {va:P2}" : $"  validation {vl:F5}") : "";
        string test = report.TestAccuracy is double sa ? $"  test {report.TestLoss:F4} / {sa:P2}" : $"  test {report.TestLoss:F5}";
        return $"epoch {report.Epoch + 1}: {train}{validation}{test}  ({report.EpochSeconds:F1} s)";
    }

    EpochReport? LastLoggedEpoch()
    {
        var line = MetricsLog.Read(run.MetricsPath).LastOrDefault(l => l["kind"]?.GetValue<string>() == "epoch");
        if (line is null) return null;
        double? Get(string key) => line[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out double d) ? d : null;
        return new EpochReport((int)(Get("epoch") ?? 0), Get("train_loss") ?? double.NaN, Get("train_accuracy"), Get("validation_loss"),
            Get("validation_accuracy"), Get("test_loss") ?? double.NaN, Get("test_accuracy"), Get("epoch_s") ?? 0);
    }

    EpochReport EvaluatedEpoch()
    {
        (model as IEpochScheduledModel)?.BeginEpoch(options.Epochs - 1);
        var (testLoss, testAccuracy) = Evaluate(DataSplit.Test);
        return new EpochReport(options.Epochs - 1, double.NaN, null, null, null, testLoss, testAccuracy, 0);
    }

    TrainingResult Finish(TrainingStatus status, string message, TrainerState state, EpochReport last, double seconds)
    {
        var summary = Summary(state, last, seconds, RunStatusOf(status).ToString().ToLowerInvariant());
        if (status is TrainingStatus.EarlyStopped or TrainingStatus.TargetMissed)
            summary["end_reason"] = status == TrainingStatus.EarlyStopped ? "early_stopped" : "target_missed";
        run.WriteSummary(summary);
        return new TrainingResult(status, message, summary);
    }

    TrainingResult Diverged(TrainerState state, int epoch, int batchIndex, string what, MetricsLog metrics)
    {
        string kept = File.Exists(run.LastCheckpointPath)
            ? $"the last good checkpoint is {run.LastCheckpointPath}"
            : "no checkpoint had been saved yet";
        string message = $"diverged at step {state.Step + 1} (epoch {epoch + 1}, batch {batchIndex + 1}): {what}; {kept}. " +
                         $"Try a lower training.lr (now {options.Lr}), a smaller training.clip_grad_norm, or a smaller model.";
        metrics.Write(new Dictionary<string, object?> { ["kind"] = "diverged", ["step"] = state.Step + 1, ["epoch"] = epoch, ["batch"] = batchIndex + 1, ["reason"] = what });
        var summary = new Dictionary<string, object?>(Summary(state, null, 0, "diverged")) { ["diverged_at_step"] = state.Step + 1 };
        run.WriteSummary(summary);
        return new TrainingResult(TrainingStatus.Diverged, message, summary);
    }

    Dictionary<string, object?> Summary(TrainerState state, EpochReport? last, double seconds, string status)
    {
        var summary = new Dictionary<string, object?>
        {
            ["status"] = status,
            ["model"] = model.GetName(),
            ["parameters"] = ParameterCount,
            ["epochs_completed"] = state.Epoch,
            ["steps"] = state.Step,
        };
        if (last is not null)
        {
            summary["final_train_loss"] = last.TrainLoss;
            if (last.TrainAccuracy is double trainAccuracy) summary["final_train_accuracy"] = trainAccuracy;
            if (last.ValidationLoss is double validationLoss) summary["validation_loss"] = validationLoss;
            if (last.ValidationAccuracy is double validationAccuracy) summary["validation_accuracy"] = validationAccuracy;
            summary["test_loss"] = last.TestLoss;
            if (last.TestAccuracy is double testAccuracy) summary["test_accuracy"] = testAccuracy;
        }
        if (state.BestMetric is double best && data.Count(DataSplit.Validation) > 0) summary["best_validation_metric"] = best;
        foreach (var (key, value) in LossSpikeSummary(MetricsLog.Read(run.MetricsPath))) summary[key] = value;
        summary["train_time_s"] = seconds;
        if (seconds > 0 && state.Step > 0)
            summary["train_samples_per_s"] = (double)Math.Min(state.Step * options.BatchSize, state.Epoch * data.Count(DataSplit.Train) + state.BatchInEpoch * options.BatchSize) / seconds;
        return summary.Where(kv => kv.Value is not double d || double.IsFinite(d)).ToDictionary();
    }

    /// <summary>Headline figures of the loss spikes in a metrics log: <c>loss_spikes</c> (count), <c>loss_spike_largest_ratio</c>,
    /// <c>loss_spike_mean_recovery_batches</c>, <c>loss_spikes_unrecovered</c>, <c>loss_spike_steps</c> (comma-separated).</summary>
    public static Dictionary<string, object?> LossSpikeSummary(IReadOnlyList<System.Text.Json.Nodes.JsonObject> lines)
    {
        static double Get(System.Text.Json.Nodes.JsonObject line, string key) => line[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;
        var found = lines.Where(l => l["kind"]?.GetValue<string>() == "spike").ToList();
        var recovered = lines.Where(l => l["kind"]?.GetValue<string>() == "spike_recovery").ToList();
        var summary = new Dictionary<string, object?> { ["loss_spikes"] = (long)found.Count };
        if (found.Count == 0) return summary;
        summary["loss_spike_largest_ratio"] = found.Max(l => Get(l, "ratio"));
        if (recovered.Count > 0) summary["loss_spike_mean_recovery_batches"] = recovered.Average(l => Get(l, "recovery_batches"));
        summary["loss_spikes_unrecovered"] = (long)(found.Count - recovered.Count);
        summary["loss_spike_steps"] = string.Join(",", found.Select(l => ((long)Get(l, "step")).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return summary;
    }

    void WriteSpike(MetricsLog metrics, TensorBoardSink? board, int epoch, int batch, (LossSpike? Spike, LossSpikeRecovery? Recovery) found)
    {
        if (found.Spike is { } spike)
        {
            metrics.Write(new Dictionary<string, object?>
            {
                ["kind"] = "spike", ["step"] = spike.Step, ["epoch"] = epoch, ["batch"] = batch,
                ["loss"] = spike.Loss, ["running_median"] = spike.RunningMedian, ["ratio"] = spike.Ratio,
            });
            board?.Scalar("train/loss_spike_ratio", spike.Ratio, spike.Step);
            events.Report(new RunMessage($"loss spike at step {spike.Step} (epoch {epoch + 1}): {spike.Loss:G4}, {spike.Ratio:F1}x the running median {spike.RunningMedian:G4}", MessageLevel.Warning));
        }
        if (found.Recovery is { } recovery)
            metrics.Write(new Dictionary<string, object?>
            {
                ["kind"] = "spike_recovery", ["step"] = recovery.Step, ["epoch"] = epoch, ["batch"] = batch,
                ["spike_step"] = recovery.SpikeStep, ["recovery_batches"] = recovery.Batches, ["peak_loss"] = recovery.PeakLoss,
            });
    }

    /// <summary>Per-neuron figures of a model that reports them, on the first batch of <paramref name="split"/>.</summary>
    void WriteNeurons(MetricsLog metrics, TensorBoardSink? board, long step, int epoch, DataSplit split)
    {
        if (model is not INeuronDiagnostics diagnosable) return;
        IReadOnlyList<NeuronDiagnostic>? figures = null;
        model.eval();
        foreach (var batch in data.Batches(split, options.EvalBatchSize))
        {
            using (batch) figures = diagnosable.Diagnose(batch.Inputs);
            break;
        }
        model.train();
        if (figures is null) return;
        var line = new Dictionary<string, object?> { ["kind"] = "neurons", ["step"] = step, ["epoch"] = epoch };
        foreach (var figure in figures)
        {
            line[figure.Name] = figure.Mean;
            if (board is null) continue;
            using var values = tensor(figure.Values);
            board.Histogram("neurons/" + figure.Name, values, step);
            board.Scalar("neurons/" + figure.Name + "_mean", figure.Mean, step);
        }
        metrics.Write(line);
        if (logging.Plots) NeuronPlots.Write(System.IO.Path.Combine(run.PlotsPath, "neurons.png"), figures, epoch);
    }

    void WriteEpoch(MetricsLog metrics, TensorBoardSink? board, long step, EpochReport report, IReadOnlyDictionary<string, double>? settings)
    {
        var line = new Dictionary<string, object?> { ["kind"] = "epoch", ["step"] = step, ["epoch"] = report.Epoch, ["train_loss"] = report.TrainLoss };
        foreach (var (key, value) in settings ?? new Dictionary<string, double>()) line[key] = value;
        if (report.TrainAccuracy is double trainAccuracy) line["train_accuracy"] = trainAccuracy;
        if (report.ValidationLoss is double validationLoss) line["validation_loss"] = validationLoss;
        if (report.ValidationAccuracy is double validationAccuracy) line["validation_accuracy"] = validationAccuracy;
        line["test_loss"] = report.TestLoss;
        if (report.TestAccuracy is double testAccuracy) line["test_accuracy"] = testAccuracy;
        line["epoch_s"] = report.EpochSeconds;
        metrics.Write(line);
        if (board is null) return;
        foreach (var (key, value) in line)
            if (key is not ("kind" or "step" or "epoch") && value is double d)
                board.Scalar("epoch/" + key, d, step);
    }

    /// <summary>Mean loss and accuracy (null for regression) over a split, without gradients.</summary>
    public (double Loss, double? Accuracy) Evaluate(DataSplit split)
    {
        model.eval();
        double lossSum = 0, correct = 0, seen = 0;
        using (no_grad())
        {
            foreach (var batch in data.Batches(split, options.EvalBatchSize))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    var output = model.forward(batch.Inputs);
                    lossSum += Loss(output, batch.Targets).item<float>() * batch.Size;
                    if (classification) correct += output.argmax(1).eq(batch.Targets).sum().item<long>();
                    seen += batch.Size;
                }
            }
        }
        model.train();
        return seen == 0 ? (double.NaN, null) : (lossSum / seen, classification ? correct / seen : null);
    }

    Tensor Loss(Tensor output, Tensor targets) =>
        model is IModelLoss own ? own.Loss(output, targets)
        : classification ? nn.functional.cross_entropy(output, targets) : nn.functional.mse_loss(output, targets);

    static double GradientNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var squares = parameters.Where(p => p.grad is not null).Select(p => p.grad!.pow(2).sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<float>();
    }

    static bool WeightsFinite(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        return parameters.All(p => isfinite(p).all().item<bool>());
    }
}

