using System.Diagnostics;
using System.Globalization;
using Resonance.Data;
using Resonance.Dynamics;
using Resonance.Experiments;
using Resonance.Runs;
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

    public bool Recognises(ConfigDocument document) => false;

    public IPreparedRun Prepare(ConfigDocument document, IReadOnlyList<string> overrides, long? seed, string defaultName)
    {
        var copy = document.Clone();
        foreach (string assignment in overrides) copy.Set(assignment);
        if (seed is long s) copy.Set($"seed={s}");
        return new Prepared(ReconstructionExperiment.From(copy), defaultName);
    }

    public IPreparedRun PrepareResume(RunDirectory run, ConfigDocument config) =>
        throw new UserInputException($"--resume {run.Path}: reconstruction runs do not resume (reservoirs fit in seconds; a trained model's " +
            $"checkpoint holds no optimiser state); start it again with resonance run {run.ConfigPath} --out NEW_DIR.");

    sealed class Prepared(ReconstructionExperiment experiment, string name) : IPreparedRun
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
            new Built(experiment, experiment.Systems.Count > 0 ? null : ReconstructionData.Load(experiment, experiment.Data.System));
    }

    sealed class Built(ReconstructionExperiment experiment, ReconstructionData? data) : IBuiltRun
    {
        public RunOutcome Execute(RunDirectory run, RunContext context, bool resume)
        {
            run.Guard("create plots/", () => Directory.CreateDirectory(run.PlotsPath));
            using var metrics = run.OpenMetrics();
            return experiment.Systems.Count > 0 ? Benchmark(run, context, metrics) : Single(run, context, metrics);
        }

        RunOutcome Single(RunDirectory run, RunContext context, MetricsLog metrics)
        {
            var clock = Stopwatch.StartNew();
            var (scores, model, fitSeconds) = FitAndScore(data!, context, metrics, stage: null);
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

        RunOutcome Benchmark(RunDirectory run, RunContext context, MetricsLog metrics)
        {
            var clock = Stopwatch.StartNew();
            var rows = new List<IReadOnlyList<string>>();
            var plots = new List<string>();
            var stsp = new List<double>();
            int failed = 0;
            for (int i = 0; i < experiment.Systems.Count; i++)
            {
                if (context.Stop.IsCancellationRequested) break;
                string system = experiment.Systems[i];
                var systemClock = Stopwatch.StartNew();
                context.Events.Report(new RunProgress(i, experiment.Systems.Count, "system", null, null, null, system));
                try
                {
                    var data = ReconstructionData.Load(experiment, system);
                    var (scores, model, _) = FitAndScore(data, context, null, stage: system);
                    using var __ = model;
                    var f = scores.Figures;
                    if (plots.Count == 0)
                        plots.Add(ReconstructionPlots.Attractors(scores.Truth, scores.Generated, run.PlotsPath, system));
                    double seconds = systemClock.Elapsed.TotalSeconds;
                    stsp.Add(f["d_stsp"]);
                    rows.Add([system, StudyTable.Number(f["d_stsp"]), StudyTable.Number(f["d_h"]), Get(f, "vpt_lyapunov_times"),
                        Get(f, "lambda_max_true"), Get(f, "lambda_max_model"), StudyTable.Number(f["floor_d_stsp"]), StudyTable.Number(seconds, 1)]);
                    var line = new Dictionary<string, object?> { ["step"] = i + 1, ["system"] = system, ["seconds"] = Round(seconds) };
                    foreach (var (key, value) in f) line[key] = Round(value);
                    metrics.Write(line);
                }
                catch (Exception e) when (e is DivergenceException or UserInputException)
                {
                    failed++;
                    rows.Add([system, "failed", "", "", "", "", "", StudyTable.Number(systemClock.Elapsed.TotalSeconds, 1)]);
                    metrics.Write(new Dictionary<string, object?> { ["step"] = i + 1, ["system"] = system, ["error"] = e.Message.Split('\n')[0] });
                }
            }
            foreach (string plot in plots) context.Events.Report(new FigureWritten(plot));
            var table = new StudyTable("benchmark", $"{ReconstructionExperiment.TypeName(experiment.ModelType)} over {experiment.Systems.Count} systems",
                ["system", "D_stsp", "D_H", "VPT (Lyapunov times)", "λmax true", "λmax model", "floor D_stsp", "seconds"], rows);
            WriteTables(run, table);
            var summary = new Dictionary<string, object?>
            {
                ["model"] = ReconstructionExperiment.TypeName(experiment.ModelType), ["seed"] = experiment.Seed,
                ["systems"] = rows.Count, ["failed"] = failed,
                ["median_d_stsp"] = stsp.Count > 0 ? Round(stsp.Order().ElementAt(stsp.Count / 2)) : null,
                ["wall_s"] = Round(clock.Elapsed.TotalSeconds),
            };
            bool stopped = rows.Count < experiment.Systems.Count;
            return new RunOutcome(stopped ? RunStatus.Interrupted : RunStatus.Completed,
                $"{rows.Count - failed} of {experiment.Systems.Count} systems reconstructed" + (failed > 0 ? $", {failed} failed" : ""), summary, [table]) { Plots = plots };
        }

        (ReconstructionScores, Reconstructor, double) FitAndScore(ReconstructionData data, RunContext context, MetricsLog? metrics, string? stage)
        {
            var model = new Reconstructor(experiment, data.Dimension, experiment.Seed);
            try
            {
                var clock = Stopwatch.StartNew();
                int total = experiment.Training?.Epochs ?? 1;
                var progress = new Progress(epoch =>
                {
                    metrics?.Write(new Dictionary<string, object?>
                    {
                        ["step"] = epoch.Epoch, ["loss"] = epoch.Loss, ["alpha"] = epoch.Alpha, ["lr"] = epoch.Lr, ["seconds"] = Round(epoch.Seconds),
                    });
                    context.Events.Report(new RunProgress(epoch.Epoch, total, "epoch", null, null, null,
                        string.Create(CultureInfo.InvariantCulture, $"loss {epoch.Loss:0.#####}  alpha {epoch.Alpha:0.###}"), stage));
                });
                var result = model.Fit(data.Train, experiment.Seed, progress, context.Stop);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                if (result is null)
                    metrics?.Write(new Dictionary<string, object?> { ["step"] = 1, ["fit_s"] = Round(fitSeconds), ["train_rows"] = data.Train.shape[0] });
                else if (result.Diverged)
                    context.Events.Report(new RunMessage("training diverged (NaN or infinite loss); the model keeps its last update", MessageLevel.Warning));
                var scores = ReconstructionEvaluation.Score(model, data.Train, data.Test, data.TimeStep, data.LargestExponent, experiment);
                return (scores, model, fitSeconds);
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
