namespace Resonance.Studies.TemporalAveraging;

/// <summary>How the averaged answer differs from the first iteration's on a set of images.</summary>
/// <param name="Fixed">Images the first iteration got wrong and the averaged answer got right.</param>
/// <param name="Broken">Images the first iteration got right and the averaged answer got wrong.</param>
/// <param name="FirstRight">Images the first iteration got right.</param>
/// <param name="AveragedRight">Images the averaged answer got right.</param>
/// <param name="Total">Images.</param>
public sealed record AnswerChanges(int Fixed, int Broken, int FirstRight, int AveragedRight, int Total)
{
    /// <summary>Fraction of all images fixed by averaging.</summary>
    public double FixedFraction => Total == 0 ? double.NaN : (double)Fixed / Total;
    /// <summary>Fraction of all images broken by averaging.</summary>
    public double BrokenFraction => Total == 0 ? double.NaN : (double)Broken / Total;

    /// <summary>Counts the changes between two sets of predicted classes.</summary>
    /// <param name="first">The first iteration's class per image, <c>argmax y₁</c>.</param>
    /// <param name="averaged">The averaged answer's class per image, <c>argmax ȳ(T)</c>.</param>
    /// <param name="labels">The true classes.</param>
    public static AnswerChanges Count(IReadOnlyList<long> first, IReadOnlyList<long> averaged, IReadOnlyList<long> labels)
    {
        if (first.Count != labels.Count || averaged.Count != labels.Count)
            throw new ArgumentException($"expected one answer per label ({labels.Count}), got {first.Count} and {averaged.Count}");
        int fixedCount = 0, broken = 0, firstRight = 0, averagedRight = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            bool a = first[i] == labels[i], b = averaged[i] == labels[i];
            if (a) firstRight++;
            if (b) averagedRight++;
            if (!a && b) fixedCount++;
            if (a && !b) broken++;
        }
        return new AnswerChanges(fixedCount, broken, firstRight, averagedRight, labels.Count);
    }
}
