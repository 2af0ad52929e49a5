using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Data;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Runs;
using TorchSharp;
using YamlDotNet.RepresentationModel;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>
/// <c>resonance analyze RUN_DIR</c>: opens a training run (<see cref="AnalysedRun"/>), and writes into its
/// <c>analysis/</c> folder, touching nothing else of the run: <c>analysis.json</c> (headline figures as flat keys, the
/// rest under <c>detail</c>), <c>config.yaml</c> (the resolved <c>analysis:</c> section and the checkpoint read),
/// <c>plots/*.png</c> and <c>.npy</c> arrays (fixed points, PCA coordinates). Reports through the run event stream.
/// </summary>
/// <remarks>
/// Order of work: the test accuracy and the ablations in the model's own dtype; the trajectories of the first
/// <c>batch</c> test sequences (for the resonator including its reasoning steps), their class centroids and PCA; then,
/// in float64 when asked, the fixed-point search from the final (or all visited) states with input <c>x*</c> and the
/// Lyapunov spectrum of the map <c>h → F(h, x*)</c> from the first final states. Jacobians are autograd's; through a
/// spiking neuron they take the step's exact derivative by default (0 off the threshold: the map itself), or its
/// surrogate gradient (the smoothed map that training sees) with <c>spike_derivative: surrogate</c> in
/// <c>analysis.fixed_points</c> and <c>analysis.lyapunov</c>. Files are written atomically; a rerun replaces them.
/// </remarks>
public static class RunAnalysis
{
    /// <summary>The kind name in <c>analysis.json</c> and the event stream.</summary>
    public const string Kind = "analysis";

    /// <summary>The analysis folder of a run.</summary>
    public static string FolderOf(string runPath) => Path.Combine(runPath, "analysis");

    /// <summary>The <c>analysis.json</c> of a run.</summary>
    public static string JsonOf(string runPath) => Path.Combine(FolderOf(runPath), "analysis.json");

    /// <summary>The options from <c>--set analysis.KEY=VALUE</c> overrides over the defaults; <paramref name="seed"/> seeds the
    /// fixed-point sampling and the Lyapunov basis.</summary>
    /// <returns>The options and the resolved <c>analysis:</c> section as YAML.</returns>
    /// <exception cref="UserInputException">An override outside <c>analysis.</c>, an unknown key or an impossible value.</exception>
    public static (AnalysisOptions Options, string Yaml) Bind(IReadOnlyList<string> overrides, long? seed)
    {
        var document = ConfigDocument.Create(new YamlMappingNode { { "analysis", ConfigBinder.ToYaml(new AnalysisOptions()) } }, "analysis");
        foreach (string assignment in overrides)
        {
            string key = assignment.Split('=', 2)[0].Trim();
            if (!key.StartsWith("analysis.", StringComparison.Ordinal))
                throw new UserInputException($"--set {assignment}: resonance analyze takes only analysis.* keys (e.g. --set analysis.batch=256); the run's own config stays as it was trained.");
            document.Set(assignment);
        }
        if (seed is long s)
        {
            document.Set($"analysis.fixed_points.seed={s}");
            document.Set($"analysis.lyapunov.seed={s}");
        }
        var options = ConfigBinder.Bind<AnalysisOptions>(document.Section("analysis"), "analysis");
        var resolved = ConfigDocument.Create(new YamlMappingNode { { "analysis", ConfigBinder.ToYaml(options) } }, "analysis");
        return (options, resolved.ToYaml());
    }

