using System.Text.Json.Nodes;
using Resonance.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>One found point seen against the classes: the readout's answer there and the nearest class centroid.</summary>
/// <param name="Point">The point.</param>
/// <param name="ReadoutClass">The class the model's readout gives at the point, or -1 without a readout.</param>
/// <param name="NearestClass">The class whose centroid of final test states is nearest (Euclidean, in state space), or -1.</param>
/// <param name="CentroidDistance">The distance to that centroid.</param>
public sealed record ClassifiedPoint(FixedPoint Point, int ReadoutClass, int NearestClass, double CentroidDistance);

/// <summary>
/// The fixed-point search's result summed up for <c>analysis.json</c>: counts of fixed and slow points, stable points,
/// saddles (by their number of unstable directions) and unstable points, and how the points relate to the classes.
/// </summary>
public static class FixedPointReport
{
    /// <summary>Classifies each point by the readout and by the nearest class centroid.</summary>
    /// <param name="result">What the search found.</param>
    /// <param name="readout">The model's readout on flat states, or null.</param>
    /// <param name="centroids">Class centroids of final states <c>(C, S)</c> with the class of each row, or null (no classes).</param>
    /// <param name="dtype">The dtype of the model's parameters.</param>
    /// <param name="device">Their device.</param>
    public static IReadOnlyList<ClassifiedPoint> Classify(FixedPointResult result, IStateReadout? readout, (Tensor Rows, int[] Classes)? centroids, ScalarType dtype, Device device)
    {
        if (result.Points.Count == 0) return [];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int size = result.Points[0].State.Length;
        Tensor points = tensor(result.Points.SelectMany(p => p.State).ToArray(), [result.Points.Count, size], ScalarType.Float64).to(dtype, device); // (M, S)
        long[] readoutClass = readout is null ? [.. result.Points.Select(_ => -1L)]
            : readout.ReadoutFromState(points).argmax(1).cpu().data<long>().ToArray();
        long[] nearest = [.. result.Points.Select(_ => -1L)];
        double[] distance = [.. result.Points.Select(_ => double.NaN)];
        if (centroids is var (rows, classes) && rows is not null)
        {
            Tensor distances = cdist(points.to(ScalarType.Float64), rows.to(ScalarType.Float64, device));   // (M, C)
            var (values, indices) = distances.min(1);
            nearest = [.. indices.cpu().data<long>().ToArray().Select(i => (long)classes[i])];
            distance = values.cpu().data<double>().ToArray();
        }
        return [.. result.Points.Select((p, i) => new ClassifiedPoint(p, (int)readoutClass[i], (int)nearest[i], distance[i]))];
    }

    /// <summary>The headline figures (flat keys for <c>analysis.json</c>'s top level): fixed points (<c>q &lt; tol_q</c>) by
    /// stability, slow points, and the readout classes the stable fixed points cover.</summary>
    public static Dictionary<string, object?> Headlines(FixedPointResult result, IReadOnlyList<ClassifiedPoint> points)
    {
        var fixedPoints = points.Where(p => !p.Point.IsSlow).ToList();
        var stable = fixedPoints.Where(p => p.Point.Stability == FixedPointStability.Stable).ToList();
        return new()
        {
            ["fixed_points"] = fixedPoints.Count,
            ["slow_points"] = result.SlowPoints.Count(),
            ["stable_points"] = stable.Count,
            ["saddle_points"] = fixedPoints.Count(p => p.Point.Stability == FixedPointStability.Saddle),
            ["unstable_points"] = fixedPoints.Count(p => p.Point.Stability == FixedPointStability.Unstable),
            ["stable_point_classes"] = stable.Where(p => p.ReadoutClass >= 0).Select(p => p.ReadoutClass).Distinct().Count(),
        };
    }

    /// <summary>The nested detail: search figures, saddles by unstable directions, per-class counts, and every point.</summary>
    public static JsonObject Detail(FixedPointResult result, IReadOnlyList<ClassifiedPoint> points, FixedPointOptions options, string input)
    {
        var saddles = new JsonObject();
        foreach (var group in points.Where(p => !p.Point.IsSlow && p.Point.Stability == FixedPointStability.Saddle).GroupBy(p => p.Point.UnstableDirections).OrderBy(g => g.Key))
            saddles[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = group.Count();
        var slow = points.Where(p => p.Point.IsSlow).ToList();
        var byClass = new JsonObject();
        foreach (var group in points.Where(p => p.ReadoutClass >= 0).GroupBy(p => p.ReadoutClass).OrderBy(g => g.Key))
            byClass[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["points"] = group.Count(),
                ["stable"] = group.Count(p => p.Point.Stability == FixedPointStability.Stable),
                ["saddles"] = group.Count(p => p.Point.Stability == FixedPointStability.Saddle),
            };
        var withClasses = points.Where(p => p.ReadoutClass >= 0 && p.NearestClass >= 0).ToList();
        var list = new JsonArray();
        foreach (var p in points)
            list.Add(new JsonObject
            {
                ["q"] = p.Point.Q,
                ["slow"] = p.Point.IsSlow,
                ["stability"] = p.Point.Stability.ToString().ToLowerInvariant(),
                ["unstable_directions"] = p.Point.UnstableDirections,
                ["largest_eigenvalue_modulus"] = p.Point.Eigenvalues.Length == 0 ? 0 : p.Point.Eigenvalues.Max(e => e.Magnitude),
                ["readout_class"] = p.ReadoutClass,
                ["nearest_class"] = p.NearestClass,
                ["centroid_distance"] = double.IsFinite(p.CentroidDistance) ? p.CentroidDistance : null,
                ["initial_state"] = p.Point.InitialState,
            });
        return new JsonObject
        {
            ["input"] = input,
            ["tol_q"] = options.TolQ,
            ["initial_states"] = result.InitialStates,
            ["excluded_initial_states"] = result.ExcludedInitialStates,
            ["excluded_points"] = result.ExcludedPoints,
            ["duplicates_merged"] = result.DuplicatesMerged,
            ["iterations"] = result.Iterations,
            ["polish_steps"] = result.PolishSteps,
            ["converged_states"] = result.ConvergedStates,
            ["unique_dropped"] = result.UniqueDropped,
            ["seconds"] = new JsonObject
            {
                ["descent"] = result.Times.Descent, ["polish"] = result.Times.Polish, ["merge"] = result.Times.Merge, ["classify"] = result.Times.Classify,
            },
            ["saddles_by_unstable_directions"] = saddles,
            ["slow_points_by_stability"] = new JsonObject
            {
                ["stable"] = slow.Count(p => p.Point.Stability == FixedPointStability.Stable),
                ["saddle"] = slow.Count(p => p.Point.Stability == FixedPointStability.Saddle),
                ["unstable"] = slow.Count(p => p.Point.Stability == FixedPointStability.Unstable),
            },
            ["smallest_q"] = points.Count == 0 ? null : points.Min(p => p.Point.Q),
            ["by_readout_class"] = byClass,
            ["readout_agrees_with_nearest_centroid"] = withClasses.Count == 0 ? null : (double)withClasses.Count(p => p.ReadoutClass == p.NearestClass) / withClasses.Count,
            ["points"] = list,
        };
    }
}
