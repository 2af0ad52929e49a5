using System.Globalization;
using System.Text;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>A multivariate time series: <c>T</c> rows of <c>D</c> variables, with the variables' names.</summary>
/// <param name="Names">One per column; <c>x1..xD</c> where the file had no header.</param>
/// <param name="Values"><c>(T, D)</c>, all finite.</param>
public sealed record Series(string[] Names, double[,] Values)
{
    /// <summary>Rows <c>T</c>.</summary>
    public int Length => Values.GetLength(0);
    /// <summary>Columns <c>D</c>.</summary>
    public int Dimension => Values.GetLength(1);

    /// <summary>The values as a CPU float64 tensor, <c>(T, D)</c>.</summary>
    public Tensor ToTensor()
    {
        var flat = new double[Values.Length];
        Buffer.BlockCopy(Values, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [Length, Dimension], dtype: ScalarType.Float64);
    }
}

/// <summary>Reads and writes user time series as CSV or <c>.npy</c>, <c>(T, D)</c>.</summary>
/// <remarks>
/// CSV: one row per time step, cells separated by commas or else by whitespace; an optional header row of names (a
/// first row with a cell that is not a number); blank lines and lines starting with <c>#</c> are skipped. <c>.npy</c>:
/// float32 or float64, C order, 1-D <c>(T)</c> or 2-D <c>(T, D)</c> (<see cref="NpyReader"/>). Every value must be finite.
/// Mistakes are refused with one line naming the file (and the line and column for CSV) and the fix.
/// </remarks>
public static class SeriesFile
{
    /// <summary>Reads a series from <paramref name="path"/>, by its extension (<c>.npy</c>, else CSV).</summary>
    /// <exception cref="UserInputException">Missing file, ragged rows, a cell that is not a number, NaN or infinity, a wrong shape or dtype.</exception>
    public static Series Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: no such file; name a .csv or .npy series.");
        return Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase) ? ReadNpy(path) : ReadCsv(path);
    }

    static Series ReadNpy(string path)
    {
        var array = NpyReader.Read(path);
        if (array.Shape.Length is not (1 or 2))
            throw new UserInputException($"{path}: an array of shape ({string.Join(", ", array.Shape)}), expected (T, D) or (T); " +
                "save one series as a 2-D array, time along the first axis.");
        long rows = array.Shape[0], columns = array.Shape.Length == 2 ? array.Shape[1] : 1;
        if (rows < 1 || columns < 1)
            throw new UserInputException($"{path}: an empty array of shape ({string.Join(", ", array.Shape)}); save at least one row and one column.");
        double[] flat = array.ToDoubles();
        var values = new double[rows, columns];
        for (long index = 0; index < flat.Length; index++)
        {
            if (!double.IsFinite(flat[index]))
                throw new UserInputException($"{path}: {Describe(flat[index])} at row {index / columns}, column {index % columns} (counting from 0); " +
                    "a series must be finite: fill or drop the gaps before reading.");
            values[index / columns, index % columns] = flat[index];
        }
        return new Series(DefaultNames((int)columns), values);
    }

    static Series ReadCsv(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message.Split('\n')[0].Trim()}); make it readable.", e);
        }
        string[]? names = null;
        var rows = new List<double[]>();
        int expected = 0, firstLine = 0;
        for (int index = 0; index < lines.Length; index++)
        {
            string line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] cells = Split(line);
            int number = index + 1;
            if (names is null && rows.Count == 0 && cells.Any(cell => !IsNumberLike(cell)))
            {
                names = [.. cells.Select(cell => cell.Trim().Trim('"'))];
                (expected, firstLine) = (cells.Length, number);
                continue;
            }
            if (expected == 0) (expected, firstLine) = (cells.Length, number);
            if (cells.Length != expected)
                throw new UserInputException($"{path} line {number}: {cells.Length} values, expected {expected} as on line {firstLine}; " +
                    "give every row the same number of columns (a ragged row).");
            var row = new double[cells.Length];
            for (int column = 0; column < cells.Length; column++)
            {
                string cell = cells[column].Trim();
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && !TryNonFinite(cell, out value))
                    throw new UserInputException($"{path} line {number}, column {column + 1}: '{Shorten(cell)}' is not a number; " +
                        "write plain numbers with a '.' decimal point (only the first row may hold names).");
                if (!double.IsFinite(value))
                    throw new UserInputException($"{path} line {number}, column {column + 1}: {Describe(value)}; " +
                        "a series must be finite: fill or drop the gaps before reading.");
                row[column] = value;
            }
            rows.Add(row);
        }
        if (rows.Count == 0)
            throw new UserInputException($"{path}: no rows of numbers; write one time step per line, its values separated by commas.");
        var values = new double[rows.Count, expected];
        for (int t = 0; t < rows.Count; t++)
            for (int d = 0; d < expected; d++) values[t, d] = rows[t][d];
        return new Series(names ?? DefaultNames(expected), values);
    }

    /// <summary>Writes <paramref name="series"/> as CSV (a header of names, then one row per step, shortest round-trip numbers), atomically.</summary>
    public static void WriteCsv(string path, Series series)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', series.Names));
        for (int t = 0; t < series.Length; t++)
        {
            for (int d = 0; d < series.Dimension; d++)
            {
                if (d > 0) text.Append(',');
                text.Append(series.Values[t, d].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Writes <paramref name="series"/> as a <c>(T, D)</c> <c>.npy</c> array of float32 or float64, atomically.</summary>
    public static void WriteNpy(string path, Series series, bool float32 = false)
    {
        var flat = new double[series.Values.Length];
        Buffer.BlockCopy(series.Values, 0, flat, 0, flat.Length * sizeof(double));
        if (float32) NpyFile.Write(path, [.. flat.Select(v => (float)v)], series.Length, series.Dimension);
        else NpyFile.Write(path, flat, series.Length, series.Dimension);
    }

    static string[] Split(string line) =>
        line.Contains(',') ? line.Split(',') : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    static bool IsNumberLike(string cell)
    {
        string trimmed = cell.Trim();
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || TryNonFinite(trimmed, out _) || trimmed.Length == 0;
    }

    static bool TryNonFinite(string cell, out double value)
    {
        value = cell.ToLowerInvariant() switch
        {
            "nan" or "-nan" or "+nan" => double.NaN,
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => 0,
        };
        return !double.IsFinite(value);
    }

    static string Describe(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";

    static string Shorten(string text) => text.Length > 30 ? text[..30] + "..." : text;

    static string[] DefaultNames(int count) => [.. Enumerable.Range(1, count).Select(i => $"x{i}")];
}
