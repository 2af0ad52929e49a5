using Resonance.Data;

namespace Resonance.Tests.Dynamics;

/// <summary><see cref="SeriesFile"/>: CSV and .npy series read back, and one-line errors for each kind of bad file.</summary>
public class SeriesFileTests
{
    [Fact]
    public void A_csv_with_a_header_reads_as_named_columns()
    {
        using var folder = new TempFolder();
        string path = folder.File("s.csv", "x,y\n1,2\n3.5,-4e-1\n");

        var series = SeriesFile.Read(path);

        Assert.Equal(["x", "y"], series.Names);
        Assert.Equal(new double[,] { { 1, 2 }, { 3.5, -0.4 } }, series.Values);
    }

    [Fact]
    public void A_whitespace_separated_file_without_a_header_gets_default_names()
    {
        using var folder = new TempFolder();
        string path = folder.File("s.txt", "# comment\n1 2 3\n\n4\t5  6\n");

        var series = SeriesFile.Read(path);

        Assert.Equal(["x1", "x2", "x3"], series.Names);
        Assert.Equal(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, series.Values);
    }

    [Fact]
    public void Csv_and_npy_written_by_the_writer_read_back_exactly()
    {
        using var folder = new TempFolder();
        var series = new Series(["a", "b"], new double[,] { { 0.1, 1e-300 }, { -2.5, Math.PI } });
        SeriesFile.WriteCsv(folder.Combine("s.csv"), series);
        SeriesFile.WriteNpy(folder.Combine("s.npy"), series);
        SeriesFile.WriteNpy(folder.Combine("f.npy"), series, float32: true);

        Assert.Equal(series.Values, SeriesFile.Read(folder.Combine("s.csv")).Values);
        Assert.Equal(series.Values, SeriesFile.Read(folder.Combine("s.npy")).Values);
        Assert.Equal((double)(float)Math.PI, SeriesFile.Read(folder.Combine("f.npy")).Values[1, 1]);
    }

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "line 3: 1 values, expected 2 as on line 1; give every row the same number of columns")]
    [InlineData("1,2\n3,abc\n", "line 2, column 2: 'abc' is not a number")]
    [InlineData("1,2\n3,nan\n", "line 2, column 2: NaN; a series must be finite")]
    [InlineData("1,2\n-inf,1\n", "line 2, column 1: -infinity; a series must be finite")]
    [InlineData("x,y\n", ": no rows of numbers")]
    public void A_bad_csv_is_refused_naming_the_file_the_line_and_the_fix(string text, string expected)
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.csv", text);

        var error = Assert.Throws<UserInputException>(() => SeriesFile.Read(path));

        Assert.StartsWith(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_three_dimensional_npy_is_refused_with_its_shape()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("cube.npy");
        NpyFile.Write(path, new double[8], 2, 2, 2);

        var error = Assert.Throws<UserInputException>(() => SeriesFile.Read(path));

        Assert.Equal($"{path}: an array of shape (2, 2, 2), expected (T, D) or (T); save one series as a 2-D array, time along the first axis.", error.Message);
    }

    [Fact]
    public void A_npy_holding_NaN_is_refused_with_its_row_and_column()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("gap.npy");
        NpyFile.Write(path, [1.0, 2, 3, double.NaN], 2, 2);

        var error = Assert.Throws<UserInputException>(() => SeriesFile.Read(path));

        Assert.Contains("NaN at row 1, column 1", error.Message);
    }

    [Fact]
    public void A_Fortran_order_series_reads_in_rows_and_integer_dtypes_are_refused_by_the_npy_reader()
    {
        using var folder = new TempFolder();
        string fortran = folder.Combine("f.npy"), integers = folder.Combine("i.npy");
        // (3, 2) in column-major order on disk: column 0 is 1, 2, 3 and column 1 is 10, 20, 30
        double[] columns = [1, 2, 3, 10, 20, 30];
        File.WriteAllBytes(fortran, Npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", [.. columns.SelectMany(BitConverter.GetBytes)]));
        NpyFile.Write(integers, [1, 2], 2, 1);

        var series = SeriesFile.Read(fortran);
        Assert.Equal(new double[,] { { 1, 10 }, { 2, 20 }, { 3, 30 } }, series.Values);
        Assert.Contains("dtype <i4, expected float32 (<f4) or float64 (<f8)", Assert.Throws<UserInputException>(() => SeriesFile.Read(integers)).Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<UserInputException>(() => SeriesFile.Read("/nonexistent/series.csv"));

        Assert.Equal("/nonexistent/series.csv: no such file; name a .csv or .npy series.", error.Message);
    }

    static byte[] Npy(string header, byte[] data)
    {
        string padded = header.PadRight(118) + "\n";                                           // 10 + 118 = 128-byte aligned
        byte[] head = [0x93, .. "NUMPY"u8.ToArray(), 1, 0, (byte)(padded.Length & 0xFF), (byte)(padded.Length >> 8)];
        return [.. head, .. System.Text.Encoding.ASCII.GetBytes(padded), .. data];
    }
}
