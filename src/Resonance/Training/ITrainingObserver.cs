namespace Resonance.Training;

/// <summary>A run about to start (or continue).</summary>
public sealed record TrainingStart(string RunPath, long TotalSteps, long StartStep, int Epochs, long Parameters, long TrainExamples, bool Resumed);

/// <summary>Progress after an optimiser step. <c>Accuracy</c> is null for regression.</summary>
public sealed record BatchProgress(long Step, long TotalSteps, int Epoch, double Loss, double? Accuracy, double SamplesPerSecond, TimeSpan Remaining);

/// <summary>Figures at the end of an epoch. Validation figures are null when there is no validation split.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy,
    double TestLoss, double? TestAccuracy, double EpochSeconds);

/// <summary>
/// How the quiet library reports a run: the CLI renders these with Spectre.Console, the studio streams them.
/// Calls come from the training thread.
/// </summary>
public interface ITrainingObserver
{
    void Started(TrainingStart start);
    void Batch(BatchProgress progress);
    void Epoch(EpochReport report);
    /// <summary>A line worth telling the user (a checkpoint saved on interrupt, early stopping, ...).</summary>
    void Note(string message);
}

/// <summary>Observes nothing (tests, batch jobs).</summary>
public sealed class NullTrainingObserver : ITrainingObserver
{
    public static readonly NullTrainingObserver Instance = new();
    public void Started(TrainingStart start) { }
    public void Batch(BatchProgress progress) { }
    public void Epoch(EpochReport report) { }
    public void Note(string message) { }
}
