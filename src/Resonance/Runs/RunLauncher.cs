using Resonance.Experiments;
using YamlDotNet.RepresentationModel;

namespace Resonance.Runs;

/// <summary>
/// Starts and continues runs of every kind the same way: validate, build, then create the run directory, run, and
/// write the final summary. <c>resonance run</c>, its aliases and the studio all go through here.
/// </summary>
public static class RunLauncher
{
    /// <summary>Runs a prepared experiment into <paramref name="run"/>, which must be new or empty.</summary>
    /// <exception cref="UserInputException">The folder is not new or empty, or the experiment cannot be built.</exception>
    public static RunOutcome Start(IExperimentKind kind, IPreparedRun prepared, RunDirectory run, RunContext context)
    {
        run.CheckNew();
        run.Events = context.Events;
        using var built = prepared.Build(context, resume: false);
        run.Create(kind.Name, WithKind(kind, prepared.ResolvedYaml));
        context.Events.Report(new RunStarted(run.Path, kind.Name, prepared.Describe(context.Device), Resumed: false));
        return Finish(run, built.Execute(run, context, resume: false), context);
    }

    /// <summary>Continues the run in <paramref name="run"/> with the config it was started with.</summary>
    /// <exception cref="UserInputException">Not a run folder, a kind that cannot resume, or nothing to resume from.</exception>
    public static RunOutcome Resume(ExperimentKinds kinds, RunDirectory run, RunContext context)
    {
        if (!run.Exists)
            throw new UserInputException($"--resume {run.Path}: not a run directory (no config.yaml); give a folder that resonance run created.");
        var (kind, config) = kinds.Detect(run.Guard("read config.yaml", () => ConfigDocument.Load(run.ConfigPath)));
        var prepared = kind.PrepareResume(run, config);
        run.Open(kind.Name);
        run.Events = context.Events;
        using var built = prepared.Build(context, resume: true);
        context.Events.Report(new RunStarted(run.Path, kind.Name, prepared.Describe(context.Device), Resumed: true));
        return Finish(run, built.Execute(run, context, resume: true), context);
    }

    static RunOutcome Finish(RunDirectory run, RunOutcome outcome, RunContext context)
    {
        var summary = new Dictionary<string, object?>(outcome.Summary) { ["status"] = outcome.Status.ToString().ToLowerInvariant() };
        run.WriteSummary(summary);
        context.Events.Report(new RunEnded(outcome.Status, outcome.Message, summary));
        return outcome with { Summary = summary };
    }

    /// <summary>The resolved config with <c>kind: NAME</c> as its first key.</summary>
    static string WithKind(IExperimentKind kind, string resolvedYaml)
    {
        var document = ConfigDocument.Parse(resolvedYaml, "config.yaml");
        var root = new YamlMappingNode { { ExperimentKinds.KindKey, kind.Name } };
        foreach (var (key, value) in document.Root.Children)
            if (key is not YamlScalarNode { Value: ExperimentKinds.KindKey }) root.Add(key, value);
        string header = string.Concat(resolvedYaml.Split('\n').TakeWhile(line => line.StartsWith('#')).Select(line => line + "\n"));
        return header + ConfigDocument.Create(root, "config.yaml").ToYaml();
    }
}