    /// <summary>Analyses the run in <paramref name="runPath"/>.</summary>
    /// <exception cref="UserInputException">The folder is not an analysable run (see <see cref="AnalysedRun.Open"/>), or an
    /// option does not fit the model (more Lyapunov exponents than states).</exception>
    public static RunOutcome Run(string runPath, AnalysisOptions options, string optionsYaml, RunContext context)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var events = context.Events;
        var (located, kind, config) = AnalysedRun.Locate(runPath);
        if (kind is Attractors.Studies.AttractorExperimentKind)
            return AttractorAnalysis.Run(located, config, options, optionsYaml, context);
        using var analysed = AnalysedRun.Open(runPath, context.Device, context.Cache, warning => events.Report(new RunMessage(warning, MessageLevel.Warning)));
        var run = analysed.Run;
        var files = new AnalysisFiles(run);
        string folder = files.Folder;
        string checkpoint = Path.GetRelativePath(run.Path, analysed.CheckpointPath);
        files.Text("config.yaml", $"# resonance analyze {run.Path}\nrun: {run.Name}\ncheckpoint: {checkpoint}\n{optionsYaml}");
        var model = analysed.Model;
        string type = analysed.Experiment.Model.Type;
        events.Report(new RunStarted(folder, Kind, $"analysis of {run.Name}: {type}, {checkpoint} (epoch {analysed.CheckpointState.Epoch}, step {analysed.CheckpointState.Step}), " +
            $"parts {string.Join(", ", options.Parts.Select(p => ConfigBinder.SnakeCase(p.ToString())))}, device {context.Device.type.ToString().ToLowerInvariant()}", Resumed: false));

        var stages = new List<string> { "accuracy", "trajectories" };
        bool resonator = model is EmergentResonator;
        bool classification = model.Shape.Task == TaskKind.Classification;
        if (options.Runs(AnalysisPart.Ablations) && resonator && classification) stages.Add("ablations");
        if (options.Runs(AnalysisPart.FixedPoints)) stages.Add("fixed points");
        if (options.Runs(AnalysisPart.Lyapunov)) stages.Add("lyapunov");
        if (options.Runs(AnalysisPart.Pca)) stages.Add("pca");
        int done = 0;
        var times = new JsonObject();
        var stageClock = Stopwatch.StartNew();
        string? current = null;
        void Stage(string? name, string text = "")
        {
            if (current is not null) times[current.Replace(' ', '_')] = stageClock.Elapsed.TotalSeconds;
            stageClock.Restart();
            current = name;
            if (name is null) return;
            context.Stop.ThrowIfCancellationRequested();
            events.Report(new RunProgress(done++, stages.Count, "part", null, null, null, text, name));
        }

        var summary = new Dictionary<string, object?>
        {
            ["kind"] = Kind, ["status"] = "completed", ["run"] = run.Name, ["model"] = type, ["checkpoint"] = checkpoint,
            ["checkpoint_epoch"] = analysed.CheckpointState.Epoch, ["checkpoint_step"] = analysed.CheckpointState.Step,
        };
        var detail = new JsonObject();
        var written = new List<string>();
        string Plot(string file, Func<string, string> draw)
        {
            string path = files.Plot(file, draw);
            written.Add(path);
            events.Report(new FigureWritten(path));
            return path;
        }
        void Array(string file, float[] values, params long[] shape) => files.Array(file, values, shape);

