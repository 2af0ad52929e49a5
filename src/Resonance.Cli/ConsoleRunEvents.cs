using Resonance.Runs;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary>Renders a run's events with Spectre.Console: a progress bar with the current figures and time left, and a line
/// per message; where the output is not a terminal (a log, CI), a plain progress line every tenth of each stage instead.</summary>
internal sealed class ConsoleRunEvents(IAnsiConsole console) : IRunEvents
{
    ProgressTask? task;
    ProgressContext? display;
    long lastShown = -1;
    int lastPrintedTenth = -1;
    string? stage;

    /// <summary>Runs <paramref name="work"/> inside a live progress display when the output is a terminal.</summary>
    /// <remarks>The display is redrawn from the working thread, not by Spectre's refresh thread: with TorchSharp 0.107 a
    /// second thread that allocates while the first is inside libtorch now and then breaks a Scalar in flight (see
    /// docs/building.md), so a run keeps its managed work on one thread.</remarks>
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
                try
                {
                    result = work();
                }
                finally
                {
                    task.StopTask();
                    context.Refresh();
                }
            });
        return result;
    }

    public void Report(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted started:
                console.MarkupLine($"[grey]{Markup.Escape(started.Description)}{(started.Resumed ? " (resumed)" : "")} -> {Markup.Escape(started.RunPath)}[/]");
                break;
            case RunProgress progress:
                Show(progress);
                return;
            case RunMessage { Level: MessageLevel.Warning } warning:
                console.MarkupLine($"[yellow]{Markup.Escape(warning.Text)}[/]");
                break;
            case RunMessage message:
                console.MarkupLine(Markup.Escape(message.Text));
                break;
            default:
                return;
        }
        display?.Refresh();
    }

    void Show(RunProgress progress)
    {
        string rate = progress.RatePerSecond is double r && r > 0 ? $" {r:N0} {progress.RateUnit}/s" : "";
        string prefix = progress.Stage is null ? "" : $"[{progress.Stage}] ";
        if (progress.Stage != stage)
        {
            stage = progress.Stage;
            lastPrintedTenth = -1;
            lastShown = -1;
        }
        if (task is null)
        {
            int tenth = (int)(10 * progress.Done / Math.Max(1, progress.Total));
            if (tenth == lastPrintedTenth) return;
            lastPrintedTenth = tenth;
            string left = progress.Remaining is TimeSpan remaining ? $", {remaining.TotalMinutes:F1} min left" : "";
            console.MarkupLine(Markup.Escape($"{prefix}{progress.Unit} {progress.Done}/{progress.Total}: {progress.Text}{rate}{left}"));
            return;
        }
        task.MaxValue = Math.Max(1, progress.Total);
        task.Value = progress.Done;
        if (progress.Done - lastShown < Math.Max(1, progress.Total / 200) && progress.Done != progress.Total) return;
        lastShown = progress.Done;
        task.Description = Markup.Escape($"{prefix}{progress.Text}{rate}");
        display?.Refresh();
    }
}
