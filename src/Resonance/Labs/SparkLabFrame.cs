using System.Buffers.Binary;
using Resonance.Sparks;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>
/// The spark lab's binary frame: everything the four panels and the measure charts draw at one step, little-endian, read
/// in the page with one <c>DataView</c> (and typed-array views, every block being aligned to its element size).
/// </summary>
/// <remarks>
/// <code>
/// offset  type      field
///  0      uint32    magic 0x4B505352 (the bytes "RSPK")
///  4      uint16    format version (2)
///  6      uint16    flags: 1 playing, 2 measures present, 4 layout enabled
///  8      float64   step
/// 16      float64   engine time of the publish, ms since the lab started
/// 24      uint32    N neurons
/// 28      uint32    S sparks
/// 32      uint32    K side of the weight panel (min(N, frame.weight_side))
/// 36      float32   weight max: cell value = byte / 255 * max
/// 40      uint32    number of measures M (14)
/// 44      float32   simulation steps per second lately (0 while paused)
/// 48      uint32    settings revision (one more after every edit or restore)
/// 52      uint32    byte offset of the weight panel
/// 56      uint32    byte offset of the measures
/// 60      uint32    total length in bytes
/// 64      float64   wall-clock time of the publish, ms since 1970-01-01 UTC (a page on the same machine subtracts it
///                   from its own clock for the engine-to-canvas latency)
/// 72      float32[N]    activations a
///  ..     float32[N]    memory field M
///  ..     float32[2N]   positions, x0, y0, x1, y1, ... in the unit square
///  ..     int32[S]      the neuron each spark sits at
///  ..     uint8[K*K]    W mean-pooled to K x K (row = from, column = to), quantised against its max
///  ..     float64[M]    measures, in the order of <see cref="MeasureNames"/> (NaN before the first), 8-byte aligned
/// </code>
/// At N = 1,024, S = 64, K = 256 a frame is 82,360 bytes. Version 2 added the wall-clock time (version 1 had a 64-byte header). The pooling and quantisation run as tensor ops on the lab thread.
/// </remarks>
public static class SparkLabFrame
{
    /// <summary>The first four bytes, "RSPK", as a little-endian uint32.</summary>
    public const uint Magic = 0x4B505352;

    /// <summary>The format version in bytes 4-5.</summary>
    public const ushort FormatVersion = 2;

    /// <summary>Bytes before the activations.</summary>
    public const int HeaderBytes = 72;

    /// <summary>Flag bits (bytes 6-7).</summary>
    [Flags]
    public enum Flags : ushort { None = 0, Playing = 1, Measured = 2, LayoutEnabled = 4 }

    /// <summary>The measures block, in order: the step they were taken at, then <see cref="SparkMeasures.ToMetrics"/>'s keys.</summary>
    public static IReadOnlyList<string> MeasureNames { get; } =
        ["measure_step", .. new SparkMeasures(0, new DiagonalBias(0, 0, 0), 0, 0, 0, 0, 0, 0, 0, [], new LayoutEvenness(0, 0, 0), 0).ToMetrics().Select(m => m.Key)];

    /// <summary>The frame length for these sizes.</summary>
    public static int Length(int neurons, int sparks, int side) => MeasuresOffset(neurons, sparks, side) + 8 * MeasureNames.Count;

    static int WeightsOffset(int neurons, int sparks) => HeaderBytes + 4 * (4 * neurons + sparks);

    static int MeasuresOffset(int neurons, int sparks, int side) => (WeightsOffset(neurons, sparks) + side * side + 7) / 8 * 8;

