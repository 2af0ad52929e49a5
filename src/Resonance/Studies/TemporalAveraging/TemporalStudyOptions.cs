using Resonance.Data;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>The studies a <c>kind: temporal-study</c> file can name with <c>study:</c>; each has a section of the same name.</summary>
public enum TemporalStudyKind
{
    /// <summary>Accuracy under corruptions: temporal nets (with and without feedback) against the MLP of the same size.</summary>
    Robustness,
    /// <summary>Accuracy against the number of training images, the same optimiser steps for every size.</summary>
    FewExamples,
    /// <summary>Firing rates, settling time and branching ratio over the iterations, with and without homeostasis.</summary>
    Dynamics,
    /// <summary>Pattern completion: how the answer evolves over the iterations on occluded digits.</summary>
    Completion,
}

/// <summary>The MNIST images a study uses (section <c>data</c>); the images are intensities in [0, 1].</summary>
public sealed record TemporalStudyData
{
    /// <summary>Use only the first N training images (<c>data.train_limit</c>); 0 = all 60,000.</summary>
    public int TrainLimit { get; init; }
    /// <summary>Use only the first N test images (<c>data.test_limit</c>); 0 = all 10,000.</summary>
    public int TestLimit { get; init; }

    public void Validate()
    {
        OptionChecks.WholeInRange("data.train_limit", TrainLimit, 0, 60_000, "MNIST's training images");
        OptionChecks.WholeInRange("data.test_limit", TestLimit, 0, 10_000, "MNIST's test images");
    }
}

/// <summary>Study 1 (section <c>robustness</c>): the corruptions, their levels and the evaluation iterations.</summary>
/// <remarks>The nets are trained at <c>model.iterations</c>; <see cref="EvalIterations"/> changes <c>T</c> at evaluation only
/// (the same weights run for more or fewer iterations). To train at another <c>T</c>, set <c>model.iterations</c>.</remarks>
public sealed record RobustnessOptions
{
    /// <summary>Standard deviations <c>σ</c> of the Gaussian noise (<c>robustness.gaussian_noise</c>).</summary>
    public IReadOnlyList<double> GaussianNoise { get; init; } = [0.1, 0.2, 0.3, 0.5];
    /// <summary>Fractions <c>p</c> of pixels hit by salt and pepper (<c>robustness.salt_and_pepper</c>); 0.17 is MNIST-C's
    /// impulse noise at severity 4 (Mu &amp; Gilmer 2019).</summary>
    public IReadOnlyList<double> SaltAndPepper { get; init; } = [0.05, 0.1, 0.17, 0.3];
    /// <summary>Fractions <c>f</c> of the image covered by one random square (<c>robustness.random_occlusion</c>).</summary>
    public IReadOnlyList<double> RandomOcclusion { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5];
    /// <summary>Also test with the bottom half of the image blanked (<c>robustness.half_occlusion</c>).</summary>
    public bool HalfOcclusion { get; init; } = true;
    /// <summary>Iterations <c>T</c> the temporal nets run at evaluation (<c>robustness.eval_iterations</c>); the training
    /// <c>T</c> is <c>model.iterations</c>.</summary>
    public IReadOnlyList<int> EvalIterations { get; init; } = [1, 2, 4, 8, 16];

    public void Validate()
    {
        foreach (double sigma in GaussianNoise) OptionChecks.InRange("robustness.gaussian_noise[]", sigma, 0, 10);
        foreach (double p in SaltAndPepper) OptionChecks.InRange("robustness.salt_and_pepper[]", p, 0, 1);
        foreach (double f in RandomOcclusion) OptionChecks.InRange("robustness.random_occlusion[]", f, 0, 1);
        OptionChecks.Distinct("robustness.gaussian_noise", GaussianNoise);
        OptionChecks.Distinct("robustness.salt_and_pepper", SaltAndPepper);
        OptionChecks.Distinct("robustness.random_occlusion", RandomOcclusion);
        TemporalStudyChecks.Iterations("robustness.eval_iterations", EvalIterations);
    }

    /// <summary>Every condition tested, clean first.</summary>
    public IReadOnlyList<Corruption> Conditions() =>
    [
        new(CorruptionKind.None),
        .. GaussianNoise.Select(s => new Corruption(CorruptionKind.GaussianNoise, s)),
        .. SaltAndPepper.Select(p => new Corruption(CorruptionKind.SaltAndPepper, p)),
        .. RandomOcclusion.Select(f => new Corruption(CorruptionKind.RandomOcclusion, f)),
        .. HalfOcclusion ? [new Corruption(CorruptionKind.HalfOcclusion)] : Array.Empty<Corruption>(),
    ];
}

