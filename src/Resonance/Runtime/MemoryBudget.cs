using System.Globalization;

namespace Resonance.Runtime;

/// <summary>One size key of an experiment that sets how much memory it needs.</summary>
/// <param name="Key">The key as written in the file (<c>model.hidden</c>); for a list, the list's key.</param>
/// <param name="Value">Its value (for a list, the largest entry).</param>
/// <param name="Typical">A usual value, to tell which key is out of proportion when several are large.</param>
/// <param name="Minimum">The smallest value the key accepts.</param>
/// <param name="BytesAt">The estimated bytes with this key at a given value and every other key as given; never decreasing.</param>
public sealed record SizeKey(string Key, long Value, long Typical, long Minimum, Func<long, double> BytesAt);

/// <summary>
/// The memory this process may use, and the refusal of sizes whose estimated memory exceeds it, made before anything is
/// allocated: one line naming the key, the estimate, the machine's memory and the largest value that fits.
/// </summary>
/// <remarks>Estimates are meant to be right within a factor of a few and to err on the side of needing more; the sizes the
/// shipped experiments use need a few hundred MiB at most.</remarks>
public static class MemoryBudget
{
    /// <summary>The memory this process may use: the machine's physical memory, or the container's limit where lower.</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Refuses the sizes when together they need more than <paramref name="budgetBytes"/>.</summary>
    /// <param name="sizes">Every size key; each one's <see cref="SizeKey.BytesAt"/> at its own value gives the total estimate.</param>
    /// <param name="budgetBytes">The memory to fit in (usually <see cref="AvailableBytes"/>).</param>
    /// <exception cref="UserInputException">The estimate exceeds the budget; the message blames the key most out of proportion
    /// with its usual value that can be made to fit, and gives the largest value that does.</exception>
    public static void Ensure(IReadOnlyList<SizeKey> sizes, long budgetBytes)
    {
        if (sizes.Count == 0) return;
        double need = sizes[0].BytesAt(sizes[0].Value);
        if (need <= budgetBytes) return;
        var byProportion = sizes.OrderByDescending(s => (double)s.Value / Math.Max(1, s.Typical)).ToList();
        foreach (var size in byProportion)
            if (LargestThatFits(size, budgetBytes) is long largest)
                throw new UserInputException(
                    $"{size.Key}: {Whole(size.Value)} needs about {Bytes(need)} of memory, more than this machine's {Bytes(budgetBytes)}; " +
                    $"the largest that fits is {Whole(largest)}.");
        var worst = byProportion[0];
        throw new UserInputException(
            $"{worst.Key}: {Whole(worst.Value)} needs about {Bytes(need)} of memory, more than this machine's {Bytes(budgetBytes)}; " +
            $"the largest that fits is none: even {Whole(worst.Minimum)} needs too much with the other sizes as given ({string.Join(", ", sizes.Select(s => $"{s.Key} = {Whole(s.Value)}"))}).");
    }

    /// <summary>The largest value of <paramref name="size"/> in [minimum, value] whose estimate fits, or null when none does.</summary>
    public static long? LargestThatFits(SizeKey size, long budgetBytes)
    {
        if (size.BytesAt(size.Minimum) > budgetBytes) return null;
        long low = size.Minimum, high = size.Value;   // BytesAt(low) fits; find the last value that does
        while (low < high)
        {
            long middle = low + (high - low + 1) / 2;
            if (size.BytesAt(middle) <= budgetBytes) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    /// <summary>A byte count for people: <c>512 MiB</c>, <c>1.6 TiB</c>.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1) { bytes /= 1024; unit++; }
        return unit == 0 ? $"{bytes.ToString("0", CultureInfo.InvariantCulture)} bytes"
            : $"{bytes.ToString(bytes < 10 ? "0.#" : "0", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);
}
