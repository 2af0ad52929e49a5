using Resonance.Experiments;
using Resonance.Models;
using Resonance.Runtime;

namespace Resonance.Training;

/// <summary>The optimiser used by the trainer.</summary>
public enum OptimizerKind { Adam, AdamW }

/// <summary>Learning-rate schedule over the whole run.</summary>
public enum ScheduleKind
{
    /// <summary>Constant <c>lr</c>.</summary>
    None,
    /// <summary><c>lr * gamma^floor(epoch / step_epochs)</c>.</summary>
    Step,
    /// <summary>Cosine from <c>lr</c> to <c>min_lr</c> over all steps.</summary>
    Cosine,
    /// <summary>One-cycle: linear warm-up from <c>lr/25</c> to <c>lr</c> over <c>warmup_fraction</c> of the steps, then cosine down to <c>min_lr</c>.</summary>
    OneCycle,
}

/// <summary>The <c>training:</c> section of an experiment.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Peak learning rate.</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>Examples per optimiser step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Examples per evaluation batch (memory only; does not change results).</summary>
    public int EvalBatchSize { get; init; } = 1000;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Weight decay (decoupled for AdamW, L2 for Adam).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Clip the global gradient 2-norm to this value; null or 0 disables clipping.</summary>
    public double? ClipGradNorm { get; init; } = 1.0;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.None;
    /// <summary>Step schedule: epochs between decays.</summary>
    public int StepEpochs { get; init; } = 10;
    /// <summary>Step schedule: decay factor.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>Cosine and one-cycle: the final learning rate.</summary>
    public double MinLr { get; init; }
    /// <summary>One-cycle: fraction of all steps spent warming up.</summary>
    public double WarmupFraction { get; init; } = 0.3;
    /// <summary>Stop when the validation metric has not improved for this many epochs; 0 disables.</summary>
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Save a checkpoint every this many batches as well as at each epoch's end; 0 = epochs only.</summary>
    public int CheckpointEveryBatches { get; init; }
    /// <summary>A batch loss above this multiple of the running median of the last <see cref="SpikeWindow"/> batch losses (and
    /// above <see cref="SpikeMadFactor"/> robust standard deviations over it) is logged as a loss spike (with its recovery);
    /// 0 turns the detector off. The rule is <see cref="LossSpikeDetector"/>'s.</summary>
    public double SpikeFactor { get; init; } = 3;
    /// <summary>Batches in the loss-spike detector's running median and noise scale.</summary>
    public int SpikeWindow { get; init; } = 50;
    /// <summary>A spike must also exceed the running median by this much (loss units); 0 sets no floor.</summary>
    public double SpikeMinRise { get; init; }
    /// <summary>A spike must also exceed the running median by this many robust standard deviations of the window's batch losses
    /// (<c>1.4826 × MAD</c>, the median absolute deviation), so that ordinary batch noise late in training, which reaches a few
    /// times a small median, is not a spike; 0 lets the ratio alone decide.</summary>
    public double SpikeMadFactor { get; init; } = LossSpikeDetector.DefaultMadFactor;
    /// <summary>The run fails (exit code 1) when the final test accuracy is below this; null = no target.</summary>
    public double? TargetAccuracy { get; init; }
    /// <summary>Weights to start from instead of the seeded initialisation (<c>training.init_from</c>, or <c>resonance run --init-from</c>):
    /// a safetensors file, a <c>torch.save</c> state dict or an .npz with the names of <c>resonance export</c>
    /// (torch.nn.LSTM / GRU / RNN names plus <c>fc.</c>; the resonator's own). Ignored on <c>--resume</c>, where the checkpoint rules.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Refuses impossible values, naming the key.</summary>
    public void Validate()
    {
        if (InitFrom is not null && !File.Exists(InitFrom))
            throw new UserInputException($"training.init_from: no such file {InitFrom}; give weights saved with resonance export, torch.save(model.state_dict(), FILE) or safetensors.");
        if (Epochs < 1) throw new UserInputException($"training.epochs: expected a whole number >= 1, got {Epochs}");
        SizeCaps.AtMost("training.epochs", Epochs, SizeCaps.Epochs);
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new UserInputException($"training.lr: expected a number > 0, got {Lr}");
        // The optimiser turns the rate into float32 scalars with bias corrections of up to 1 / (1 - beta2) = 1,000: beyond
        // 1e30 that conversion overflows inside libtorch; no useful rate is anywhere near.
        if (Lr > 1e30) throw new UserInputException($"training.lr: {Lr:G3} is beyond any useful learning rate (at most 1e30; typical ones are 1e-4 to 1e-2)");
        if (BatchSize < 1) throw new UserInputException($"training.batch_size: expected a whole number >= 1, got {BatchSize}");
        if (EvalBatchSize < 1) throw new UserInputException($"training.eval_batch_size: expected a whole number >= 1, got {EvalBatchSize}");
        if (WeightDecay < 0) throw new UserInputException($"training.weight_decay: expected a number >= 0, got {WeightDecay}");
        if (ClipGradNorm is < 0) throw new UserInputException($"training.clip_grad_norm: expected a number >= 0 (0 disables), got {ClipGradNorm}");
        if (StepEpochs < 1) throw new UserInputException($"training.step_epochs: expected a whole number >= 1, got {StepEpochs}");
        if (!(Gamma > 0 && Gamma <= 1)) throw new UserInputException($"training.gamma: expected a number in (0, 1], got {Gamma}");
        if (MinLr < 0 || MinLr > Lr) throw new UserInputException($"training.min_lr: expected a number in [0, training.lr], got {MinLr}");
        if (!(WarmupFraction >= 0 && WarmupFraction < 1)) throw new UserInputException($"training.warmup_fraction: expected a number in [0, 1), got {WarmupFraction}");
        if (EarlyStoppingPatience < 0) throw new UserInputException($"training.early_stopping_patience: expected a whole number >= 0, got {EarlyStoppingPatience}");
        if (CheckpointEveryBatches < 0) throw new UserInputException($"training.checkpoint_every_batches: expected a whole number >= 0, got {CheckpointEveryBatches}");
        if (SpikeFactor != 0 && !(SpikeFactor > 1)) throw new UserInputException($"training.spike_factor: expected a number > 1, or 0 to turn spike detection off, got {SpikeFactor}");
        if (!(SpikeMinRise >= 0) || double.IsInfinity(SpikeMinRise)) throw new UserInputException($"training.spike_min_rise: expected a number >= 0, got {SpikeMinRise}");
        if (!(SpikeMadFactor >= 0) || double.IsInfinity(SpikeMadFactor)) throw new UserInputException($"training.spike_mad_factor: expected a number >= 0 (0: the ratio alone decides), got {SpikeMadFactor}");
        if (SpikeWindow < 1) throw new UserInputException($"training.spike_window: expected a whole number >= 1, got {SpikeWindow}");
        if (TargetAccuracy is < 0 or > 1) throw new UserInputException($"training.target_accuracy: expected a fraction in [0, 1], got {TargetAccuracy}");
    }

    /// <summary>Copies of every parameter training holds: the weights, their gradients, Adam's two moments, and a checkpoint's copy.</summary>
    const int CopiesPerParameter = 5;

    /// <summary>Estimated bytes of training <paramref name="model"/> on <paramref name="data"/>:
    /// <c>4 * (5 * parameters + min(batch_size, training examples) * activation floats per example + data floats)</c>.</summary>
    public double MemoryBytes(IModelSize model, DataOptions data)
    {
        var shape = data.Shape();
        double batch = Math.Min(BatchSize, data.TrainExamples());
        return 4.0 * (CopiesPerParameter * model.Parameters(shape) + batch * model.ActivationFloatsPerExample(shape) + data.Floats());
    }

    /// <summary>Refuses a model, data and batch size whose training needs more memory than <paramref name="budgetBytes"/>.</summary>
    /// <exception cref="UserInputException">The estimate exceeds the budget; the message names the key out of proportion and the largest value that fits.</exception>
    public void EnsureFits(IModelSize model, DataOptions data, long budgetBytes)
    {
        List<SizeKey> sizes =
        [
            .. model.SizeKeys.Select(key => new SizeKey(key.Key, key.Value, key.Typical, key.Minimum, value => MemoryBytes(key.With(value), data))),
            .. data.SizeKeys().Select(key => new SizeKey(key.Key, key.Value, key.Typical, key.Minimum, value => MemoryBytes(model, key.With(value)))),
            new("training.batch_size", BatchSize, 128, 1, value => (this with { BatchSize = (int)value }).MemoryBytes(model, data)),
        ];
        MemoryBudget.Ensure(sizes, budgetBytes);
    }
}

/// <summary>The <c>logging:</c> section of an experiment.</summary>
public sealed record LoggingOptions
{
    /// <summary>Write a training line to metrics.jsonl every this many batches.</summary>
    public int EveryBatches { get; init; } = 50;
    /// <summary>Write TensorBoard event files.</summary>
    public bool Tensorboard { get; init; } = true;
    /// <summary>Write PNG plots at the end.</summary>
    public bool Plots { get; init; } = true;

    public void Validate()
    {
        if (EveryBatches < 1) throw new UserInputException($"logging.every_batches: expected a whole number >= 1, got {EveryBatches}");
    }
}
