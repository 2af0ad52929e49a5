using Resonance.Runs;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Resonance.Training;

namespace Resonance.Sparks;

/// <summary>
/// A minimal NumPy <c>.npz</c> reader and writer (a zip of <c>.npy</c> files, format 1.0, little-endian, C order) for
/// the arrays of a snapshot, so <c>numpy.load</c> opens them too. Non-array members (text) are allowed beside them.
/// </summary>
internal static partial class NpzArchive
{
    /// <summary>One array: its NumPy dtype (<c>&lt;f4</c>, <c>&lt;i4</c>, <c>|u1</c>), shape and raw little-endian bytes.</summary>
    public sealed record Array(string Dtype, long[] Shape, byte[] Data)
    {
        public static Array Of(float[] values, params long[] shape) => new("<f4", shape, ToBytes<float>(values));
        public static Array Of(int[] values, params long[] shape) => new("<i4", shape, ToBytes<int>(values));
        public static Array Of(double[] values, params long[] shape) => new("<f8", shape, ToBytes<double>(values));
        public static Array Of(byte[] values) => new("|u1", [values.Length], values);

        /// <exception cref="UserInputException">The dtype is not <c>&lt;f4</c>.</exception>
        public float[] AsFloats(string file, string name) => Cast<float>(file, name, "<f4");

        /// <exception cref="UserInputException">The dtype is not <c>&lt;i4</c>.</exception>
        public int[] AsInts(string file, string name) => Cast<int>(file, name, "<i4");

        /// <exception cref="UserInputException">The dtype is not <c>|u1</c>.</exception>
        public byte[] AsBytes(string file, string name) => Cast<byte>(file, name, "|u1");

        T[] Cast<T>(string file, string name, string dtype) where T : unmanaged
        {
            if (Dtype != dtype)
                throw new UserInputException($"{file}: {name}.npy has dtype {Dtype}, expected {dtype}; {DamagedFix}");
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Data).ToArray();
        }

        static byte[] ToBytes<T>(T[] values) where T : unmanaged =>
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    /// <summary>What to do about a damaged snapshot, the end of every message about one.</summary>
    internal const string DamagedFix = "continue from an earlier snapshots/step-*.npz of the run, or start a new run";

    public static void Write(string path, IReadOnlyDictionary<string, Array> arrays, IReadOnlyDictionary<string, string> texts)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("snapshots are written little-endian");
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, array) in arrays)
            {
                using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Fastest).Open();
                entry.Write(Header(array));
                entry.Write(array.Data);
            }
            foreach (var (name, text) in texts)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        });
    }

    /// <summary>Reads every member: <c>.npy</c> ones as arrays, the rest as UTF-8 text.</summary>
    /// <exception cref="UserInputException">The file is missing, not a zip (or cut short), or holds a broken <c>.npy</c>.</exception>
    public static (Dictionary<string, Array> Arrays, Dictionary<string, string> Texts) Read(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such snapshot file.");
        var arrays = new Dictionary<string, Array>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                using var memory = new MemoryStream();
                using (var stream = entry.Open()) stream.CopyTo(memory);
                byte[] bytes = memory.ToArray();
                if (entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    arrays[entry.FullName[..^4]] = ParseNpy(bytes, path, entry.FullName);
                else
                    texts[entry.FullName] = Encoding.UTF8.GetString(bytes);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new UserInputException($"{path}: not a snapshot (.npz) file ({e.Message.Split('\n')[0].Trim()}); {DamagedFix}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message.Split('\n')[0].Trim()}); give a snapshot you may read.", e);
        }
        return (arrays, texts);
    }

    // Magic, version 1.0, header length (uint16), then a Python dict literal padded with spaces to a multiple of 64.
    internal static byte[] Header(Array array)
    {
        string shape = array.Shape.Length == 1
            ? $"({array.Shape[0]},)"
            : "(" + string.Join(", ", array.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{array.Dtype}', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new byte[10 + header.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.GetBytes((ushort)header.Length).CopyTo(bytes, 8);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        return bytes;
    }

    /// <summary>The sizes in a .npy header's shape text (<c>3, 4</c>) and their product, or null when it is not a list of sizes;
    /// the product is capped just above <paramref name="dataLength"/> so a huge shape cannot overflow.</summary>
    internal static (long[] Dims, long Count)? NpyShape(string shapeText, long dataLength)
    {
        var dims = new List<long>();
        foreach (string dimension in shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(dimension, NumberStyles.None, CultureInfo.InvariantCulture, out long size) || size > int.MaxValue)
                return null;
            dims.Add(size);
        }
        long count = 1;
        foreach (long size in dims)
            count = count == 0 || size == 0 ? 0 : count > dataLength / size ? dataLength + 1 : count * size;
        return ([.. dims], count);
    }

    // The header is checked before anything is read by it: magic, version, a length inside the member, a known dtype,
    // non-negative dimensions, and exactly the data bytes the shape asks for.
    static Array ParseNpy(byte[] bytes, string path, string name)
    {
        UserInputException Broken(string what) => new($"{path}: {name} {what}; {DamagedFix}");
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw Broken("is not a .npy array (no NUMPY magic)");
        int major = bytes[6];
        if (major is not (1 or 2 or 3))
            throw Broken($"has .npy version {major}, expected 1, 2 or 3");
        int start = major == 1 ? 10 : 12;
        long headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : bytes.Length >= 12 ? BitConverter.ToUInt32(bytes, 8) : long.MaxValue;
        if (headerLength > bytes.Length - start)
            throw Broken($"has a .npy header longer than the member ({bytes.Length} bytes)");
        string header = Encoding.ASCII.GetString(bytes, start, (int)headerLength);
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw Broken($"has an unsupported .npy header: {Printable(header)}");
        int itemSize = descr.Groups[1].Value switch { "<f4" or "<i4" => 4, "|u1" => 1, "<f8" or "<i8" => 8, _ => 0 };
        if (itemSize == 0)
            throw Broken($"has dtype {Printable(descr.Groups[1].Value)}, which no snapshot array has");
        long dataLength = bytes.Length - start - headerLength;
        if (NpyShape(shape.Groups[1].Value, dataLength) is not { } parsed)
            throw Broken($"has a .npy shape that is not a list of sizes: ({Printable(shape.Groups[1].Value)})");
        var (dims, count) = parsed;
        if (count * itemSize != dataLength)
            throw Broken($"has shape ({string.Join(", ", dims)}) but {dataLength} bytes of data, which do not fit it (cut short or padded)");
        return new Array(descr.Groups[1].Value, dims.ToArray(), bytes[(int)(start + headerLength)..]);
    }

    /// <summary>Text from a damaged file, safe for a one-line message: control characters shown as <c>?</c>, at most 80 characters.</summary>
    static string Printable(string text)
    {
        string line = new(text.Trim().Select(c => char.IsControl(c) || c > '~' ? '?' : c).ToArray());
        return line.Length > 80 ? line[..80] + "..." : line;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
