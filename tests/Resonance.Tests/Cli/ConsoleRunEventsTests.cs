using Resonance.Cli;
using Resonance.Runs;
using Spectre.Console.Testing;

namespace Resonance.Tests.Cli;

public class ConsoleRunEventsTests
{
    [Fact]
    public void The_live_display_is_redrawn_by_the_working_thread_itself()
    {
        // No refresh thread: what the display shows is what the run's own calls drew.
        var console = new TestConsole().Interactive().Width(200);
        var events = new ConsoleRunEvents(console);
        int drawingThread = -1;
        int result = events.Run(() =>
        {
            drawingThread = Environment.CurrentManagedThreadId;
            events.Report(new RunStarted("runs/x", "training", "x: rnn on synthetic", false));
            events.Report(new RunMessage("training: 40 examples, 1 epochs, 100 parameters"));
            for (long step = 1; step <= 10; step++)
                events.Report(new RunProgress(step, 10, "step", 1234, "samples", TimeSpan.FromSeconds(10 - step), $"epoch 1 loss {1.0 / step:F4}"));
            return 7;
        });
        Assert.Equal(7, result);
        Assert.Equal(Environment.CurrentManagedThreadId, drawingThread);
        Assert.Contains("epoch 1 loss 0.2500 1,234 samples/s", console.Output);   // step 4, drawn when it was reported
        Assert.Contains("epoch 1 loss 0.1000 1,234 samples/s", console.Output);   // the last step
        Assert.Contains("training: 40 examples, 1 epochs", console.Output);
        Assert.Contains("x: rnn on synthetic -> runs/x", console.Output);
    }

    [Fact]
    public void Without_a_terminal_progress_is_a_plain_line_every_tenth_of_each_stage()
    {
        var console = new TestConsole().Width(200);
        var events = new ConsoleRunEvents(console);
        foreach (string stage in new[] { "train N=16", "train N=32" })
            for (long epoch = 1; epoch <= 100; epoch++)
                events.Report(new RunProgress(epoch, 100, "epoch", null, null, null, "2 of 2 converged", stage));

        string[] lines = console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(22, lines.Length);   // tenths 0..10 of each stage
        Assert.StartsWith("[train N=32] epoch 1/100: 2 of 2 converged", lines[11]);
    }
}
