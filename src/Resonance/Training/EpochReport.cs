namespace Resonance.Training;

/// <summary>Figures at the end of an epoch. Validation figures are null when there is no validation split.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy,
    double TestLoss, double? TestAccuracy, double EpochSeconds);
