using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Resonance.Data;
using Resonance.Dynamics;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The reconstruction kind of experiment (<c>kind: reconstruction</c>): fits an ESN, NG-RC, shallow PLRNN or AL-RNN to a
/// catalogue system's series or a CSV/.npy file and judges it by <see cref="ReconstructionEvaluation"/>. Writes
/// <c>metrics.jsonl</c> (one line per training epoch, or the closed-form fit; one per system in a benchmark),
/// <c>summary.json</c>, <c>table.md</c>/<c>table.csv</c>, <c>plots/attractors.png</c>, <c>plots/spectra.png</c>,
/// <c>plots/regions.png</c> (AL-RNN) and, for trained models, <c>checkpoints/model.pt</c> and <c>observation.pt</c>.
/// With a top-level <c>systems:</c> list (or <c>systems: all</c>) it is the chaos benchmark: the same model on each
/// catalogue system, one table row each.
/// </summary>
public sealed class ReconstructionKind : IExperimentKind
{
    public string Name => "reconstruction";
    public string Description => "dynamical-systems reconstruction: ESN, NG-RC, shPLRNN or AL-RNN on a chaotic series (or the chaos benchmark)";
    public IReadOnlyList<string> HeadlineKeys { get; } = ["vpt_lyapunov_times", "d_stsp", "d_h", "median_d_stsp", "systems"];

    /// <summary>Generates a benchmark system's series (<see cref="ReconstructionData.Load"/>); tests put a failing one in its place.</summary>
    internal Func<ReconstructionExperiment, string, ReconstructionData> LoadSystem { get; init; } = ReconstructionData.Load;

