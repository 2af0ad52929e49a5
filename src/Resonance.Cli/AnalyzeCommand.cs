using System.CommandLine;
using Resonance.Analysis;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance analyze RUN_DIR [--set analysis.key=value]... [--seed N]</c>: fixed points, Lyapunov spectrum, PCA and
/// ablations of a trained run, written into <c>RUN_DIR/analysis/</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("analyze",
            "Look inside a trained run: fixed and slow points with their stability and classes, the Lyapunov spectrum, PCA of hidden states, " +
            "and (resonator) ablations of spikes, leak, neurons and reasoning steps; on a classical attractor study, the fixed points of its nets (rebuilt from " +
            "config + seed) against the stored memories and the energy along retrieval. Reads the run's config and best (else last) checkpoint and writes " +
            "RUN_DIR/analysis/ (analysis.json, config.yaml, plots/*.png, .npy arrays), leaving the run's other files alone. " +
            "Exit codes: 0 done, 2 bad input (not a run, no or a damaged checkpoint, a bad --set).");
        var runDir = new Argument<string>("run-dir") { Description = "A run directory that resonance run created (resonance runs lists them).", HelpName = "RUN_DIR" };
        var set = new Option<string[]>("--set")
        {
            Description = "Override an analysis setting, e.g. --set analysis.batch=256 or --set analysis.parts=fixed_points,pca (repeatable; keys in docs/analysis.md).",
            HelpName = "analysis.key=value",
        };
        var seed = new Option<long?>("--seed") { Description = "Seed of the fixed-point sampling and noise and of the Lyapunov basis (default 0).", HelpName = "N" };
        command.Arguments.Add(runDir);
        command.Options.Add(set);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            var (options, yaml) = RunAnalysis.Bind(parse.GetValue(set) ?? [], parse.GetValue(seed));
            string path = parse.GetValue(runDir)!;
            return RunCommand.Execute(console, parse, context => RunAnalysis.Run(path, options, yaml, context));
        });
        return command;
    }
}
