namespace Resonance.Reconstruction;

/// <summary>How the training pulls the latent state towards the data along a sequence (<c>training.forcing</c>).</summary>
public enum ForcingKind
{
    /// <summary>Generalized teacher forcing: after every step <c>z ← (1 − α) z + α ẑ</c> on the forced units.</summary>
    Generalized,
    /// <summary>Sparse identity teacher forcing: every <c>forcing_interval</c> steps the forced units are replaced by <c>ẑ</c>.</summary>
    Sparse,
    /// <summary>No forcing: plain backpropagation through time over the free-running sequence (<c>α = 0</c>).</summary>
    None,
}

/// <summary>How generalized teacher forcing chooses <c>α</c> (<c>training.alpha_method</c>).</summary>
public enum AlphaMethod
{
    /// <summary><c>α</c> stays at <c>training.alpha</c>.</summary>
    Constant,
    /// <summary>Adaptive: <c>α* = max(0, 1 − 1/σ)</c> from the bound <c>σ</c> on the Jacobian product along each sequence
    /// (<see cref="GtfAlpha"/>), raised at once and lowered by an exponential average.</summary>
    ProductUpperBound,
}

/// <summary>The optimiser of a reconstruction (<c>training.optimizer</c>).</summary>
public enum ReconstructionOptimizer
{
    /// <summary>Rectified Adam (Liu et al. 2020), the repositories' choice.</summary>
    RAdam,
    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>
/// The <c>training</c> section of a shallow-PLRNN or AL-RNN reconstruction. Defaults are DurstewitzLab/GTF-shPLRNN's
/// (<c>settings/defaults.json</c>): RAdam, learning rate from 1e-3 to 1e-6 exponentially over the epochs, 50 batches of 16
/// sequences of 200 steps per epoch, adaptive <c>α</c> from 1 with decay 0.999, updated every 5 batches.
/// </summary>
public sealed record ReconstructionTrainingOptions
{
    /// <summary>Generalized, sparse or no teacher forcing (<c>forcing</c>).</summary>
    public ForcingKind Forcing { get; init; } = ForcingKind.Generalized;
    /// <summary>The forcing strength <c>α</c> in [0, 1] (<c>alpha</c>): fixed with <see cref="AlphaMethod.Constant"/>, the starting value otherwise.</summary>
    public double Alpha { get; init; } = 1;
    /// <summary>Fixed or adaptive <c>α</c> (<c>alpha_method</c>).</summary>
    public AlphaMethod AlphaMethod { get; init; } = AlphaMethod.ProductUpperBound;
    /// <summary>Decay <c>γ</c> in [0, 1) of the exponential average that lowers <c>α</c> (<c>alpha_decay</c>): <c>α ← γ α + (1 − γ) α*</c>.</summary>
    public double AlphaDecay { get; init; } = 0.999;
    /// <summary>Batches between two updates of the adaptive <c>α</c> (<c>alpha_update_interval</c>).</summary>
    public int AlphaUpdateInterval { get; init; } = 5;
    /// <summary>Where the latent model has more units than the observation model sets (the identity observation with
    /// <c>M &gt; N</c>): true forces the observed units only and leaves the others to the model (ALRNN-DSR); false pulls the
    /// others towards 0 with the same <c>α</c> (DurstewitzLab/GTF-shPLRNN's default, <c>partial_forcing: false</c>)
    /// (<c>partial_forcing</c>).</summary>
    public bool PartialForcing { get; init; } = true;
    /// <summary>Sparse forcing: steps between two forcings <c>τ</c> (<c>forcing_interval</c>).</summary>
    public int ForcingInterval { get; init; } = 16;
    /// <summary>Sparse forcing: the interval reached in the last epoch (<c>forcing_interval_end</c>); 0 keeps
    /// <c>forcing_interval</c> throughout. Epoch <c>e</c> of <c>E</c> forces every
    /// <c>round(τ · (τ_end / τ)^(e / (E − 1)))</c> steps, a geometric schedule like the learning rate's: the model first learns
    /// short stretches and is then asked to run longer between forcings.</summary>
    public int ForcingIntervalEnd { get; init; }
    /// <summary>Steps predicted per training sequence <c>T</c> (<c>sequence_length</c>); a window holds <c>T + 1</c> observations.</summary>
    public int SequenceLength { get; init; } = 200;
    /// <summary>Sequences per optimiser step (<c>batch_size</c>).</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Optimiser steps per epoch (<c>batches_per_epoch</c>).</summary>
    public int BatchesPerEpoch { get; init; } = 50;
    /// <summary>Epochs (<c>epochs</c>).</summary>
    public int Epochs { get; init; } = 5000;
    /// <summary>Learning rate of the first epoch (<c>lr</c>).</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>Learning rate reached after the last epoch (<c>end_lr</c>): epoch <c>e</c> uses <c>lr · (end_lr / lr)^(e / epochs)</c>.</summary>
    public double EndLr { get; init; } = 1e-6;
    /// <summary>RAdam or Adam (<c>optimizer</c>).</summary>
    public ReconstructionOptimizer Optimizer { get; init; } = ReconstructionOptimizer.RAdam;
    /// <summary>Clip the global gradient 2-norm to this value; 0 disables clipping (<c>clip_grad_norm</c>).</summary>
    public double ClipGradNorm { get; init; }
    /// <summary>Factor of the latent model's weight penalty (<c>latent_regularization</c>).</summary>
    public double LatentRegularization { get; init; } = 1e-5;
    /// <summary>Factor of the observation model's penalty (<c>observation_regularization</c>).</summary>
    public double ObservationRegularization { get; init; }
    /// <summary>Standard deviation of Gaussian noise added to each training window (<c>noise_level</c>), in data units.</summary>
    public double NoiseLevel { get; init; }

