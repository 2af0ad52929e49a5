using Resonance.Sweeps;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>The verdict of comparing two means over seeds.</summary>
public enum Verdict
{
    /// <summary>The two 95% intervals overlap (or one is unknown): the data cannot tell them apart.</summary>
    NoDifference,
    /// <summary>The first is higher and the intervals are apart.</summary>
    FirstHigher,
    /// <summary>The second is higher and the intervals are apart.</summary>
    SecondHigher,
}

/// <summary>The studies' comparison rule: a difference counts only when the two 95% intervals over seeds do not overlap.</summary>
/// <remarks>
/// <code>
/// a = mean_a ± h_a,  b = mean_b ± h_b      (Student-t 95% intervals over seeds, MeanInterval.Of)
/// a higher      when mean_a − h_a &gt; mean_b + h_b
/// b higher      when mean_b − h_b &gt; mean_a + h_a
/// no difference otherwise, and whenever an interval is unknown (fewer than 2 values)
/// </code>
/// Non-overlap of two 95% intervals is a stricter test than a two-sample t-test at 5%: a difference reported here is clear;
/// "no difference" means "not shown by these seeds", not "shown equal".
/// </remarks>
public static class Comparison
{
    /// <summary>Applies the rule.</summary>
    public static Verdict Of(MeanInterval a, MeanInterval b)
    {
        if (!double.IsFinite(a.Mean) || !double.IsFinite(b.Mean) || !double.IsFinite(a.HalfWidth) || !double.IsFinite(b.HalfWidth))
            return Verdict.NoDifference;
        if (a.Mean - a.HalfWidth > b.Mean + b.HalfWidth) return Verdict.FirstHigher;
        if (b.Mean - b.HalfWidth > a.Mean + a.HalfWidth) return Verdict.SecondHigher;
        return Verdict.NoDifference;
    }

    /// <summary>The verdict in words for a table: <c>temporal higher</c>, <c>mlp higher</c> or <c>no difference</c>.</summary>
    public static string Describe(Verdict verdict, string first, string second) => verdict switch
    {
        Verdict.FirstHigher => $"{first} higher",
        Verdict.SecondHigher => $"{second} higher",
        _ => "no difference",
    };

    /// <summary>A mean and interval as table text: <c>0.912 ± 0.004</c> (a fraction; the interval is omitted when unknown).</summary>
    public static string Format(MeanInterval value, int decimals = 3) =>
        double.IsFinite(value.HalfWidth)
            ? $"{Runs.StudyTable.Number(value.Mean, decimals)} ± {Runs.StudyTable.Number(value.HalfWidth, decimals)}"
            : Runs.StudyTable.Number(value.Mean, decimals);
}
