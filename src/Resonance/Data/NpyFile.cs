using Resonance.Runs;
using Resonance.Sparks;

namespace Resonance.Data;

/// <summary>Writes one NumPy <c>.npy</c> file (format 1.0, little-endian, C order) atomically, for arrays that Python
/// reads with <c>numpy.load</c> (the reader is <see cref="NpyReader"/>); the header is the one <see cref="NpzArchive"/> writes into snapshots.</summary>
public static class NpyFile
{
    /// <summary>Writes float32 values of <paramref name="shape"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The values do not fill the shape.</exception>
    public static void Write(string path, float[] values, params long[] shape) => Write(path, NpzArchive.Array.Of(values, shape));

    /// <summary>Writes int32 values of <paramref name="shape"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The values do not fill the shape.</exception>
    public static void Write(string path, int[] values, params long[] shape) => Write(path, NpzArchive.Array.Of(values, shape));

    /// <summary>Writes float64 values of <paramref name="shape"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The values do not fill the shape.</exception>
    public static void Write(string path, double[] values, params long[] shape) => Write(path, NpzArchive.Array.Of(values, shape));

    static void Write(string path, NpzArchive.Array array)
    {
        long count = array.Shape.Aggregate(1L, (product, size) => product * size);
        int itemSize = array.Dtype switch { "|u1" => 1, "<f8" => 8, _ => 4 };
        if (count * itemSize != array.Data.Length)
            throw new ArgumentException($"{Path.GetFileName(path)}: {array.Data.Length / itemSize} values do not fill the shape ({string.Join(", ", array.Shape)})");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy files are written little-endian");
        AtomicFile.Write(path, stream =>
        {
            stream.Write(NpzArchive.Header(array));
            stream.Write(array.Data);
        });
    }
}
