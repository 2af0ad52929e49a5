namespace Resonance.Sparks;

/// <summary>What a spark run writes and for how long (section <c>run</c>).</summary>
public sealed record SparkRunOptions
{
    /// <summary>Simulation steps to run (YAML <c>run.steps</c>, &gt;= 0; <c>--steps</c> on the command line).</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Steps (counted from the start of the simulation, not of this run) at which the four panels are drawn;
    /// the last step of a run is always drawn (YAML <c>run.picture_steps</c>).</summary>
    public IReadOnlyList<int> PictureSteps { get; init; } = [0, 1000, 5000, 10000];

    /// <summary>Steps between frames of the layout animation; 0 writes none (YAML <c>run.frame_every</c>, &gt;= 0).</summary>
    public int FrameEvery { get; init; } = 100;

    /// <summary>Steps between saved snapshots; 0 saves only the final state (YAML <c>run.snapshot_every</c>, &gt;= 0).</summary>
    public int SnapshotEvery { get; init; } = 5000;

    /// <summary>Side of one panel picture in pixels (YAML <c>run.image_size</c>, in [200, 4000]).</summary>
    public int ImageSize { get; init; } = 600;

    /// <exception cref="UserInputException">A setting is out of range.</exception>
    public void Validate()
    {
        OptionChecks.WholeAtLeast("run.steps", Steps, 0);
        Runtime.SizeCaps.AtMost("run.steps", Steps, 100 * Runtime.SizeCaps.Steps);
        foreach (int step in PictureSteps)
            OptionChecks.WholeAtLeast("run.picture_steps", step, 0);
        OptionChecks.WholeAtLeast("run.frame_every", FrameEvery, 0);
        OptionChecks.WholeAtLeast("run.snapshot_every", SnapshotEvery, 0);
        OptionChecks.WholeInRange("run.image_size", ImageSize, 200, 4000);
    }
}

/// <summary>A whole spark experiment: the seed and the four sections of <c>experiments/sparks.yaml</c>.</summary>
/// <remarks>Bound from YAML and <c>--set</c> by <see cref="SparkConfig"/>: every key is the snake_case name of a property
/// here (<c>seed</c>, <c>sparks</c>, ...) or of the section's record (<c>sparks.spark_count</c>).</remarks>
public sealed record SparkExperiment
{
    /// <summary>Seed of every random stream of the simulation (YAML <c>seed</c>, &gt;= 0; <c>--seed</c>).</summary>
    public long Seed { get; init; } = 3;

    public SparkOptions Sparks { get; init; } = new();
    public SparkLayoutOptions Layout { get; init; } = new();
    public SparkMeasureOptions Measures { get; init; } = new();
    public SparkRunOptions Run { get; init; } = new();

    /// <summary>Validates every section.</summary>
    /// <param name="memoryBudgetBytes">Memory to budget the network against; the process's available memory when null.</param>
    /// <exception cref="UserInputException">A setting is out of range; the message names its key and the range.</exception>
    public SparkExperiment Validate(long? memoryBudgetBytes = null)
    {
        OptionChecks.WholeAtLeast("seed", Seed, 0);
        Sparks.Validate(memoryBudgetBytes);
        Layout.Validate();
        Measures.Validate(Sparks.Neurons);
        Run.Validate();
        return this;
    }
}
