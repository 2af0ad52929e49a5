using Resonance.Cli;
using Resonance.Training;
using Spectre.Console.Testing;

namespace Resonance.Tests.Cli;

public class ConsoleTrainingObserverTests
{
    [Fact]
    public void The_live_display_is_redrawn_by_the_training_thread_itself()
    {
        // No refresh thread: what the display shows is what the training loop's own calls drew.
        var console = new TestConsole().Interactive().Width(200);
        var observer = new ConsoleTrainingObserver(console);
        int drawingThread = -1;
        int result = observer.Run(() =>
        {
            drawingThread = Environment.CurrentManagedThreadId;
            observer.Started(new TrainingStart("runs/x", 10, 0, 1, 100, 40, false));
            for (long step = 1; step <= 10; step++)
                observer.Batch(new BatchProgress(step, 10, 0, 1.0 / step, 0.5, 1234, TimeSpan.FromSeconds(10 - step)));
            return 7;
        });
        Assert.Equal(7, result);
        Assert.Equal(Environment.CurrentManagedThreadId, drawingThread);
        Assert.Contains("epoch 1 loss 0.2500 acc 50.0 % 1,234 samples/s", console.Output);   // step 4, drawn when it was reported
        Assert.Contains("epoch 1 loss 0.1000 acc 50.0 % 1,234 samples/s", console.Output);   // the last step
        Assert.Contains("training: 40 examples, 1 epochs", console.Output);
    }
}
