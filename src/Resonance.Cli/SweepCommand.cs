using System.CommandLine;
using Resonance.Runs;
using Resonance.Sweeps;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance sweep FILE [--grid k=v1,v2]... [--random k=lo:hi[:log]]... [--samples N] [--seeds K] [--parallel P]
/// [--slurm ...] | --collect DIR</c>: one run per point, here or as a Slurm job array, with a table over seeds.</summary>
internal static class SweepCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var kinds = ExperimentKinds.CreateDefault();
        var command = new Command("sweep",
            "Run an experiment over settings and seeds: one ordinary run per point (resonance run), here P at a time or on Slurm as one job array, " +
            "then a table per setting (mean and 95% interval over seeds), table.csv, runs.csv and a plot against each swept key. The axes come from " +
            "the options below and from a sweep: section in the file (the options add to it). The sweep folder is ROOT/NAME-sweep-ID, the same for " +
            "the same sweep: running the same command again keeps finished points and resumes interrupted ones. " +
            $"Exit codes: 0 done (or submitted), 1 a point failed, 2 bad input, {RunCommand.Interrupted} interrupted (run it again to go on).");
        var file = new Argument<string?>("experiment")
        {
            Description = $"Experiment file (with or without a sweep: section), a sweep folder's config.yaml, or a built-in name ({string.Join(", ", EmbeddedExperiments.Names)}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var grid = new Option<string[]>("--grid") { Description = "Sweep a key over values, e.g. --grid training.lr=0.001,0.003 (repeatable; keys multiply).", HelpName = "key=v1,v2,..." };
        var random = new Option<string[]>("--random") { Description = "Draw a key uniformly (or log-uniformly with :log), e.g. --random training.lr=1e-4:1e-2:log (repeatable).", HelpName = "key=lo:hi[:log]" };
        var samples = new Option<int?>("--samples") { Description = "Random draws when --random is given (default 1).", HelpName = "N" };
        var seeds = new Option<int?>("--seeds") { Description = "Seeds per setting: the file's seed and the next K-1 (default 1).", HelpName = "K" };
        var parallel = new Option<int?>("--parallel") { Description = "Runs at a time on this machine; each gets cores/P threads (default 1).", HelpName = "P" };
        var slurm = new Option<bool>("--slurm") { Description = "Submit to Slurm as one job array (sbatch) instead of running here; the script is written to the sweep folder." };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (with --slurm).", HelpName = "NAME" };
        var time = new Option<string?>("--time") { Description = "Slurm time limit per task, e.g. 01:00:00 (with --slurm).", HelpName = "LIMIT" };
        var cpus = new Option<int?>("--cpus") { Description = "Cores per Slurm task (default 1; with --slurm).", HelpName = "N" };
        var gpus = new Option<int?>("--gpus") { Description = "GPUs per Slurm task (default 0; with --slurm).", HelpName = "N" };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Run the points that failed again (their folders are kept aside), e.g. after a fault of the machine; without it a rerun keeps them." };
        var collect = new Option<string?>("--collect") { Description = "Gather the results of the sweep in DIR (a Slurm sweep, or one that is still going) into its table and plots.", HelpName = "DIR" };
        var set = RunCommand.SetOption();
        var seed = new Option<long?>("--seed") { Description = "The first seed (default: the file's).", HelpName = "N" };
        var outDir = new Option<string?>("--out") { Description = "The sweep folder (default: ROOT/NAME-sweep-ID).", HelpName = "DIR" };
        var root = new Option<string>("--root") { Description = "Where sweep folders go.", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        command.Arguments.Add(file);
        foreach (Option option in (Option[])[grid, random, samples, seeds, parallel, retryFailed, slurm, partition, time, cpus, gpus, collect, set, seed, outDir, root])
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            if (parse.GetValue(collect) is { } collectDir)
            {
                if (parse.GetValue(file) is not null || (parse.GetValue(grid) ?? []).Length > 0 || (parse.GetValue(random) ?? []).Length > 0 || parse.GetValue(slurm))
                    throw new UserInputException("--collect DIR gathers an existing sweep; give only --collect DIR.");
                return Collect(console, kinds, collectDir);
            }
            bool useSlurm = parse.GetValue(slurm);
            if (!useSlurm && (parse.GetValue(partition) ?? parse.GetValue(time)) is not null || !useSlurm && (parse.GetValue(cpus) ?? parse.GetValue(gpus)) is not null)
                throw new UserInputException("--partition, --time, --cpus and --gpus size Slurm tasks; add --slurm, or leave them out to run here.");
            var cli = new SweepSpec
            {
                Grid = [.. (parse.GetValue(grid) ?? []).Select(SweepSpec.ParseGrid)],
                Random = [.. (parse.GetValue(random) ?? []).Select(SweepSpec.ParseRandom)],
                Samples = parse.GetValue(samples) ?? 1,
                Seeds = parse.GetValue(seeds) ?? 1,
                Parallel = parse.GetValue(parallel) ?? 1,
                Slurm = useSlurm ? new SlurmOptions(parse.GetValue(partition), parse.GetValue(time), parse.GetValue(cpus) ?? 1, parse.GetValue(gpus) ?? 0) : null,
            };
            var document = RunCommand.LoadExperiment(parse.GetValue(file) ?? EmbeddedExperiments.Default, out string defaultName);
            var prepared = SweepSetup.Prepare(kinds, document, defaultName, cli,
                (parse.GetValue(seeds) is not null, parse.GetValue(samples) is not null, parse.GetValue(parallel) is not null),
                parse.GetValue(set) ?? [], parse.GetValue(seed), parse.GetValue(outDir), parse.GetValue(root)!);
            return RunCommand.Execute(console, parse, context => SweepRunner.Run(prepared, kinds, StudioCommand.CliCommand(), context, parse.GetValue(retryFailed)));
        });
        return command;
    }

    static int Collect(IAnsiConsole console, ExperimentKinds kinds, string path)
    {
        var folder = new SweepDirectory(path);
        var (results, table) = SweepRunner.Collect(folder, kinds);
        console.Write(RunCommand.Render(table));
        console.MarkupLine($"{results.Count(PointState.Completed)} of {results.Points.Count} points completed, {results.Count(PointState.Failed)} failed, " +
            $"{results.Points.Count - results.Count(PointState.Completed) - results.Count(PointState.Failed)} not finished");
        console.MarkupLine($"table: {Markup.Escape(folder.TableMarkdownPath)}, {Markup.Escape(folder.TablePath)}; every run: {Markup.Escape(folder.RunsTablePath)}");
        return ResonanceCli.Success;
    }
}
