using Resonance.Models;
using Resonance.Runtime;

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
        SizeCaps.AtMost("data.steps", Steps, SizeCaps.Steps);
        if (Features < 1) throw new UserInputException($"data.features: expected a whole number >= 1, got {Features}");
        if (Classes < 2) throw new UserInputException($"data.classes: expected a whole number >= 2, got {Classes}");
    }

    /// <summary>Examples in MNIST's training and test files.</summary>
    const int MnistTrain = 60_000, MnistTest = 10_000;

    /// <summary>The shape of the model this data feeds, known before the data is built.</summary>
    public ModelShape Shape() => Dataset switch
    {
        DatasetKind.Synthetic => new(Features, Classes, Steps, TaskKind.Classification),
        DatasetKind.Sine => new(1, 1, Steps, TaskKind.Regression),
        _ => View == MnistView.Row ? new(28, 10, 28, TaskKind.Classification) : new(1, 10, 784, TaskKind.Classification),
    };

    /// <summary>Training examples (after the validation split), known before the data is built.</summary>
    public double TrainExamples() => Dataset switch
    {
        DatasetKind.Synthetic or DatasetKind.Sine => TrainLimit > 0 ? Math.Min(TrainLimit, Samples) : Samples,
        _ => Math.Max(1, TrainLimit > 0 ? Math.Min(TrainLimit, MnistTrain - Validation) : MnistTrain - Validation),
    };

    /// <summary>Floats the data holds in memory: inputs and targets of every split (MNIST: the whole files, raw and as floats).</summary>
    public double Floats()
    {
        if (Dataset == DatasetKind.Mnist) return 2.0 * (MnistTrain + MnistTest) * 28 * 28;
        double test = TestLimit > 0 ? TestLimit : Math.Max(64, Samples / 4);
        var shape = Shape();
        double perExample = (double)Steps * (shape.InputSize + (Dataset == DatasetKind.Sine ? 1 : 0)) + 1;
        return (TrainExamples() + Validation + test) * perExample;
    }

    /// <summary>The keys that set the data's size: for generated data the example counts, steps, features and classes;
    /// MNIST's size is fixed.</summary>
    public IReadOnlyList<(string Key, long Value, long Typical, long Minimum, Func<long, DataOptions> With)> SizeKeys() => Dataset switch
    {
        DatasetKind.Mnist => [],
        _ =>
        [
            ("data.samples", Samples, 2048, 1, value => this with { Samples = (int)value }),
            ("data.test_limit", TestLimit, 2048, 0, value => this with { TestLimit = (int)value }),
            ("data.validation", Validation, 512, 0, value => this with { Validation = (int)value }),
            ("data.steps", Steps, 16, 1, value => this with { Steps = (int)value }),
            .. Dataset == DatasetKind.Synthetic
                ? new (string, long, long, long, Func<long, DataOptions>)[]
                {
                    ("data.features", Features, 4, 1, value => this with { Features = (int)value }),
                    ("data.classes", Classes, 10, 2, value => this with { Classes = (int)value }),
                }
                : [],
        ],
    };
}