        try
        {
            using var scope = NewDisposeScope();
            Stage("accuracy", "test accuracy");
            var (testInputs, testTargets) = analysed.TestExamples(options.TestExamples);
            summary["test_examples"] = testInputs.shape[0];
            if (classification)
            {
                double accuracy = Accuracy(model, testInputs, testTargets);
                summary["test_accuracy"] = accuracy;
                events.Report(new RunMessage($"test accuracy {100 * accuracy:F2}% on {testInputs.shape[0]:N0} test examples", MessageLevel.Result));
            }

            if (stages.Contains("ablations"))
            {
                Stage("ablations", "ablations: spikes, leak, reasoning steps, each neuron");
                var ablation = ResonatorAblations.Run((EmergentResonator)model, testInputs, testTargets, options.MaxReasoningSteps,
                    (neuron, total) => events.Report(new RunProgress(done - 1, stages.Count, "part", null, null, null, $"silencing neuron {neuron} of {total}", "ablations")),
                    context.Stop);
                summary["no_spikes_accuracy"] = ablation.NoSpikes;
                summary["frozen_leak_accuracy"] = ablation.FrozenLeak;
                summary["mean_firing_rate"] = ablation.MeanFiringRate;
                summary["largest_silencing_drop"] = ablation.Neurons.Count > 0 ? ablation.Neurons[0].Drop : 0;
                detail["ablations"] = AblationDetail(ablation, options.KickNeurons);
                events.Report(new RunMessage($"ablations: full {100 * ablation.Full:F2}%, spikes silenced {100 * ablation.NoSpikes:F2}%, leak frozen {100 * ablation.FrozenLeak:F2}%, " +
                    $"mean firing rate {ablation.MeanFiringRate:G3}; worst single neuron {ablation.Neurons[0].Layer}:{ablation.Neurons[0].Neuron} costs {100 * ablation.Neurons[0].Drop:F2} points", MessageLevel.Result));
                Plot("ablations.png", path => AnalysisPlots.Ablations(path, ablation, options.KickNeurons));
            }
            else if (options.Runs(AnalysisPart.Ablations))
                detail["ablations"] = new JsonObject { ["skipped"] = resonator ? "a regression model has no accuracy to ablate" : $"model {type} has no spiking neurons to silence (ablations are for the resonator)" };

            Stage("trajectories", "trajectories of test sequences");
            long batch = Math.Min(options.Batch, testInputs.shape[0]);
            Tensor inputs = testInputs.narrow(0, 0, batch);                                       // (B, T, F)
            int[] labels = classification ? [.. testTargets.narrow(0, 0, batch).cpu().data<long>().ToArray().Select(l => (int)l)] : new int[batch];
            int freeSteps = model is EmergentResonator r ? r.ReasoningSteps : 0;
            Tensor states = Trajectories.Drive(analysed.Dynamics, inputs, freeSteps);            // (B, T + R, S)
            Tensor finals = states.select(1, states.shape[1] - 1);                                // (B, S)
            (Tensor Rows, int[] Classes)? centroids = classification ? Centroids(finals, labels) : null;
            var pca = options.Runs(AnalysisPart.Pca) ? PrincipalComponents.Of(states.reshape(-1, states.shape[2]), 3) : null;

            Tensor? constant = options.Input == FixedPointInput.Mean ? inputs.mean([0, 1]) : null;   // (F) or null: x*
            if (options.Float64 && (options.Runs(AnalysisPart.FixedPoints) || options.Runs(AnalysisPart.Lyapunov)))
            {
                model.to(ScalarType.Float64);
                finals = finals.to(ScalarType.Float64);
                states = states.to(ScalarType.Float64);
                constant = constant?.to(ScalarType.Float64);
            }
            string inputText = options.Input == FixedPointInput.Zero ? "zero" : "mean test input";

            FixedPointResult? found = null;
            IReadOnlyList<ClassifiedPoint> classified = [];
            if (options.Runs(AnalysisPart.FixedPoints))
            {
                Stage("fixed points", $"fixed-point search from up to {options.FixedPoints.InitialStates:N0} states");
                Tensor starts = options.InitialStatesFrom == InitialStateSource.Final ? finals : states.reshape(-1, states.shape[2]);
                found = FixedPointFinder.Find(analysed.Dynamics, starts, constant, options.FixedPoints);
                classified = FixedPointReport.Classify(found, model as IStateReadout, centroids, finals.dtype, finals.device);
                foreach (var (key, value) in FixedPointReport.Headlines(found, classified)) summary[key] = value;
                detail["fixed_points"] = FixedPointReport.Detail(found, classified, options.FixedPoints, inputText);
                events.Report(new RunMessage($"fixed points (x* {inputText}): {summary["fixed_points"]} fixed, {summary["slow_points"]} slow; " +
                    $"{summary["stable_points"]} stable, {summary["saddle_points"]} saddles, {summary["unstable_points"]} unstable; " +
                    $"stable points cover {summary["stable_point_classes"]} classes of the readout", MessageLevel.Result));
                if (found.Points.Count > 0)
                {
                    int size = found.Points[0].State.Length;
                    Array("fixed_points.npy", [.. found.Points.SelectMany(p => p.State.Select(v => (float)v))], found.Points.Count, size);
                    Plot("eigenvalues.png", path => AnalysisPlots.Eigenvalues(path, found.Points));
                }
            }

            if (options.Runs(AnalysisPart.Lyapunov))
            {
                Stage("lyapunov", $"Lyapunov spectrum, {options.Lyapunov.Exponents} exponents, {options.Lyapunov.WarmupSteps} + {options.Lyapunov.Steps} steps");
                Tensor initial = finals.narrow(0, 0, Math.Min(options.LyapunovTrajectories, finals.shape[0]));
                var dynamics = analysed.Dynamics;
                Tensor? input = constant?.reshape(1, -1);
                LyapunovResult spectrum;
                using (options.Lyapunov.SpikeDerivative == SpikeDerivative.Exact ? SurrogateGradient.ExactDerivative() : null)
                    spectrum = LyapunovSpectrum.Compute(state => dynamics.Step(state, input?.expand(state.shape[0], -1)), initial, options.Lyapunov);
                summary["lyapunov_max"] = spectrum.Exponents[0];
                summary["lyapunov_sum"] = spectrum.Sum;
                detail["lyapunov"] = new JsonObject
                {
                    ["input"] = inputText,
                    ["exponents"] = new JsonArray([.. spectrum.Exponents.Select(e => (JsonNode?)e)]),
                    ["trajectories"] = initial.shape[0],
                    ["warmup_steps"] = options.Lyapunov.WarmupSteps,
                    ["steps"] = options.Lyapunov.Steps,
                    ["spike_derivative"] = ConfigBinder.SnakeCase(options.Lyapunov.SpikeDerivative.ToString()),
                    ["spread_of_largest"] = spectrum.PerInitialCondition.Max(e => e[0]) - spectrum.PerInitialCondition.Min(e => e[0]),
                    ["largest_running_estimate"] = RunningEstimates(spectrum),
                };
                events.Report(new RunMessage($"Lyapunov spectrum (per step): {string.Join(", ", spectrum.Exponents.Select(e => e.ToString("F4", CultureInfo.InvariantCulture)))}", MessageLevel.Result));
                Plot("lyapunov.png", path => AnalysisPlots.Lyapunov(path, spectrum));
            }

            if (pca is not null)
            {
                Stage("pca", "PCA of hidden states");
                int k = pca.ExplainedVariance.Length;
                Tensor coordinates = pca.Project(states.reshape(-1, states.shape[2])).reshape(batch, states.shape[1], k); // (B, T + R, k)
                Tensor finalCoordinates = coordinates.select(1, coordinates.shape[1] - 1);                               // (B, k)
                Array("pca_trajectories.npy", Floats(coordinates), batch, states.shape[1], k);
                files.Array("pca_labels.npy", labels, batch);
                Array("pca_components.npy", [.. pca.Components.Cast<double>().Select(v => (float)v)], k, pca.Mean.Length);
                var overlay = new List<(double[], FixedPointStability, bool)>();
                if (found is { Points.Count: > 0 })
                {
                    int size = found.Points[0].State.Length;
                    Tensor points = tensor(found.Points.SelectMany(p => p.State).ToArray(), [found.Points.Count, size], ScalarType.Float64);
                    Tensor projected = pca.Project(points);                                                           // (M, k)
                    Array("fixed_points_pca.npy", Floats(projected), found.Points.Count, k);
                    double[] flat = projected.data<double>().ToArray();
                    overlay.AddRange(found.Points.Select((p, i) => (flat[(i * k)..((i + 1) * k)], p.Stability, p.IsSlow)));
                }
                double[] finalFlat = finalCoordinates.contiguous().data<double>().ToArray();
                double[][] finalPoints = [.. Enumerable.Range(0, (int)batch).Select(i => finalFlat[(i * k)..((i + 1) * k)])];
                summary["pca_variance_2"] = pca.ExplainedVariance.Take(2).Sum();
                detail["pca"] = new JsonObject
                {
                    ["sequences"] = batch,
                    ["steps"] = states.shape[1],
                    ["explained_variance"] = new JsonArray([.. pca.ExplainedVariance.Select(v => (JsonNode?)v)]),
                };
                if (k >= 2) Plot("pca.png", path => AnalysisPlots.Pca(path, finalPoints, labels, overlay, pca.ExplainedVariance));
            }
        }
        catch (OperationCanceledException) when (context.Stop.IsCancellationRequested)
        {
            var stopped = new RunOutcome(RunStatus.Interrupted, $"analysis of {run.Name} stopped; analysis.json was left as it was", summary, []) { Plots = written };
            events.Report(new RunEnded(stopped.Status, stopped.Message, summary));
            return stopped;
        }

