namespace Resonance.Experiments;

/// <summary>Datasets an experiment can name in <c>data.dataset</c>.</summary>
public enum DatasetKind
{
    /// <summary>MNIST digits as sequences (see <see cref="DataOptions.View"/>).</summary>
    Mnist,
    /// <summary>Generated classification sequences (<see cref="Data.SyntheticSequences.Classification"/>).</summary>
    Synthetic,
    /// <summary>Generated sine waves, next-value regression (<see cref="Data.SyntheticSequences.Sine"/>).</summary>
    Sine,
}

/// <summary>How an MNIST image becomes a sequence.</summary>
public enum MnistView
{
    /// <summary>28 steps of 28 pixels (one row per step).</summary>
    Row,
    /// <summary>784 steps of 1 pixel.</summary>
    Pixel,
    /// <summary>784 steps of 1 pixel in a fixed random order (<see cref="DataOptions.PermutationSeed"/>).</summary>
    Permuted,
}

/// <summary>The <c>data:</c> section of an experiment.</summary>
public sealed record DataOptions
{
    public DatasetKind Dataset { get; init; } = DatasetKind.Mnist;
    /// <summary>MNIST: row, pixel or permuted.</summary>
    public MnistView View { get; init; } = MnistView.Row;
    /// <summary>Use only the first N training examples (after the validation split); 0 = all.</summary>
    public int TrainLimit { get; init; }
    /// <summary>Use only the first N test examples; 0 = all.</summary>
    public int TestLimit { get; init; }
    /// <summary>Examples held out from the end of the training set for validation (early stopping); 0 = none.</summary>
    public int Validation { get; init; }
    /// <summary>MNIST: standardise pixels with mean 0.1307 and std 0.3081 (else scale to [0, 1]).</summary>
    public bool Normalise { get; init; } = true;
    /// <summary>Permuted MNIST: seed of the pixel order (fixed across runs, independent of the run seed).</summary>
    public long PermutationSeed { get; init; } = 92916;
    /// <summary>Synthetic and sine: training examples.</summary>
    public int Samples { get; init; } = 2048;
    /// <summary>Synthetic and sine: steps per sequence.</summary>
    public int Steps { get; init; } = 16;
    /// <summary>Synthetic: features per step.</summary>
    public int Features { get; init; } = 4;
    /// <summary>Synthetic: classes.</summary>
    public int Classes { get; init; } = 3;

    public void Validate()
    {
        if (TrainLimit < 0) throw new UserInputException($"data.train_limit: expected a whole number >= 0 (0 = all), got {TrainLimit}");
        if (TestLimit < 0) throw new UserInputException($"data.test_limit: expected a whole number >= 0 (0 = all), got {TestLimit}");
        if (Validation < 0) throw new UserInputException($"data.validation: expected a whole number >= 0, got {Validation}");
        if (Samples < 1) throw new UserInputException($"data.samples: expected a whole number >= 1, got {Samples}");
        if (Steps < 1) throw new UserInputException($"data.steps: expected a whole number >= 1, got {Steps}");
        if (Features < 1) throw new UserInputException($"data.features: expected a whole number >= 1, got {Features}");
        if (Classes < 2) throw new UserInputException($"data.classes: expected a whole number >= 2, got {Classes}");
    }
}