    public bool Recognises(ConfigDocument document) => false;

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return new Prepared(ReconstructionExperiment.From(copy), defaultName, LoadSystem);
    }

    /// <summary>A benchmark continues at its first unfinished system; a run of one series does not resume.</summary>
    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config)
    {
        var experiment = ReconstructionExperiment.From(config);
        if (experiment.Systems.Count == 0)
            throw new UserInputException($"--resume {run.Path}: reconstructions of one series do not resume (reservoirs fit in seconds; a trained model's " +
                $"checkpoint holds no optimiser state); start it again with resonance run {run.ConfigPath} --out NEW_DIR. A benchmark (systems:) does resume.");
        return new Prepared(experiment, run.Name, LoadSystem);
    }

    sealed class Prepared(ReconstructionExperiment experiment, string name, Func<ReconstructionExperiment, string, ReconstructionData> loadSystem) : IPreparedRun
    {
        public string Name => name;
        public string ResolvedYaml => experiment.ToYaml();

        public string Describe(Device device)
        {
            string data = experiment.Systems.Count > 0 ? $"{experiment.Systems.Count} systems" : experiment.Data.System ?? experiment.Data.File!;
            return $"reconstruction: {ReconstructionExperiment.TypeName(experiment.ModelType)} on {data}, seed {experiment.Seed}, device cpu";
        }

        /// <summary>Generates or reads the series of a one-series run here, so a missing file or a diverging system leaves no folder.</summary>
        public IBuiltRun Build(RunContext context, bool resume) =>
            new Built(experiment, experiment.Systems.Count > 0 ? null : ReconstructionData.Load(experiment, experiment.Data.System), loadSystem);
    }

    sealed class Built(ReconstructionExperiment experiment, ReconstructionData? data, Func<ReconstructionExperiment, string, ReconstructionData> loadSystem) : IBuiltRun
    {
        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            run.Guard("create plots/", () => Directory.CreateDirectory(run.PlotsPath));
            if (experiment.Systems.Count > 0) return Benchmark(run, context, resume);
            using var metrics = run.OpenMetrics();
            return Single(run, context, metrics);
        }

        RunOutcome Single(RunDirectory run, RunContext context, MetricsLog metrics)
        {
            var clock = Stopwatch.StartNew();
            var (scores, model, fitSeconds, training) = NoCollections.Run(() => FitAndScore(data!, context, metrics, stage: null));
            using var _ = model;
            var plots = new List<string>
            {
                ReconstructionPlots.Attractors(scores.Truth, scores.Generated, run.PlotsPath, data!.Name),
                ReconstructionPlots.Spectra(scores.Truth, scores.Generated, experiment.Metrics.SpectrumSmoothing, run.PlotsPath),
            };
            var summary = new Dictionary<string, object?> { ["model"] = ReconstructionExperiment.TypeName(experiment.ModelType), ["data"] = data!.Name, ["seed"] = experiment.Seed };
            foreach (var (key, value) in scores.Figures) summary[key] = Round(value);
            var rows = scores.Figures.Select(kv => (IReadOnlyList<string>)[kv.Key, StudyTable.Compact(kv.Value)]).ToList();
            if (model.Regions(data!.Test[experiment.Evaluation.Warmup - 1], experiment.Evaluation.TestSteps) is var (regions, observed))
            {
                plots.Add(ReconstructionPlots.Regions(regions, observed, run.PlotsPath));
                var visits = regions.GroupBy(r => r).OrderByDescending(g => g.Count()).ToList();
                summary["regions_used"] = visits.Count;
                summary["top_region_share"] = Round((double)visits[0].Count() / regions.Length);
                rows.Add(["regions_used", StudyTable.Whole(visits.Count)]);
                foreach (var g in visits) rows.Add([$"region {g.Key} visits", StudyTable.Number((double)g.Count() / regions.Length)]);
            }
            if (model.Latent is not null)
                run.Guard("save the checkpoint", () =>
                {
                    Directory.CreateDirectory(run.CheckpointsPath);
                    model.Latent.save(Path.Combine(run.CheckpointsPath, "model.pt"));
                    model.Observation!.save(Path.Combine(run.CheckpointsPath, "observation.pt"));
                });
            if (training?.Diverged == true)
            {
                summary["training_diverged_at_epoch"] = training.Epochs.Count + 1;
                rows.Add(["training_diverged_at_epoch", StudyTable.Whole(training.Epochs.Count + 1)]);
            }
            if (training?.SelectedEpoch is int epoch)
            {
                summary["selected_epoch"] = epoch;
                rows.Add(["selected_epoch", StudyTable.Whole(epoch)]);
            }
            summary["fit_s"] = Round(fitSeconds);
            summary["wall_s"] = Round(clock.Elapsed.TotalSeconds);
            foreach (string plot in plots) context.Events.Report(new FigureWritten(plot));
            var table = new StudyTable("reconstruction", $"{ReconstructionExperiment.TypeName(experiment.ModelType)} on {data!.Name}", ["figure", "value"], rows, scores.Notes);
            WriteTables(run, table);
            var f = scores.Figures;
            string message = FormattableString.Invariant($"D_stsp {f["d_stsp"]:0.###} (floor {f["floor_d_stsp"]:0.###}), D_H {f["d_h"]:0.###} (floor {f["floor_d_h"]:0.###}), VPT ") +
                (f.TryGetValue("vpt_lyapunov_times", out double vpt)
                    ? FormattableString.Invariant($"{vpt:0.##} Lyapunov times (starts {f["vpt_lyapunov_times_min"]:0.##} to {f["vpt_lyapunov_times_max"]:0.##}, quartiles {f["vpt_lyapunov_times_q1"]:0.##} and {f["vpt_lyapunov_times_q3"]:0.##})")
                    : FormattableString.Invariant($"{f["vpt_steps"]:0} steps"));
            return new RunOutcome(RunStatus.Completed, message, summary, [table]) { Plots = plots };
        }

        /// <summary>The chaos benchmark: each system in turn, its metrics line, table and summary written as soon as it is done.</summary>
        /// <remarks>
        /// metrics.jsonl is the record a resume reads: a system whose line is there is finished (figures or a failure), so a
        /// benchmark cut short by Ctrl-C, a kill or a crash continues at the first system without one. A system that fails
        /// (its series diverges, the readout is singular, the tensor library refuses) is a failed row with its reason and the
        /// benchmark goes on.
        /// </remarks>
        RunOutcome Benchmark(RunDirectory run, RunContext context, bool resume)
        {
            var clock = Stopwatch.StartNew();
            var systems = experiment.Systems;
            var lines = resume ? run.Guard("read metrics.jsonl", () => BenchmarkRows.Finished(run.MetricsPath, systems)) : [];
            using var metrics = run.OpenMetrics(resume ? lines.Count : null);
            string attractors = Path.Combine(run.PlotsPath, "attractors.png");
            var plots = new List<string>();
            if (resume && File.Exists(attractors)) plots.Add(attractors);
            if (resume && lines.Count > 0)
                context.Events.Report(new RunMessage(lines.Count < systems.Count
                    ? $"{lines.Count} of {systems.Count} systems were finished; continuing at {systems[lines.Count]}"
                    : $"all {systems.Count} systems were finished; writing the table again"));
            for (int i = lines.Count; i < systems.Count; i++)
            {
                if (context.Stop.IsCancellationRequested) break;
                string system = systems[i];
                var systemClock = Stopwatch.StartNew();
                context.Events.Report(new RunProgress(i, systems.Count, "system", null, null, null, system));
                IReadOnlyDictionary<string, double>? figures = null;
                string? error = null;
                try
                {
                    figures = MeasureSystem(system, context, plots.Count == 0 ? plots : null, run.PlotsPath);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    error = FailureReason(e);
                }
                var values = new Dictionary<string, object?> { ["step"] = i + 1, ["system"] = system, ["wall_s"] = Round(systemClock.Elapsed.TotalSeconds) };
                if (error is not null) values["error"] = error;
                else foreach (var (key, value) in figures!) values[key] = Round(value);
                metrics.Write(values);
                lines.Add(BenchmarkRows.Line(values));
                var (partial, running) = BenchmarkResult(lines, clock);
                WriteTables(run, partial);
                run.WriteSummary(new Dictionary<string, object?>(running) { ["status"] = "running" });
            }
            foreach (string plot in plots) context.Events.Report(new FigureWritten(plot));
            var (table, summary) = BenchmarkResult(lines, clock);
            WriteTables(run, table);
            int failed = lines.Count(BenchmarkRows.Failed);
            bool stopped = lines.Count < systems.Count;
            return new RunOutcome(stopped ? RunStatus.Interrupted : RunStatus.Completed,
                $"{lines.Count - failed} of {systems.Count} systems reconstructed" + (failed > 0 ? $", {failed} failed" : "") +
                (stopped ? $"; continue with resonance run --resume {run.Path}" : ""), summary, [table]) { Plots = plots };
        }

        /// <summary>Generates one system's series, fits the model and scores it, with collections held off (the tensor
        /// library's Scalar fault, docs/building.md); when that fault strikes anyway the system runs again from the start,
        /// which gives the same numbers (every stream is seeded).</summary>
        /// <param name="system">The catalogue name.</param>
        /// <param name="context">The run's events and stop request.</param>
        /// <param name="plots">Where to add the attractor plot of this system, or null when an earlier system made it.</param>
        /// <param name="plotsPath">The run's plots folder.</param>
        IReadOnlyDictionary<string, double> MeasureSystem(string system, RunContext context, List<string>? plots, string plotsPath)
        {
            for (int attempt = 1; ; attempt++)
            {
                ReconstructionData? data = null;
                ReconstructionScores? scores = null;
                Reconstructor? model = null;
                try
                {
                    NoCollections.Run(() =>
                    {
                        data = loadSystem(experiment, system);
                        (scores, model, _, _) = FitAndScore(data, context, null, stage: system);
                    }, SystemBudgetBytes);
                    if (plots is not null) TryPlot(system, scores!, plots, plotsPath, context);
                    return scores!.Figures;
                }
                catch (ExternalException e) when (attempt <= ScalarFaultRetries && Runtime.HeldScalars.IsScalarFault(e))
                {
                    context.Events.Report(new RunMessage($"{system}: the tensor library's known Scalar fault struck ({FirstLine(e)}); running this system again",
                        MessageLevel.Warning));
                }
                finally
                {
                    model?.Dispose();
                    data?.Train.Dispose();
                    data?.Test.Dispose();
                }
            }
        }

        /// <summary>Draws the benchmark's attractor plot from this system; a plot that cannot be drawn costs a warning, not the
        /// system's figures (the next finished system tries again).</summary>
        static void TryPlot(string system, ReconstructionScores scores, List<string> plots, string plotsPath, RunContext context)
        {
            try
            {
                plots.Add(ReconstructionPlots.Attractors(scores.Truth, scores.Generated, plotsPath, system));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Events.Report(new RunMessage($"{system}: the attractor plot could not be drawn ({FirstLine(e)}); the next system's will be", MessageLevel.Warning));
            }
        }

        /// <summary>The table and the summary of the finished <paramref name="lines"/>.</summary>
        (StudyTable Table, Dictionary<string, object?> Summary) BenchmarkResult(IReadOnlyList<JsonObject> lines, Stopwatch clock)
        {
            var notes = lines.Where(BenchmarkRows.Failed).Select(line => $"{BenchmarkRows.Row(line)[0]} failed: {BenchmarkRows.Error(line)}").ToList();
            var table = new StudyTable("benchmark", $"{ReconstructionExperiment.TypeName(experiment.ModelType)} over {experiment.Systems.Count} systems",
                BenchmarkRows.Columns, [.. lines.Select(BenchmarkRows.Row)], notes);
            // A NaN D_stsp is a free run that left the data's range: the worst score, not the best that NaN's sort order would make it.
            var stsp = lines.Where(line => !BenchmarkRows.Failed(line)).Select(line => BenchmarkRows.Number(line, "d_stsp") ?? double.NaN)
                .Select(v => double.IsNaN(v) ? double.PositiveInfinity : v).Order().ToList();
            var summary = new Dictionary<string, object?>
            {
                ["model"] = ReconstructionExperiment.TypeName(experiment.ModelType), ["seed"] = experiment.Seed,
                ["systems"] = lines.Count, ["failed"] = lines.Count(BenchmarkRows.Failed),
                ["median_d_stsp"] = stsp.Count > 0 ? Round(stsp[stsp.Count / 2]) : null,
                ["systems_s"] = Round(lines.Sum(line => BenchmarkRows.Seconds(line) ?? 0)),
                ["wall_s"] = Round(clock.Elapsed.TotalSeconds),
            };
            return (table, summary);
        }

        /// <summary>The managed bytes one system may allocate with collections held off: the heaviest system measured (thomas,
        /// whose λmax is estimated: millions of small tensor calls) allocates 0.63 GB; memory is committed only as allocated,
        /// and a quarter of what this machine offers caps it.</summary>
        static long SystemBudgetBytes => Math.Min(1L << 30, MemoryBudget.AvailableBytes / 4);

        /// <summary>How often a system is run again after the tensor library's Scalar fault before it counts as failed.</summary>
        const int ScalarFaultRetries = 2;

        static string FirstLine(Exception e) => e.Message.Split('\n', 2)[0].Trim();

        /// <summary>One line for a failed row: the message of a user's or the data's problem as it is; a fault of the tensor
        /// library or of resonance itself says so.</summary>
        static string FailureReason(Exception e) => e switch
        {
            DivergenceException or UserInputException => FirstLine(e),
            ExternalException => $"the tensor library failed: {FirstLine(e)}",
            _ => $"internal error ({e.GetType().Name}): {FirstLine(e)}",
        };

        (ReconstructionScores, Reconstructor, double, ReconstructionTrainingResult?) FitAndScore(ReconstructionData data, RunContext context, MetricsLog? metrics, string? stage)
        {
            var model = new Reconstructor(experiment, data.Dimension, experiment.Seed);
            try
            {
                var clock = Stopwatch.StartNew();
                int total = experiment.Training?.Epochs ?? 1;
                var progress = new Progress(epoch =>
                {
                    var line = new Dictionary<string, object?>
                    {
                        ["step"] = epoch.Epoch, ["loss"] = epoch.Loss, ["alpha"] = epoch.Alpha, ["lr"] = epoch.Lr, ["seconds"] = Round(epoch.Seconds),
                    };
                    if (!double.IsNaN(epoch.SelectionDstsp)) line["select_d_stsp"] = Round(epoch.SelectionDstsp);
                    metrics?.Write(line);
                    string selection = double.IsNaN(epoch.SelectionDstsp) ? "" : string.Create(CultureInfo.InvariantCulture, $"  train D_stsp {epoch.SelectionDstsp:0.###}");
                    context.Events.Report(new RunProgress(epoch.Epoch, total, "epoch", null, null, null,
                        string.Create(CultureInfo.InvariantCulture, $"loss {epoch.Loss:0.#####}  alpha {epoch.Alpha:0.###}") + selection, stage));
                });
                var result = model.Fit(data.Train, experiment.Seed, progress, context.Stop);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                if (result is null)
                    metrics?.Write(new Dictionary<string, object?> { ["step"] = 1, ["fit_s"] = Round(fitSeconds), ["train_rows"] = data.Train.shape[0] });
                else if (result.Diverged)
                    context.Events.Report(new RunMessage(result.SelectedEpoch is int kept
                        ? $"training diverged (NaN or infinite loss); the model is the one selected at epoch {kept}"
                        : "training diverged (NaN or infinite loss); the model keeps its last update", MessageLevel.Warning));
                var scores = ReconstructionEvaluation.Score(model, data.Train, data.Test, data.TimeStep, data.LargestExponent, experiment);
                return (scores, model, fitSeconds, result);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        static string Get(IReadOnlyDictionary<string, double> figures, string key) =>
            figures.TryGetValue(key, out double value) ? StudyTable.Number(value) : "–";

        static void WriteTables(RunDirectory run, StudyTable table) => run.Guard("write the tables", () =>
        {
            AtomicFile.WriteAllText(Path.Combine(run.Path, "table.md"), table.ToMarkdown());
            AtomicFile.WriteAllText(Path.Combine(run.Path, "table.csv"), table.ToCsv());
        });

        static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : value;

        public void Dispose()
        {
            data?.Train.Dispose();
            data?.Test.Dispose();
        }
    }

    /// <summary>Reports each epoch on the training thread (no synchronisation context hop, unlike <see cref="Progress{T}"/>).</summary>
    sealed class Progress(Action<ReconstructionEpoch> report) : IProgress<ReconstructionEpoch>
    {
        public void Report(ReconstructionEpoch value) => report(value);
    }
}
