using System.Text.Json.Nodes;
using Resonance.Experiments;
using Resonance.Runs;
using Resonance.Sweeps;

namespace Resonance.Studio.Tests;

/// <summary>
/// A sweep folder made with the library (<see cref="SweepSetup.Prepare"/> and <see cref="PreparedSweep.Materialise"/>) over
/// the project's sine-regression experiment: <c>training.lr</c> 0.01 and 0.02, two seeds each (points p000 to p003), with
/// hand-written child runs (no tensors) whose <c>test_loss</c> values are <see cref="TestLoss"/>.
/// </summary>
public static class TestSweeps
{
    /// <summary>Each point's test loss: setting 0 has 0.1 and 0.3 (mean 0.2, 95% half-width t(0.975, 1) · 0.1 ≈ 1.2706),
    /// setting 1 has 0.05 and 0.07 (mean 0.06, half-width ≈ 0.12706).</summary>
    public static readonly double[] TestLoss = [0.1, 0.3, 0.05, 0.07];

    /// <summary>t(0.975, 1): the 97.5% quantile of Student's t with one degree of freedom, tan(0.475 π).</summary>
    public static readonly double T975OneDegree = Math.Tan(0.475 * Math.PI);

    /// <summary>Writes the sweep <paramref name="name"/> under <paramref name="root"/> with the first <paramref name="completed"/>
    /// points completed (each with 3 metrics lines and a plot), the next one running (its folder, a summary saying so) and the
    /// rest pending, and the sweep's own summary; returns its folder.</summary>
    public static SweepDirectory Add(string root, string name, int completed, string status = "running")
    {
        var prepared = SweepSetup.Prepare(ExperimentKinds.CreateDefault(),
            ConfigDocument.Load(Path.Combine(Repository.Root, "experiments", "sine-regression.yaml")), "sine-regression",
            new SweepSpec { Grid = [new("training.lr", ["0.01", "0.02"])], Seeds = 2 }, (true, false, false), ["training.epochs=1"],
            seed: null, outDir: Path.Combine(root, name), root);
        prepared.Materialise();
        var folder = prepared.Folder;
        var points = prepared.Plan.Points;
        for (int i = 0; i < points.Count && i <= completed; i++)
            AddChild(folder, points[i], i < completed ? "completed" : "running", TestLoss[i]);
        var summary = new JsonObject
        {
            ["kind"] = SweepKind.Name, ["status"] = status, ["started_at"] = "2026-11-05T10:00:00+00:00",
            ["points"] = points.Count, ["points_completed"] = completed, ["points_failed"] = 0,
        };
        File.WriteAllText(folder.Run.SummaryPath, summary.ToJsonString());
        SweepLog.Record(folder, SweepRunner.Results(folder, ExperimentKinds.CreateDefault())); // a metrics line per finished point
        return folder;
    }

    /// <summary>Writes one point's run: its config, summary, metrics and a plot.</summary>
    static void AddChild(SweepDirectory folder, SweepPoint point, string status, double testLoss)
    {
        var run = folder.PointRun(point);
        Directory.CreateDirectory(run.PlotsPath);
        File.Copy(folder.PointConfig(point), run.ConfigPath);
        var summary = new JsonObject
        {
            ["kind"] = "training", ["status"] = status, ["started_at"] = $"2026-11-05T10:0{point.Index}:00+00:00", ["epochs_completed"] = 1,
        };
        if (status == "completed") summary["test_loss"] = testLoss;
        File.WriteAllText(run.SummaryPath, summary.ToJsonString());
        File.WriteAllLines(run.MetricsPath, Enumerable.Range(1, 3).Select(step =>
            new JsonObject { ["kind"] = "train", ["step"] = step, ["loss"] = testLoss * (4 - step) }.ToJsonString()));
        File.WriteAllBytes(Path.Combine(run.PlotsPath, "loss.png"), TestRuns.Png);
    }
}
