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
        return Finish(run, Execute(built, run, context, resume: false), context);
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
        return Finish(run, Execute(built, run, context, resume: true), context);
    }

    /// <summary>Runs the work; if it throws, the summary says <c>failed</c> with the reason before the exception goes on
    /// (to the CLI's one-line message), so the run folder never claims to be running after its process ended.</summary>
    static RunOutcome Execute(IBuiltRun built, RunDirectory run, RunContext context, bool resume)
    {
        try
        {
            return built.Execute(run, context, resume);
        }
        catch (Exception e)
        {
            var summary = run.ReadSummary() is { } written
                ? written.Where(pair => pair.Key is not ("kind" or "status" or "started_at")).ToDictionary(pair => pair.Key, pair => (object?)pair.Value?.DeepClone())
                : [];
            summary["status"] = "failed";
            summary["error"] = e.Message.Split('\n', 2)[0].Trim();
            try
            {
                run.WriteSummary(summary);
            }
            catch (UserInputException)
            {
                // the disk refused even this; the exception below says what went wrong first
            }
            throw;
        }
    }

    static RunOutcome Finish(RunDirectory run, RunOutcome outcome, RunContext context)
    {
        var summary = new Dictionary<string, object?>(outcome.Summary) { ["status"] = outcome.Status.ToString().ToLowerInvariant() };
        run.WriteSummary(summary);
        context.Events.Report(new RunEnded(outcome.Status, outcome.Message, summary));
        return outcome with { Summary = summary };
    }

    /// <summary>The resolved config with <c>kind: NAME</c> as its first key.</summary>
    public static string WithKind(IExperimentKind kind, string resolvedYaml)
    {
        var document = ConfigDocument.Parse(resolvedYaml, "config.yaml");
        var root = new YamlMappingNode { { ExperimentKinds.KindKey, kind.Name } };
        foreach (var (key, value) in document.Root.Children)
            if (key is not YamlScalarNode { Value: ExperimentKinds.KindKey }) root.Add(key, value);
        string header = string.Concat(resolvedYaml.Split('\n').TakeWhile(line => line.StartsWith('#')).Select(line => line + "\n"));
        return header + ConfigDocument.Create(root, "config.yaml").ToYaml();
    }
}
