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
        public static Array Of(byte[] values) => new("|u1", [values.Length], values);

        public float[] AsFloats(string name) => Cast<float>(name, "<f4");
        public int[] AsInts(string name) => Cast<int>(name, "<i4");
        public byte[] AsBytes(string name) => Cast<byte>(name, "|u1");

        T[] Cast<T>(string name, string dtype) where T : unmanaged
        {
            if (Dtype != dtype)
                throw new UserInputException($"snapshot: {name} has dtype {Dtype}, expected {dtype}.");
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Data).ToArray();
        }

        static byte[] ToBytes<T>(T[] values) where T : unmanaged =>
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

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
        catch (InvalidDataException e)
        {
            throw new UserInputException($"{path}: not a snapshot (.npz) file: {e.Message}", e);
        }
        return (arrays, texts);
    }

    // Magic, version 1.0, header length (uint16), then a Python dict literal padded with spaces to a multiple of 64.
    static byte[] Header(Array array)
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

    static Array ParseNpy(byte[] bytes, string path, string name)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new UserInputException($"{path}: {name} is not a .npy array.");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : (int)BitConverter.ToUInt32(bytes, 8);
        int start = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, start, headerLength);
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new UserInputException($"{path}: {name} has an unsupported .npy header: {header.Trim()}");
        long[] dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        return new Array(descr.Groups[1].Value, dims, bytes[(start + headerLength)..]);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