        Stage(null);
        detail["time_s"] = times;
        summary["analysis_time_s"] = clock.Elapsed.TotalSeconds;
        var json = new JsonObject();
        foreach (var (key, value) in summary) json[key] = JsonValues.From(value);
        json["detail"] = detail;
        files.Text("analysis.json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        files.RemoveStale();
        string message = $"analysis of {run.Name} written to {folder}";
        var outcome = new RunOutcome(RunStatus.Completed, message, summary,
            [new StudyTable("analysis", $"analysis of {run.Name}", ["figure", "value"],
                [.. summary.Where(pair => pair.Key is not ("kind" or "status" or "run")).Select(pair => (IReadOnlyList<string>)[pair.Key, SummaryFormat.Format(pair.Key, pair.Value)])])])
        { Plots = written };
        events.Report(new RunEnded(outcome.Status, outcome.Message, summary));
        return outcome;
    }

    /// <summary>The running estimate of the largest exponent after 25, 50, 100, 200, 300, 500, 1,000, ... recorded steps (as far as
    /// they go): how fast the estimate settles.</summary>
    static JsonObject RunningEstimates(LyapunovResult spectrum)
    {
        var estimates = new JsonObject();
        int steps = spectrum.Running.GetLength(0);
        foreach (int at in new[] { 25, 50, 100, 200, 300, 500, 1000, 2000, 5000 }.Where(a => a < steps).Append(steps))
            estimates[at.ToString(CultureInfo.InvariantCulture)] = spectrum.Running[at - 1, 0];
        return estimates;
    }

