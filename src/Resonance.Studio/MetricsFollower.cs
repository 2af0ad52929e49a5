using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>
/// Follows one run's <c>metrics.jsonl</c> as it grows: each <see cref="ReadNew"/> returns the whole lines appended since
/// the last call, reading from a byte offset. A partial last line (the writer is mid-line) waits for its newline; a
/// malformed line is skipped; a file that became shorter (a resume rewrote it) is read again from the start.
/// </summary>
public sealed class MetricsFollower(string path)
{
    /// <summary>The most bytes read in one call (a huge file is sent in pieces, one per poll).</summary>
    public const int MaxBytesPerRead = 4 << 20;

    long offset;

    /// <summary>Whether the page was told where this run stands (its first message, even an empty one, went out).</summary>
    public bool Announced { get; set; }

    /// <summary>The number of lines returned so far (the index of the next line).</summary>
    public int LinesRead { get; private set; }

    /// <summary>The new complete lines, and the index of the first of them (0 after a restart from the top).</summary>
    public (int Start, List<JsonObject> Lines) ReadNew()
    {
        var lines = new List<JsonObject>();
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return (LinesRead, lines);
        }
        using (stream)
        {
            if (stream.Length < offset)
            {
                offset = 0;
                LinesRead = 0;
            }
            int start = LinesRead;
            long available = Math.Min(stream.Length - offset, MaxBytesPerRead);
            if (available <= 0) return (start, lines);
            var buffer = new byte[available];
            stream.Seek(offset, SeekOrigin.Begin);
            stream.ReadExactly(buffer);
            int lineStart = 0;
            for (int i = 0; i < buffer.Length; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                if (Parse(buffer.AsSpan(lineStart, i - lineStart)) is { } line) lines.Add(line);
                lineStart = i + 1;
            }
            if (lineStart == 0 && buffer.Length == MaxBytesPerRead)
                lineStart = buffer.Length; // one line longer than a whole read: skip it rather than stall
            offset += lineStart;
            LinesRead += lines.Count;
            return (start, lines);
        }
    }

    static JsonObject? Parse(ReadOnlySpan<byte> line)
    {
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty) return null;
        try
        {
            return JsonNode.Parse(Encoding.UTF8.GetString(line)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
