using System.Globalization;
using System.Text;

namespace Resonance.Runs;

/// <summary>A table of a study's results: a title, column names and rows of formatted cells, written as Markdown and CSV.</summary>
/// <param name="Slug">File-name part (<c>table-{slug}.csv</c>); the first table of a study is also <c>table.csv</c>.</param>
/// <param name="Title">Heading in <c>table.md</c>.</param>
/// <param name="Columns">Column names.</param>
/// <param name="Rows">Cells, one array per row, as long as <paramref name="Columns"/>.</param>
/// <param name="Notes">Lines printed under the table in Markdown.</param>
public sealed record StudyTable(string Slug, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string>? Notes = null)
{
    /// <summary>A GitHub-flavoured Markdown table with its title as a heading and its notes below.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("## ").AppendLine(Title).AppendLine();
        text.Append("| ").AppendJoin(" | ", Columns).AppendLine(" |");
        text.Append('|').AppendJoin("|", Columns.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in Rows)
            text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|"))).AppendLine(" |");
        if (Notes is { Count: > 0 })
        {
            text.AppendLine();
            foreach (string note in Notes) text.AppendLine(note).AppendLine();
        }
        return text.ToString();
    }

    /// <summary>RFC 4180 CSV with a header row.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.AppendJoin(",", Columns.Select(Quote)).Append('\n');
        foreach (var row in Rows)
            text.AppendJoin(",", row.Select(Quote)).Append('\n');
        return text.ToString();
    }

    static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    /// <summary>A number with <paramref name="decimals"/> decimals (invariant), or <c>—</c> for NaN.</summary>
    public static string Number(double value, int decimals = 3) =>
        double.IsNaN(value) ? "—" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A setting as people write it: <c>0.01</c>, <c>1e-6</c>.</summary>
    public static string Compact(double value) =>
        value != 0 && Math.Abs(value) < 1e-3 ? value.ToString("0.##e0", CultureInfo.InvariantCulture) : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A whole number (invariant).</summary>
    public static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);
}
