namespace Resonance.Labs;

/// <summary>How the spark lab streams (flat keys <c>frame.*</c>).</summary>
public sealed record SparkLabFrameOptions
{
    /// <summary>Most frames published per second while playing (<c>frame.max_per_second</c>, in [1, 240]); the simulation
    /// steps as fast as it goes (or at <see cref="MaxStepsPerSecond"/>) between frames.</summary>
    public double MaxPerSecond { get; init; } = 60;

    /// <summary>Cap on simulation steps per second while playing (<c>frame.max_steps_per_second</c>, &gt;= 0; 0 = no cap).</summary>
    public double MaxStepsPerSecond { get; init; }

    /// <summary>Largest side of the weight panel sent in a frame (<c>frame.weight_side</c>, in [8, 256]): <c>W</c> is
    /// mean-pooled to <c>min(N, weight_side)</c> squared cells.</summary>
    public int WeightSide { get; init; } = 256;

    /// <summary>Largest share of the playing loop's time that emergence measures may take (<c>frame.measure_share</c>, in
    /// (0, 1]): measures are taken every <c>measures.every</c> steps, but never sooner than
    /// <c>last measure's duration × (1 / share − 1)</c> after the last one ended.</summary>
    public double MeasureShare { get; init; } = 0.1;

    /// <exception cref="UserInputException">A setting is out of range.</exception>
    public void Validate()
    {
        OptionChecks.InRange("frame.max_per_second", MaxPerSecond, 1, 240);
        OptionChecks.NonNegative("frame.max_steps_per_second", MaxStepsPerSecond);
        OptionChecks.WholeInRange("frame.weight_side", WeightSide, 8, 256);
        if (!(MeasureShare > 0 && MeasureShare <= 1))
            throw new UserInputException($"frame.measure_share: expected a number in (0, 1], got {OptionChecks.Format(MeasureShare)}.");
    }
}

/// <summary>The top-level <c>seed</c> of a lab (a flat key without a section).</summary>
public sealed record LabSeed
{
    /// <summary>Seed of every random stream (<c>seed</c>, &gt;= 0).</summary>
    public long Seed { get; init; } = 3;

    /// <exception cref="UserInputException">The seed is negative.</exception>
    public void Validate() => OptionChecks.WholeAtLeast("seed", Seed, 0);
}
