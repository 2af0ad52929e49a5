using Resonance.Experiments;
using Resonance.Runs;
using YamlDotNet.RepresentationModel;

namespace Resonance.Sweeps;

/// <summary>
/// The <c>sweep</c> kind: a run whose children are runs. Files with a <c>sweep:</c> section (or <c>kind: sweep</c>) are
/// recognised so that <c>resonance runs</c> and the studio list a sweep as one row, and <c>resonance run</c> says to use
/// <c>resonance sweep</c>: a sweep starts child processes, which is the sweep command's work, not a run's.
/// </summary>
public sealed class SweepKind : IExperimentKind
{
    /// <summary>The kind's name.</summary>
    public const string Name = "sweep";

    string IExperimentKind.Name => Name;

    public string Description => "a sweep over settings and seeds: one run per point (resonance sweep)";

    public IReadOnlyList<string> HeadlineKeys { get; } = ["points", "points_completed", "best_setting", "best_*", "points_failed"];

    public bool Recognises(ConfigDocument document) => document.Root.Children.ContainsKey(new YamlScalarNode(SweepSetup.SweepKey));

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName) =>
        throw UseSweepCommand(document.Source);

    /// <summary>The answer to <c>resonance run</c> on a sweep file.</summary>
    public static UserInputException UseSweepCommand(string source) =>
        new($"{source}: a sweep (it has a sweep: section); run it with resonance sweep {source}, which starts one run per point.");

    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config) =>
        throw new UserInputException($"{run.Path}: a sweep; continue it with resonance sweep {Path.Combine(run.Path, "config.yaml")} " +
            "(finished points are kept, interrupted ones resumed).");
}
