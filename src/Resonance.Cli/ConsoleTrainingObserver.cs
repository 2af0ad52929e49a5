using Resonance.Training;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>Renders training progress with Spectre.Console: a progress bar with loss, accuracy, samples/s and time left, and a line per epoch.</summary>
internal sealed class ConsoleTrainingObserver(IAnsiConsole console) : ITrainingObserver
{
    ProgressTask? task;
    ProgressContext? display;
    long lastShownStep = -1;
    int lastPrintedTenth = -1;

    /// <summary>Runs <paramref name="work"/> inside a live progress display; where the output is not a terminal
    /// (a log, CI), a plain line every tenth of the run instead.</summary>
    /// <remarks>The display is redrawn from the training thread, not by Spectre's refresh thread: with TorchSharp 0.107 a
    /// second thread that allocates while the first is inside libtorch now and then breaks a Scalar in flight (see README,
    /// Building), so the training process keeps its managed work on one thread.</remarks>
    public T Run<T>(Func<T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
            return work();
        T result = default!;
        console.Progress()
            .AutoRefresh(false)
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                display = context;
                task = context.AddTask("starting", maxValue: 1);
                context.Refresh();
                result = work();
                task.StopTask();
                context.Refresh();
            });
        return result;
    }

    public void Started(TrainingStart start)
    {
        if (task is not null)
        {
            task.MaxValue = Math.Max(1, start.TotalSteps);
            task.Value = start.StartStep;
        }
        string what = start.Resumed ? $"resuming at step {start.StartStep}" : "training";
        console.MarkupLine($"[grey]{Markup.Escape(what)}: {start.TrainExamples:N0} examples, {start.Epochs} epochs, {start.Parameters:N0} parameters -> {Markup.Escape(start.RunPath)}[/]");
        display?.Refresh();
    }

    public void Batch(BatchProgress progress)
    {
        string accuracyText = progress.Accuracy is double acc ? $" acc {acc:P1}" : "";
        if (task is null)
        {
            int tenth = (int)(10 * progress.Step / Math.Max(1, progress.TotalSteps));
            if (tenth == lastPrintedTenth) return;
            lastPrintedTenth = tenth;
            console.MarkupLine(Markup.Escape($"step {progress.Step}/{progress.TotalSteps} epoch {progress.Epoch + 1} loss {progress.Loss:F4}{accuracyText} " +
                                             $"{progress.SamplesPerSecond:N0} samples/s, {progress.Remaining.TotalMinutes:F1} min left"));
            return;
        }
        task.Value = progress.Step;
        if (progress.Step - lastShownStep < 5 && progress.Step != progress.TotalSteps) return;
        lastShownStep = progress.Step;
        task.Description = Markup.Escape($"epoch {progress.Epoch + 1} loss {progress.Loss:F4}{accuracyText} {progress.SamplesPerSecond:N0} samples/s");
        display?.Refresh();
    }

    public void Epoch(EpochReport report)
    {
        string train = report.TrainAccuracy is double ta ? $"train {report.TrainLoss:F4} / {ta:P2}" : $"train {report.TrainLoss:F5}";
        string validation = report.ValidationLoss is double vl ? (report.ValidationAccuracy is double va ? $"  validation {vl:F4} / {va:P2}" : $"  validation {vl:F5}") : "";
        string test = report.TestAccuracy is double sa ? $"  test {report.TestLoss:F4} / [bold]{sa:P2}[/]" : $"  test [bold]{report.TestLoss:F5}[/]";
        console.MarkupLine($"epoch {report.Epoch + 1}: {Markup.Escape(train)}{Markup.Escape(validation)}{test}  ({report.EpochSeconds:F1} s)");
        display?.Refresh();
    }

    public void Note(string message)
    {
        console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
        display?.Refresh();
    }
}