/// <summary>Study 2 (section <c>few_examples</c>): training-set sizes under one budget of optimiser steps.</summary>
public sealed record FewExamplesOptions
{
    /// <summary>Training images per net (<c>few_examples.sizes</c>), each a seeded subset of the training images.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [100, 1_000, 10_000];
    /// <summary>Optimiser steps for every size (<c>few_examples.steps</c>); 0 = <c>training.epochs</c> passes over the largest size.</summary>
    public int Steps { get; init; }

    public void Validate()
    {
        OptionChecks.NotEmpty("few_examples.sizes", Sizes);
        OptionChecks.Distinct("few_examples.sizes", Sizes);
        foreach (int size in Sizes) OptionChecks.WholeInRange("few_examples.sizes[]", size, 1, 60_000, "MNIST's training images");
        OptionChecks.WholeInRange("few_examples.steps", Steps, 0, 10_000_000);
    }
}

/// <summary>Study 3 (section <c>dynamics</c>): nets with and without homeostasis, observed over many iterations.</summary>
public sealed record DynamicsOptions
{
    /// <summary><c>η</c> of the homeostatic nets (<c>dynamics.homeostasis_rate</c>); the other nets have none. The target rate
    /// is <c>model.target_rate</c>.</summary>
    public double HomeostasisRate { get; init; } = 0.01;
    /// <summary>Iterations observed per test image (<c>dynamics.iterations</c>), more than the training <c>T</c> to see settling.</summary>
    public int Iterations { get; init; } = 32;
    /// <summary>Test images observed (<c>dynamics.images</c>; 0 = every test image in use).</summary>
    public int Images { get; init; } = 1_000;
    /// <summary>Digits whose activity rasters are drawn (<c>dynamics.digits</c>): the first test image of each.</summary>
    public IReadOnlyList<int> Digits { get; init; } = [0, 3, 7];
    /// <summary>The layer drawn in the rasters (<c>dynamics.raster_layer</c>, 0 = the first hidden layer).</summary>
    public int RasterLayer { get; init; }

    public void Validate()
    {
        OptionChecks.Positive("dynamics.homeostasis_rate", HomeostasisRate);
        OptionChecks.WholeInRange("dynamics.iterations", Iterations, 2, 1_000);
        OptionChecks.WholeInRange("dynamics.images", Images, 0, 10_000);
        OptionChecks.Distinct("dynamics.digits", Digits);
        foreach (int digit in Digits) OptionChecks.WholeInRange("dynamics.digits[]", digit, 0, 9);
        OptionChecks.WholeInRange("dynamics.raster_layer", RasterLayer, 0, 63);
    }
}

/// <summary>Study 4 (section <c>completion</c>): occluded digits, the first answer against the averaged one.</summary>
public sealed record CompletionOptions
{
    /// <summary>The occlusions (<c>completion.occlusions</c>): <c>half</c> for the bottom half, or the fraction covered by a
    /// random square, e.g. <c>0.3</c>.</summary>
    public IReadOnlyList<string> Occlusions { get; init; } = ["half", "0.3"];
    /// <summary>Train nets with and without top-down feedback (<c>completion.feedback</c>).</summary>
    public IReadOnlyList<bool> Feedback { get; init; } = [false, true];
    /// <summary>Test images in the strip (<c>completion.strip_images</c>).</summary>
    public int StripImages { get; init; } = 3;

    public void Validate()
    {
        OptionChecks.NotEmpty("completion.occlusions", Occlusions);
        OptionChecks.Distinct("completion.occlusions", Occlusions);
        foreach (string occlusion in Occlusions) Parse(occlusion);
        OptionChecks.NotEmpty("completion.feedback", Feedback);
        OptionChecks.Distinct("completion.feedback", Feedback);
        OptionChecks.WholeInRange("completion.strip_images", StripImages, 1, 16);
    }

    /// <summary>The occlusions as corruptions.</summary>
    public IReadOnlyList<Corruption> Corruptions() => [.. Occlusions.Select(Parse)];

    static Corruption Parse(string occlusion)
    {
        if (occlusion.Trim() == "half") return new Corruption(CorruptionKind.HalfOcclusion);
        if (double.TryParse(occlusion, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f)
            && f is > 0 and <= 1)
            return new Corruption(CorruptionKind.RandomOcclusion, f);
        throw new UserInputException($"completion.occlusions: \"{occlusion}\" is neither half nor a fraction of the image in (0, 1] (e.g. 0.3).");
    }
}

/// <summary>Checks shared by the sections.</summary>
internal static class TemporalStudyChecks
{
    /// <summary>A non-empty list of distinct iteration counts in [1, 1000].</summary>
    public static void Iterations(string key, IReadOnlyList<int> values)
    {
        OptionChecks.NotEmpty(key, values);
        OptionChecks.Distinct(key, values);
        foreach (int t in values) OptionChecks.WholeInRange(key + "[]", t, 1, 1_000);
    }
}
