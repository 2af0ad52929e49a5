using System.IO.Compression;

namespace Resonance.Tests.Runs;

/// <summary>Damaged copies of a file, the ways files get damaged: emptied, cut short, bytes flipped, replaced by noise.
/// Every variant is the same for the same input and seed.</summary>
internal static class DamagedFiles
{
    /// <summary>The file emptied, cut at every 1/16 of its length, with one byte flipped at each of
    /// <paramref name="flips"/> seeded positions, and replaced by seeded random bytes of the same length.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Variants(byte[] original, int seed, int flips = 8)
    {
        yield return ("empty", []);
        for (int sixteenth = 1; sixteenth < 16; sixteenth++)
        {
            int length = (int)((long)original.Length * sixteenth / 16);
            yield return ($"cut at {length} of {original.Length} bytes", original[..length]);
        }
        var random = new Random(seed);
        for (int flip = 0; flip < flips; flip++)
        {
            int position = random.Next(original.Length);
            byte[] copy = (byte[])original.Clone();
            copy[position] ^= (byte)(1 << random.Next(8));
            yield return ($"bit flipped at byte {position}", copy);
        }
        byte[] noise = new byte[original.Length];
        random.NextBytes(noise);
        yield return ("random bytes", noise);
    }

    /// <summary>The members of a zip (an .npz) by name.</summary>
    public static Dictionary<string, byte[]> ReadZip(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(entry => entry.FullName, entry =>
        {
            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        });
    }

    /// <summary>Writes <paramref name="members"/> as a zip (an .npz) at <paramref name="path"/>, replacing it.</summary>
    public static void WriteZip(string path, IReadOnlyDictionary<string, byte[]> members)
    {
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in members)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }

    /// <summary>A NumPy .npy array (format 1.0) with the given header dictionary and data.</summary>
    public static byte[] Npy(string dtype, string shape, byte[] data)
    {
        string dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}";
        string header = dict + new string(' ', (64 - (10 + dict.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0]);
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>The data of a .npy array written by Resonance (its header skipped).</summary>
    public static byte[] NpyData(byte[] npy) => npy[(10 + BitConverter.ToUInt16(npy, 8))..];

    /// <summary>Asserts the contract for a damaged input: exit 0 (harmless damage) or 2 with one line naming
    /// <paramref name="file"/>, never an internal error or a stack trace.</summary>
    public static void AssertRefusedOrHarmless(int code, string output, string file, string variant)
    {
        Assert.True(code is 0 or 2, $"{variant}: exit {code}\n{output}");
        Assert.DoesNotContain("   at ", output);
        if (code == 2)
            Assert.Contains($"error: {file}:", output);
    }
}
