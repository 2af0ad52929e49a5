using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>Settling time of one image's state sequence.</summary>
/// <param name="Iteration"><c>τ</c>: the iteration from which the state no longer changes within the window (1-based).</param>
/// <param name="Settled">Whether the state stopped changing before the window ended (<c>s_T = s_{T−1}</c>); when false,
/// <see cref="Iteration"/> is the window's length and the true settling time is later (or never).</param>
public readonly record struct Settling(int Iteration, bool Settled);

/// <summary>Measures of the network's activity over the iterations: firing rates, settling time and a branching ratio.</summary>
public static class DynamicsMeasures
{
    /// <summary>The mean firing rate of each layer at each iteration: spikes per unit, averaged over images and units.</summary>
    /// <param name="states"><c>(T, B, L·H)</c>, 0/1, bottom layer first.</param>
    /// <param name="layers"><c>L</c>.</param>
    /// <returns><c>[l][t]</c>.</returns>
    public static double[][] FiringRates(Tensor states, int layers)
    {
        using var scope = NewDisposeScope();
        long iterations = states.shape[0], batch = states.shape[1], hidden = states.shape[2] / layers;
        Tensor rates = states.reshape(iterations, batch, layers, hidden).mean([1L, 3L]).t().contiguous().cpu().to_type(ScalarType.Float64); // (L, T)
        double[] flat = rates.data<double>().ToArray();
        return [.. Enumerable.Range(0, layers).Select(l => flat.AsSpan(l * (int)iterations, (int)iterations).ToArray())];
    }

    /// <summary>Settling time of each image: with <c>cₜ = [sₜ ≠ sₜ₋₁]</c> for <c>t = 2..T</c> (any unit of any layer changed),
    /// <c>τ = max{t : cₜ}</c>, or 1 when the state never changes after the first iteration; settled when <c>c_T</c> is false.</summary>
    /// <param name="states"><c>(T, B, S)</c>.</param>
    public static Settling[] SettlingTimes(Tensor states)
    {
        using var scope = NewDisposeScope();
        long iterations = states.shape[0], batch = states.shape[1];
        if (iterations < 2) return [.. Enumerable.Repeat(new Settling(1, false), (int)batch)];
        Tensor changed = states.narrow(0, 1, iterations - 1).ne(states.narrow(0, 0, iterations - 1)).any(2L); // (T−1, B): c₂..c_T
        Tensor at = arange(2, iterations + 1, dtype: ScalarType.Int64, device: states.device).unsqueeze(1);          // (T−1, 1)
        long[] last = changed.to_type(ScalarType.Int64).mul(at).amax([0L]).clamp_min(1).cpu().data<long>().ToArray(); // (B)
        bool[] stillChanging = changed[-1].cpu().data<bool>().ToArray();
        return [.. last.Select((tau, b) => new Settling((int)tau, !stillChanging[b]))];
    }

    /// <summary>The branching ratio estimated from active-unit counts: <c>σ̂ = mean over (b, t) with A_b,ₜ &gt; 0, t &lt; T, of
    /// A_b,ₜ₊₁ / A_b,ₜ</c>, where <c>A_b,ₜ</c> is the number of units active at iteration <c>t</c> for image <c>b</c>.</summary>
    /// <remarks>The ratio of descendants to ancestors of Beggs &amp; Plenz (2003, J. Neurosci. 23:11167), taken over every active
    /// iteration rather than the first bin of each avalanche. <c>σ̂ = 1</c> is the critical value (activity neither grows nor dies
    /// out); in a net driven by a constant input a steady state also gives 1, so read it with the firing rates and settling times.</remarks>
    /// <param name="activeCounts"><c>(T, B)</c>: active units per iteration and image.</param>
    /// <returns>NaN when no iteration before the last has any activity.</returns>
    public static double BranchingRatio(Tensor activeCounts)
    {
        using var scope = NewDisposeScope();
        long iterations = activeCounts.shape[0];
        if (iterations < 2) return double.NaN;
        Tensor ancestors = activeCounts.narrow(0, 0, iterations - 1).to_type(ScalarType.Float64);   // (T−1, B)
        Tensor descendants = activeCounts.narrow(0, 1, iterations - 1).to_type(ScalarType.Float64); // (T−1, B)
        Tensor active = ancestors.gt(0);
        long pairs = active.sum().item<long>();
        if (pairs == 0) return double.NaN;
        return descendants.div(ancestors.clamp_min(1)).masked_select(active).sum().item<double>() / pairs;
    }

    /// <summary>Active units per iteration and image in one layer.</summary>
    /// <param name="states"><c>(T, B, L·H)</c>.</param>
    /// <param name="layer">0 = the first hidden layer.</param>
    /// <param name="layers"><c>L</c>.</param>
    /// <returns><c>(T, B)</c>.</returns>
    public static Tensor ActiveCounts(Tensor states, int layer, int layers)
    {
        long hidden = states.shape[2] / layers;
        return states.narrow(2, layer * hidden, hidden).sum(2L);
    }
}
