using Resonance.Data;
using Resonance.Models;
using Resonance.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>How one net's training ended.</summary>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="FinalLoss">Mean loss of the last 20 steps (or fewer).</param>
/// <param name="Diverged">The loss or the gradient became NaN or infinite; training stopped there.</param>
internal sealed record NetTraining(long Steps, double FinalLoss, bool Diverged);

/// <summary>Trains one net of a study for a fixed number of optimiser steps, the budget every net of a comparison shares.</summary>
/// <remarks>
/// The loop of the training kind without its files: Adam or AdamW, the <c>training.schedule</c> spread over the whole budget,
/// gradient clipping, the model's own loss where it has one (<see cref="IModelLoss"/>), else cross-entropy. Epochs over the
/// images follow each other (each in the order <see cref="SeededPermutation.ForEpoch"/> of the seed) until the budget is spent.
/// </remarks>
internal static class StudyTraining
{
    /// <summary>Optimiser steps of <paramref name="epochs"/> passes over <paramref name="images"/> images in batches of <paramref name="batchSize"/>.</summary>
    public static long Budget(long images, int epochs, int batchSize) => epochs * ((images + batchSize - 1) / batchSize);

    /// <param name="model">The net, trained in place.</param>
    /// <param name="images"><c>(N, 28, 28)</c> intensities.</param>
    /// <param name="labels"><c>(N)</c>.</param>
    /// <param name="options">Optimiser, learning rate, schedule, batch size, clipping.</param>
    /// <param name="steps">Optimiser steps, positive.</param>
    /// <param name="orderSeed">Seed of the batch order.</param>
    /// <param name="stop">Checked between steps.</param>
    /// <param name="progress">Called every 50 steps and at the end with (step, mean loss of the window).</param>
    public static NetTraining Train(SequenceModel model, Tensor images, Tensor labels, TrainingOptions options, long steps, long orderSeed,
        CancellationToken stop, Action<long, double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = options.Optimizer == OptimizerKind.AdamW
            ? optim.AdamW(parameters, lr: options.Lr, weight_decay: options.WeightDecay)
            : (OptimizerHelper)optim.Adam(parameters, lr: options.Lr, weight_decay: options.WeightDecay);
        var schedule = new LearningRateSchedule(options with { Epochs = 1 }, steps);
        var loss = model as IModelLoss;
        int count = (int)images.shape[0], batchSize = Math.Min(options.BatchSize, count);
        var window = new Queue<double>();
        double windowSum = 0;
        long step = 0;
        model.train();
        for (int epoch = 0; step < steps && !stop.IsCancellationRequested; epoch++)
        {
            long[] order = SeededPermutation.ForEpoch(count, orderSeed, epoch);
            for (int start = 0; start < count && step < steps && !stop.IsCancellationRequested; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var index = tensor(order.AsSpan(start, Math.Min(batchSize, count - start)).ToArray(), device: images.device);
                Tensor x = images.index_select(0, index), y = labels.index_select(0, index);  // (B, 28, 28), (B)
                double lr = schedule.At(step);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                Tensor output = model.forward(x);
                Tensor value = loss?.Loss(output, y) ?? nn.functional.cross_entropy(output, y);
                value.backward();
                double norm = options.ClipGradNorm is > 0 ? nn.utils.clip_grad_norm_(parameters, options.ClipGradNorm.Value) : 0;
                double current = value.item<float>();
                if (!double.IsFinite(current) || !double.IsFinite(norm))
                {
                    model.eval();
                    return new NetTraining(step, current, true);
                }
                optimizer.step();
                step++;
                window.Enqueue(current);
                windowSum += current;
                if (window.Count > 20) windowSum -= window.Dequeue();
                if (step % 50 == 0 || step == steps) progress?.Invoke(step, windowSum / window.Count);
            }
        }
        model.eval();
        return new NetTraining(step, window.Count > 0 ? windowSum / window.Count : double.NaN, false);
    }
}
