using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>An array read from a <c>.npy</c> file: its NumPy dtype (<c>&lt;f4</c> or <c>&lt;f8</c>), shape (C order) and values.</summary>
/// <param name="Dtype"><c>&lt;f4</c> (float32) or <c>&lt;f8</c> (float64).</param>
/// <param name="Shape">Sizes, outermost first; empty for a scalar.</param>
/// <param name="Data">The raw little-endian bytes, <c>count * itemsize</c> of them.</param>
public sealed record NpyArray(string Dtype, long[] Shape, byte[] Data)
{
    /// <summary>Elements (the product of <see cref="Shape"/>).</summary>
    public long Count => Shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>The values as float32 (float64 ones rounded).</summary>
    public float[] ToFloats() => Dtype == "<f4"
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Data).ToArray()
        : [.. ToDoubles().Select(v => (float)v)];

    /// <summary>The values as float64 (float32 ones widened exactly).</summary>
    public double[] ToDoubles() => Dtype == "<f8"
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(Data).ToArray()
        : [.. ToFloats().Select(v => (double)v)];

    /// <summary>A CPU tensor of the file's dtype and shape.</summary>
    public Tensor ToTensor() => Dtype == "<f4" ? tensor(ToFloats(), Shape) : tensor(ToDoubles(), Shape);
}

/// <summary>
/// Reads user data from a NumPy <c>.npy</c> file (versions 1, 2 and 3): float32 or float64, little-endian, in C order as
/// <c>numpy.save</c> writes them or in Fortran order (reordered to C order on reading). Anything else (another dtype, a broken
/// header, data that does not fill the shape) is refused with one line naming the file, what is wrong and the fix. The writer is <see cref="NpyFile"/>.
/// </summary>
public static partial class NpyReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="UserInputException">Missing, unreadable, or not a float32/float64 array.</exception>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such .npy file.");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message.Split('\n')[0].Trim()}); make it readable.", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="path"/> names it in messages.</summary>
    public static NpyArray Parse(byte[] bytes, string path)
    {
        UserInputException Bad(string what, string fix = "save it with numpy.save(FILE, np.ascontiguousarray(a, dtype=np.float32))") =>
            new($"{path}: {what}; {fix}.");
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw Bad("not a .npy file (it does not start with \\x93NUMPY)");
        int major = bytes[6];
        if (major is not (1 or 2 or 3))
            throw Bad($".npy format version {major}.{bytes[7]}, expected 1, 2 or 3");
        int start = major == 1 ? 10 : 12;
        if (bytes.Length < start)
            throw Bad("the .npy header is cut short");
        long headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToUInt32(bytes, 8);
        if (headerLength > bytes.Length - start)
            throw Bad($"the .npy header says {headerLength} bytes but the file has {bytes.Length - start} after it (cut short)");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, start, (int)headerLength);
        var descr = DescrPattern().Match(header);
        var order = OrderPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw Bad($"a .npy header without descr, fortran_order and shape: {Printable(header)}");
        string dtype = descr.Groups[1].Value;
        int itemSize = dtype switch { "<f4" => 4, "<f8" => 8, _ => 0 };
        if (itemSize == 0)
            throw Bad($"dtype {Printable(dtype)}, expected float32 (<f4) or float64 (<f8), little-endian", "convert it with a.astype(np.float32) before numpy.save");
        long dataLength = bytes.Length - start - headerLength;
        if (Sparks.NpzArchive.NpyShape(shape.Groups[1].Value, dataLength) is not { } parsed)
            throw Bad($"a .npy shape that is not a list of sizes: ({Printable(shape.Groups[1].Value)})");
        var (dims, count) = parsed;
        if (count * itemSize != dataLength)
            throw Bad($"shape ({string.Join(", ", dims)}) of {dtype} needs {count * itemSize} bytes of data but the file has {dataLength} (cut short or padded)");
        byte[] data = bytes[(int)(start + headerLength)..];
        if (order.Groups[1].Value == "True") data = ToRowMajor(data, [.. dims], itemSize);
        return new NpyArray(dtype, [.. dims], data);
    }

    /// <summary>The elements of a column-major (Fortran-order) array in row-major order: Julia's NPZ writes its arrays so, e.g.
    /// the data sets of DurstewitzLab's repositories.</summary>
    static byte[] ToRowMajor(byte[] data, long[] dims, int itemSize)
    {
        if (dims.Length < 2) return data;
        var result = new byte[data.Length];
        var strides = new long[dims.Length];                       // column-major strides, in elements
        strides[0] = 1;
        for (int j = 1; j < dims.Length; j++) strides[j] = strides[j - 1] * dims[j - 1];
        var index = new long[dims.Length];
        long count = data.Length / itemSize;
        for (long c = 0; c < count; c++)
        {
            long offset = 0;
            for (int j = 0; j < dims.Length; j++) offset += index[j] * strides[j];
            Buffer.BlockCopy(data, (int)(offset * itemSize), result, (int)(c * itemSize), itemSize);
            for (int j = dims.Length - 1; j >= 0 && ++index[j] == dims[j]; j--) index[j] = 0;   // next row-major index
        }
        return result;
    }

    static string Printable(string text)
    {
        string line = new(text.Trim().Select(c => char.IsControl(c) || c > '~' ? '?' : c).ToArray());
        return line.Length > 80 ? line[..80] + "..." : line;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order':\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
