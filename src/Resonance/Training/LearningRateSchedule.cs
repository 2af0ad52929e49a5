namespace Resonance.Training;

/// <summary>
/// The learning rate as a pure function of the optimiser step, so a resumed run needs no scheduler state.
/// </summary>
public sealed class LearningRateSchedule
{
    readonly TrainingOptions options;
    readonly long totalSteps, stepsPerEpoch;

    /// <param name="options">Which schedule, and its constants.</param>
    /// <param name="stepsPerEpoch">Optimiser steps in one epoch.</param>
    public LearningRateSchedule(TrainingOptions options, long stepsPerEpoch)
    {
        this.options = options;
        this.stepsPerEpoch = Math.Max(1, stepsPerEpoch);
        totalSteps = this.stepsPerEpoch * options.Epochs;
    }

    /// <summary>The learning rate for optimiser step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        double lr = options.Lr, min = options.MinLr;
        double progress = Math.Clamp((double)step / Math.Max(1, totalSteps - 1), 0, 1);
        switch (options.Schedule)
        {
            case ScheduleKind.Step:
                return lr * Math.Pow(options.Gamma, step / stepsPerEpoch / options.StepEpochs);
            case ScheduleKind.Cosine:
                return min + (lr - min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
            case ScheduleKind.OneCycle:
                double warm = options.WarmupFraction;
                double start = lr / 25;
                if (warm > 0 && progress < warm) return start + (lr - start) * progress / warm;
                double down = warm >= 1 ? 1 : (progress - warm) / (1 - warm);
                return min + (lr - min) * 0.5 * (1 + Math.Cos(Math.PI * down));
            default:
                return lr;
        }
    }
}