    /// <summary>Classification accuracy of the model's own forward pass, in batches, without gradients.</summary>
    static double Accuracy(SequenceModel model, Tensor inputs, Tensor targets)
    {
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < inputs.shape[0]; start += 500)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(500, inputs.shape[0] - start);
            correct += model.call(inputs.narrow(0, start, size)).argmax(1).eq(targets.narrow(0, start, size)).sum().ToInt64();
        }
        return (double)correct / inputs.shape[0];
    }

    /// <summary>The mean final state of each class present, <c>(C', S)</c>, and which class each row is.</summary>
    static (Tensor Rows, int[] Classes) Centroids(Tensor finals, int[] labels)
    {
        int[] classes = [.. labels.Distinct().Order()];
        var rows = classes.Select(c => finals.index_select(0, tensor(Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Select(i => (long)i).ToArray(), device: finals.device)).mean([0])).ToList();
        return (stack(rows, 0), classes);
    }

    static float[] Floats(Tensor values) => values.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();

    static JsonObject AblationDetail(ResonatorAblationResult result, int kickNeurons)
    {
        var neurons = new JsonArray();
        foreach (var neuron in result.Neurons.Take(kickNeurons))
            neurons.Add(new JsonObject
            {
                ["layer"] = neuron.Layer, ["neuron"] = neuron.Neuron, ["accuracy"] = neuron.Accuracy, ["drop"] = neuron.Drop, ["firing_rate"] = neuron.FiringRate,
            });
        return new JsonObject
        {
            ["examples"] = result.Examples,
            ["full_accuracy"] = result.Full,
            ["no_spikes_accuracy"] = result.NoSpikes,
            ["frozen_leak_accuracy"] = result.FrozenLeak,
            ["leak_gate"] = result.LeakGate,
            ["mean_firing_rate"] = result.MeanFiringRate,
            ["trained_reasoning_steps"] = result.TrainedReasoningSteps,
            ["accuracy_by_reasoning_steps"] = new JsonArray([.. result.ByReasoningSteps.Select(a => (JsonNode?)a)]),
            ["neurons_silenced"] = result.Neurons.Count,
            ["neurons_whose_silencing_lowers_accuracy"] = result.Neurons.Count(n => n.Drop > 0),
            ["kick_neurons"] = neurons,
        };
    }
}