    /// <summary>Encodes the simulation's state; call it on the thread that owns the simulation.</summary>
    /// <param name="simulation">The state to send.</param>
    /// <param name="measures">The latest measures, or null.</param>
    /// <param name="weightSide">Largest weight panel side.</param>
    /// <param name="flags">Playing, measured (set here from <paramref name="measures"/>) and layout.</param>
    /// <param name="timeMs">Engine time of the publish.</param>
    /// <param name="stepsPerSecond">Recent simulation speed.</param>
    /// <param name="revision">Settings revision.</param>
    public static byte[] Encode(SparkSimulation simulation, SparkMeasures? measures, int weightSide, Flags flags, double timeMs, double stepsPerSecond, int revision)
    {
        using var scope = NewDisposeScope();
        int n = simulation.Options.Neurons, s = simulation.Options.SparkCount, k = Math.Min(n, weightSide);
        var frame = new byte[Length(n, s, k)];
        var span = frame.AsSpan();
        if (measures is not null) flags |= Flags.Measured;
        int weightsAt = WeightsOffset(n, s), measuresAt = MeasuresOffset(n, s, k);

        var vectors = cat([simulation.Activations, simulation.Memory, simulation.Positions.flatten()]).cpu();     // (4N) float32
        float[] values = vectors.data<float>().ToArray();
        Buffer.BlockCopy(values, 0, frame, HeaderBytes, 4 * values.Length);
        long[] sparks = simulation.Sparks.cpu().data<long>().ToArray();
        for (int i = 0; i < s; i++)
            BinaryPrimitives.WriteInt32LittleEndian(span[(HeaderBytes + 4 * (4 * n + i))..], (int)sparks[i]);

        var pooled = nn.functional.adaptive_avg_pool2d(simulation.Weights.view(1, 1, n, n), [k, k]).view(k, k);  // (K, K) cell means
        float max = pooled.max().item<float>();
        var quantised = max > 0 ? pooled.mul(Runtime.HeldScalars.Of(255.0 / max)).round_().clamp_(Runtime.HeldScalars.Of(0.0), Runtime.HeldScalars.Of(255.0)).to(ScalarType.Byte) : zeros(new long[] { k, k }, ScalarType.Byte);
        quantised.cpu().data<byte>().ToArray().CopyTo(span[weightsAt..]);

        double[] figures = measures is null ? Enumerable.Repeat(double.NaN, MeasureNames.Count).ToArray()
            : [measures.Step, .. measures.ToMetrics().Select(m => m.Value)];
        for (int i = 0; i < figures.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(span[(measuresAt + 8 * i)..], figures[i]);

        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)flags);
        BinaryPrimitives.WriteDoubleLittleEndian(span[8..], simulation.Step);
        BinaryPrimitives.WriteDoubleLittleEndian(span[16..], timeMs);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)n);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)s);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], (uint)k);
        BinaryPrimitives.WriteSingleLittleEndian(span[36..], max);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)MeasureNames.Count);
        BinaryPrimitives.WriteSingleLittleEndian(span[44..], (float)stepsPerSecond);
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], (uint)revision);
        BinaryPrimitives.WriteUInt32LittleEndian(span[52..], (uint)weightsAt);
        BinaryPrimitives.WriteUInt32LittleEndian(span[56..], (uint)measuresAt);
        BinaryPrimitives.WriteUInt32LittleEndian(span[60..], (uint)frame.Length);
        BinaryPrimitives.WriteDoubleLittleEndian(span[64..], (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds);
        return frame;
    }

    /// <summary>A frame read back (what the page does; used by tests and the benchmark).</summary>
    public sealed record Decoded(ushort Version, Flags Flags, long Step, double TimeMs, int Neurons, int SparkCount, int WeightSide, float WeightMax,
        float StepsPerSecond, int Revision, double WallClockMs, float[] Activations, float[] Memory, float[] Positions, int[] Sparks, byte[] Weights, double[] Measures);

    /// <summary>Reads a frame.</summary>
    /// <exception cref="FormatException">Not a spark lab frame.</exception>
    public static Decoded Decode(byte[] frame)
    {
        var span = frame.AsSpan();
        if (frame.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
            throw new FormatException("not a spark lab frame (no RSPK magic)");
        int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[24..]), s = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[28..]);
        int k = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[32..]), m = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[40..]);
        int weightsAt = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[52..]), measuresAt = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[56..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[60..]) != frame.Length || measuresAt + 8 * m != frame.Length)
            throw new FormatException("a spark lab frame of the wrong length");
        float[] Floats(int at, int count)
        {
            var values = new float[count];
            Buffer.BlockCopy(frame, at, values, 0, 4 * count);
            return values;
        }
        return new Decoded(
            BinaryPrimitives.ReadUInt16LittleEndian(span[4..]), (Flags)BinaryPrimitives.ReadUInt16LittleEndian(span[6..]),
            (long)BinaryPrimitives.ReadDoubleLittleEndian(span[8..]), BinaryPrimitives.ReadDoubleLittleEndian(span[16..]), n, s, k,
            BinaryPrimitives.ReadSingleLittleEndian(span[36..]), BinaryPrimitives.ReadSingleLittleEndian(span[44..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(span[48..]),
            BinaryPrimitives.ReadDoubleLittleEndian(span[64..]),
            Floats(HeaderBytes, n), Floats(HeaderBytes + 4 * n, n), Floats(HeaderBytes + 8 * n, 2 * n),
            Enumerable.Range(0, s).Select(i => BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan()[(HeaderBytes + 4 * (4 * n + i))..])).ToArray(),
            span.Slice(weightsAt, k * k).ToArray(),
            Enumerable.Range(0, m).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(frame.AsSpan()[(measuresAt + 8 * i)..])).ToArray());
    }
}
