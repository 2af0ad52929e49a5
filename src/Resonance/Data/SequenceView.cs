namespace Resonance.Data;

/// <summary>How a 28x28 image becomes a sequence for a recurrent model.</summary>
public enum SequenceKind
{
    /// <summary>One row per step: 28 steps of 28 inputs (sequential MNIST, row-wise).</summary>
    RowWise,

    /// <summary>One pixel per step in reading order: 784 steps of 1 input (sequential MNIST, pixel-wise).</summary>
    PixelWise,

    /// <summary>One pixel per step in a fixed random order: 784 steps of 1 input (permuted sequential MNIST).</summary>
    PermutedPixelWise,
}

/// <summary>How grey levels 0..255 become inputs.</summary>
public enum PixelNormalisation
{
    /// <summary><c>x = (p / 255 - Mean) / Std</c>; MNIST's usual mean 0.1307 and standard deviation 0.3081 by default.</summary>
    Standardise,

    /// <summary><c>x = p / 255</c>, in [0, 1].</summary>
    UnitInterval,
}

/// <summary>The sequence view of MNIST images: order of pixels, steps, inputs per step and normalisation.</summary>
/// <remarks>
/// Row-wise: input <c>x[t, j] = pixel(row t, column j)</c>, shape (28, 28). Pixel-wise: <c>x[t, 0] = pixel(t / 28, t % 28)</c>,
/// shape (784, 1). Permuted: <c>x[t, 0] = pixel(π(t))</c> with <c>π = SeededPermutation.Create(784, PermutationSeed)</c>,
/// the same permutation for every image and every run with that seed.
/// </remarks>
public sealed record SequenceView
{
    /// <summary>Row-wise, pixel-wise or permuted pixel-wise.</summary>
    public SequenceKind Kind { get; init; } = SequenceKind.RowWise;

    /// <summary>Seed of the fixed pixel permutation (used only by <see cref="SequenceKind.PermutedPixelWise"/>).</summary>
    public long PermutationSeed { get; init; }

    /// <summary>Standardise (default) or scale to [0, 1].</summary>
    public PixelNormalisation Normalisation { get; init; } = PixelNormalisation.Standardise;

    /// <summary>Mean of the pixel intensities in [0, 1] (for <see cref="PixelNormalisation.Standardise"/>); MNIST's training mean by default.</summary>
    public double Mean { get; init; } = 0.1307;

    /// <summary>Standard deviation of the pixel intensities in [0, 1] (for <see cref="PixelNormalisation.Standardise"/>); must be positive.</summary>
    public double Std { get; init; } = 0.3081;

    /// <summary>Time steps per sequence: 28 row-wise, 784 pixel-wise.</summary>
    public int Steps => Kind == SequenceKind.RowWise ? MnistSplit.Rows : MnistSplit.PixelsPerImage;

    /// <summary>Inputs per time step: 28 row-wise, 1 pixel-wise.</summary>
    public int Features => Kind == SequenceKind.RowWise ? MnistSplit.Columns : 1;

    /// <summary>The pixel read at each step (length 784) for the permuted view; null for the others (reading order).</summary>
    public long[]? PixelOrder() =>
        Kind == SequenceKind.PermutedPixelWise ? SeededPermutation.Create(MnistSplit.PixelsPerImage, PermutationSeed) : null;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="UserInputException">An unknown kind or normalisation, a non-finite mean, or a standard deviation that is not positive.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new UserInputException($"data.view: unknown sequence view {(int)Kind}; use row_wise, pixel_wise or permuted_pixel_wise.");
        if (!Enum.IsDefined(Normalisation))
            throw new UserInputException($"data.normalisation: unknown normalisation {(int)Normalisation}; use standardise or unit_interval.");
        if (!double.IsFinite(Mean))
            throw new UserInputException($"data.mean: expected a finite number, got {Mean}.");
        if (!double.IsFinite(Std) || Std <= 0)
            throw new UserInputException($"data.std: expected a positive number, got {Std}.");
    }
}

/// <summary>The sizes of the training, validation and test sets after limits and the validation split.</summary>
public sealed record SplitSizes(int Train, int Validation, int Test);

/// <summary>Which examples go where: limits and a validation set carved out of the training file.</summary>
/// <remarks>
/// The validation set is the <em>last</em> <c>V</c> examples of the training file, <c>V = ValidationCount</c> or
/// <c>round(ValidationFraction * training file size)</c>; the training set is the first <c>min(TrainLimit, size - V)</c>
/// of the rest, the test set the first <c>min(TestLimit, test file size)</c> of the test file. So the validation set does
/// not depend on <see cref="TrainLimit"/> (few-example runs are scored on the same examples as full ones) and never
/// overlaps the training set.
/// </remarks>
public sealed record DataSplits
{
    /// <summary>Use only the first N training examples (<c>data.train_limit</c>); null for all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test examples (<c>data.test_limit</c>); null for all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Number of validation examples taken from the end of the training file (<c>data.validation_count</c>).</summary>
    public int? ValidationCount { get; init; }

    /// <summary>Fraction of the training file kept for validation, in [0, 1) (<c>data.validation_fraction</c>).</summary>
    public double? ValidationFraction { get; init; }

    /// <summary>The set sizes for a training file of <paramref name="trainAvailable"/> and a test file of <paramref name="testAvailable"/> examples.</summary>
    /// <exception cref="UserInputException">A limit is not positive, both validation settings are given, or the validation set would leave no training examples.</exception>
    public SplitSizes Resolve(int trainAvailable, int testAvailable)
    {
        if (TrainLimit is <= 0)
            throw new UserInputException($"data.train_limit: expected a positive whole number, got {TrainLimit}; leave it out to use all examples.");
        if (TestLimit is <= 0)
            throw new UserInputException($"data.test_limit: expected a positive whole number, got {TestLimit}; leave it out to use all examples.");
        if (ValidationCount is not null && ValidationFraction is not null)
            throw new UserInputException("data.validation_count and data.validation_fraction: give one of them, not both.");
        if (ValidationCount is < 0)
            throw new UserInputException($"data.validation_count: expected zero or a positive whole number, got {ValidationCount}.");
        if (ValidationFraction is double fraction && !(fraction >= 0 && fraction < 1))
            throw new UserInputException($"data.validation_fraction: expected a number in [0, 1), got {fraction}.");
        int validation = ValidationCount ?? (int)Math.Round((ValidationFraction ?? 0) * trainAvailable, MidpointRounding.AwayFromZero);
        if (validation >= trainAvailable && validation > 0)
            throw new UserInputException(
                $"data.validation_{(ValidationCount is null ? "fraction" : "count")}: a validation set of {validation} leaves no training " +
                $"examples out of {trainAvailable}; use a smaller one.");
        int train = Math.Min(TrainLimit ?? int.MaxValue, trainAvailable - validation);
        int test = Math.Min(TestLimit ?? int.MaxValue, testAvailable);
        return new SplitSizes(train, validation, test);
    }
}
