using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>A series <c>(T, D)</c> copied to the CPU as float64 rows (row-major), with the shape checks every metric shares.</summary>
/// <param name="Steps">Rows <c>T</c>.</param>
/// <param name="Dimensions">Columns <c>D</c>.</param>
/// <param name="Values">Row-major values, <c>Values[t * D + d]</c>.</param>
internal sealed record SeriesRows(int Steps, int Dimensions, double[] Values)
{
    public double this[int t, int d] => Values[t * Dimensions + d];

    /// <summary>Copies <paramref name="series"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="ArgumentException">Not 2-D, or fewer than <paramref name="minimumSteps"/> rows.</exception>
    public static SeriesRows Of(Tensor series, string name, int minimumSteps = 1)
    {
        Check(series, name, minimumSteps);
        using var scope = NewDisposeScope();
        double[] values = series.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        return new SeriesRows((int)series.shape[0], (int)series.shape[1], values);
    }

    /// <summary>Refuses a series that is not <c>(T, D)</c> with at least <paramref name="minimumSteps"/> rows.</summary>
    public static void Check(Tensor series, string name, int minimumSteps = 1)
    {
        if (series.dim() != 2)
            throw new ArgumentException($"{name}: expected a series (T, D), got shape ({string.Join(", ", series.shape)}).", name);
        if (series.shape[0] < minimumSteps)
            throw new ArgumentException($"{name}: expected at least {minimumSteps} rows, got {series.shape[0]}.", name);
    }

    /// <summary>Refuses two series whose column counts differ (and, with <paramref name="sameSteps"/>, whose row counts differ).</summary>
    public static void CheckPair(Tensor truth, Tensor other, string otherName, bool sameSteps)
    {
        if (truth.shape[1] != other.shape[1])
            throw new ArgumentException($"{otherName}: expected {truth.shape[1]} columns like the true series, got {other.shape[1]}.", otherName);
        if (sameSteps && truth.shape[0] != other.shape[0])
            throw new ArgumentException($"{otherName}: expected {truth.shape[0]} rows like the true series, got {other.shape[0]}.", otherName);
    }

    /// <summary>Mean of column <paramref name="d"/>.</summary>
    public double Mean(int d)
    {
        double sum = 0;
        for (int t = 0; t < Steps; t++) sum += this[t, d];
        return sum / Steps;
    }

    /// <summary>Sample standard deviation of column <paramref name="d"/> (divisor <c>T − 1</c>, as Julia's <c>std</c>).</summary>
    public double StandardDeviation(int d)
    {
        double mean = Mean(d), sum = 0;
        for (int t = 0; t < Steps; t++) sum += (this[t, d] - mean) * (this[t, d] - mean);
        return Math.Sqrt(sum / (Steps - 1));
    }
}