    /// <summary>Every this many epochs (and after the last) the model runs freely from the first training row and its binned
    /// <c>D_stsp</c> against the training series is measured; the model with the lowest is the one kept (<c>select_every</c>,
    /// as ALRNN-DSR's Python tutorial keeps its best model by <c>D_stsp</c> on the training data). 0 keeps the last epoch's model.</summary>
    public int SelectEvery { get; init; }
    /// <summary>Rows of each selection run (<c>select_steps</c>): <c>1.25 ×</c> as many are generated and the first quarter dropped.</summary>
    public int SelectSteps { get; init; } = 10_000;

    /// <summary>Refuses impossible values under the default section (what the experiment binder calls).</summary>
    public void Validate() => Validate(null, "training");

    /// <summary>Refuses impossible values, naming the key under <paramref name="section"/>.</summary>
    /// <param name="seriesLength">The training series' length when known: a window of <c>sequence_length + 1</c> must fit.</param>
    /// <param name="section">Prefix of the key names.</param>
    /// <exception cref="UserInputException">A key holds a value outside its range.</exception>
    public void Validate(int? seriesLength, string section = "training")
    {
        OptionChecks.InRange($"{section}.alpha", Alpha, 0, 1);
        OptionChecks.InRange($"{section}.alpha_decay", AlphaDecay, 0, 1);
        if (AlphaDecay >= 1) throw new UserInputException($"{section}.alpha_decay: expected a number in [0, 1), got 1 (α could never be lowered).");
        OptionChecks.WholeAtLeast($"{section}.alpha_update_interval", AlphaUpdateInterval, 1);
        OptionChecks.WholeAtLeast($"{section}.forcing_interval", ForcingInterval, 1);
        OptionChecks.WholeAtLeast($"{section}.forcing_interval_end", ForcingIntervalEnd, 0);
        if (ForcingIntervalEnd > 0 && Forcing != ForcingKind.Sparse)
            throw new UserInputException($"{section}.forcing_interval_end: a schedule of the forcing interval needs {section}.forcing: sparse (got {Forcing.ToString().ToLowerInvariant()}); remove the key or set forcing to sparse.");
        if (seriesLength is int length)
            OptionChecks.WholeInRange($"{section}.sequence_length", SequenceLength, 1, length - 1, "the series' length - 1");
        else OptionChecks.WholeAtLeast($"{section}.sequence_length", SequenceLength, 1);
        OptionChecks.WholeAtLeast($"{section}.batch_size", BatchSize, 1);
        OptionChecks.WholeAtLeast($"{section}.batches_per_epoch", BatchesPerEpoch, 1);
        OptionChecks.WholeAtLeast($"{section}.epochs", Epochs, 1);
        OptionChecks.Positive($"{section}.lr", Lr);
        OptionChecks.Positive($"{section}.end_lr", EndLr);
        OptionChecks.NonNegative($"{section}.clip_grad_norm", ClipGradNorm);
        OptionChecks.NonNegative($"{section}.latent_regularization", LatentRegularization);
        OptionChecks.NonNegative($"{section}.observation_regularization", ObservationRegularization);
        OptionChecks.NonNegative($"{section}.noise_level", NoiseLevel);
        OptionChecks.WholeAtLeast($"{section}.select_every", SelectEvery, 0);
        OptionChecks.WholeAtLeast($"{section}.select_steps", SelectSteps, 100);
    }

    /// <summary>Sparse forcing's interval in epoch <paramref name="epoch"/> (0-based): <c>forcing_interval</c>, or the geometric
    /// schedule to <c>forcing_interval_end</c> when that is set.</summary>
    public int ForcingIntervalAt(int epoch)
    {
        if (ForcingIntervalEnd <= 0 || Epochs <= 1) return ForcingInterval;
        double fraction = Math.Clamp((double)epoch / (Epochs - 1), 0, 1);
        return Math.Max(1, (int)Math.Round(ForcingInterval * Math.Pow((double)ForcingIntervalEnd / ForcingInterval, fraction)));
    }

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based): <c>lr · (end_lr / lr)^(epoch / epochs)</c>.</summary>
    public double LearningRate(int epoch) => Lr * Math.Pow(EndLr / Lr, (double)epoch / Epochs);
}
