namespace Resonance.Attractors;

/// <summary>The outcome of a capacity search.</summary>
/// <param name="Largest">The largest <c>P</c> that passed with every smaller tried <c>P</c> passing too (0 when the first failed).</param>
/// <param name="FirstFailure">The smallest tried <c>P</c> that failed, or null when every tried <c>P</c> passed (then
/// <paramref name="Largest"/> is only a lower bound).</param>
/// <param name="Tried">Every <c>P</c> evaluated and whether it passed.</param>
public sealed record CapacitySearchResult(int Largest, int? FirstFailure, IReadOnlyDictionary<int, bool> Tried);

/// <summary>
/// Finds the largest number of memories a rule handles: a coarse grid first, then rounds that try a few evenly spaced
/// <c>P</c> between the last pass and the first failure until they are neighbours. Each round is one call to the
/// evaluator, which gets all its <c>P</c> values at once (so it can batch them).
/// </summary>
public static class CapacitySearch
{
    /// <summary>Searches.</summary>
    /// <param name="grid">Coarse <c>P</c> values (any order; duplicates and values below 1 are dropped).</param>
    /// <param name="refinePoints">New <c>P</c> values per refinement round, &gt;= 1.</param>
    /// <param name="evaluate">Whether each given <c>P</c> passes, in the order given.</param>
    public static CapacitySearchResult Find(IEnumerable<int> grid, int refinePoints, Func<IReadOnlyList<int>, IReadOnlyList<bool>> evaluate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(refinePoints, 1);
        var tried = new SortedDictionary<int, bool>();
        void Evaluate(List<int> values)
        {
            if (values.Count == 0) return;
            var passed = evaluate(values);
            if (passed.Count != values.Count) throw new InvalidOperationException("the evaluator must answer once per P");
            for (int i = 0; i < values.Count; i++) tried[values[i]] = passed[i];
        }
        (int Low, int? High) Bracket()
        {
            int low = 0;
            foreach (var (p, pass) in tried)
            {
                if (!pass) return (low, p);
                low = p;
            }
            return (low, null);
        }

        Evaluate([.. grid.Where(p => p >= 1).Distinct().Order()]);
        var (lo, hi) = Bracket();
        while (hi is int high && high - lo > 1)
        {
            var next = Enumerable.Range(1, refinePoints)
                .Select(i => lo + (int)Math.Round(i * (high - lo) / (double)(refinePoints + 1)))
                .Where(p => p > lo && p < high && !tried.ContainsKey(p)).Distinct().ToList();
            if (next.Count == 0) next = [lo + 1];
            Evaluate(next);
            (lo, hi) = Bracket();
        }
        return new CapacitySearchResult(lo, hi, new Dictionary<int, bool>(tried));
    }
}
