using Resonance.Runs;
using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Training;

/// <summary>Where training stands: enough, with the weights and optimiser, to continue exactly (every random draw of a
/// run comes from a stream derived from its seed, so there is no generator state to keep).</summary>
/// <param name="Epoch">The epoch in progress (0-based).</param>
/// <param name="BatchInEpoch">Batches of <see cref="Epoch"/> already trained.</param>
/// <param name="Step">Optimiser steps taken in all.</param>
/// <param name="BestMetric">Best validation metric so far (higher is better), or null.</param>
/// <param name="EpochsWithoutImprovement">For early stopping.</param>
/// <param name="TrainSeconds">Wall time spent training before this checkpoint.</param>
/// <param name="EpochSums">Loss and accuracy sums of the epoch in progress.</param>
/// <param name="WindowSums">Loss and accuracy sums since the last metrics line.</param>
/// <param name="LossSpikes">The loss-spike detector's memory (null before the first batch, or when it is off).</param>
public sealed record TrainerState(int Epoch, int BatchInEpoch, long Step, double? BestMetric, int EpochsWithoutImprovement, double TrainSeconds,
    RunningSums EpochSums, RunningSums WindowSums, LossSpikeState? LossSpikes = null)
{
    /// <summary>A fresh run.</summary>
    public static TrainerState Start => new(0, 0, 0, null, 0, 0, RunningSums.Zero, RunningSums.Zero);
}

/// <summary>Sums over examples for a mean loss and accuracy: <c>loss * size</c>, correct predictions, examples.</summary>
public sealed record RunningSums(double Loss, double Correct, double Seen)
{
    public static RunningSums Zero { get; } = new(0, 0, 0);
    public RunningSums Add(double loss, double correct, long size) => new(Loss + loss * size, Correct + correct, Seen + size);
    public double MeanLoss => Loss / Math.Max(1, Seen);
    public double Accuracy => Correct / Math.Max(1, Seen);
}

/// <summary>
/// A checkpoint file: a header naming the format, the length and SHA-256 of what follows, then the
/// <see cref="TrainerState"/> as JSON, the model's state dict and the optimiser's state. Written atomically (see
/// <see cref="AtomicFile"/>).
/// </summary>
/// <remarks>
/// The length and checksum (format 3) let a damaged file, cut short or with changed bytes, be refused before any of it
/// reaches TorchSharp. Formats 2 and 1 have no checksum and still load: format 2 is format 3 without the length and
/// checksum; format 1 also ends with the global generator's state, which is read past and left unused (nothing in a run
/// draws from torch's global generator, see <see cref="Runtime.RandomStreams"/>).
/// </remarks>
public static class Checkpoint
{
    /// <summary>The state as JSON; a metric that became infinite (a validation loss that overflowed) is written as a named literal.</summary>
    static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    const string Format = "resonance-checkpoint/3";
    const string FormatWithoutChecksum = "resonance-checkpoint/2";
    const string FormatWithGlobalGenerator = "resonance-checkpoint/1";
    const int ChecksumLength = 32;

    /// <summary>Saves model, optimiser and state to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, TrainerState state, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(JsonSerializer.Serialize(state, StateJson));
            model.save(writer);
            optimizer.save_state_dict(writer);
        }
        byte[] checksum = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Format);
            writer.Write(body.Length);
            writer.Write(checksum);
            writer.Write(body.GetBuffer(), 0, (int)body.Length);
        });
    }

    /// <summary>Loads a checkpoint (format 3, or format 2 or 1, see the remarks) into <paramref name="model"/> and
    /// <paramref name="optimizer"/>, and returns the state.</summary>
    /// <exception cref="UserInputException">The file is missing, empty, of another format, damaged, or does not match the
    /// model; the message names the file, what is wrong and what to do.</exception>
    public static TrainerState Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer) => LoadInto(path, model, optimizer);

    /// <summary>Loads only the model's weights from a checkpoint (analysis of a trained run); the optimiser's state that
    /// follows them is left unread. The same checks as <see cref="Load"/> apply.</summary>
    /// <returns>The trainer state stored with the weights (epoch, step).</returns>
    /// <exception cref="UserInputException">As <see cref="Load"/>.</exception>
    public static TrainerState LoadWeights(string path, nn.Module model) => LoadInto(path, model, null);

    static TrainerState LoadInto(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no checkpoint; the run saved none yet, so {StartAgain(path)}.");
        try
        {
            using var file = File.OpenRead(path);
            if (file.Length == 0)
                throw Damaged(path, "the file is empty (0 bytes)");
            using var reader = new BinaryReader(file);
            string format = ReadFormat(reader, path);
            if (format == Format)
            {
                using var body = ReadChecked(reader, path);
                using var bodyReader = new BinaryReader(body);
                return ReadBody(bodyReader, path, model, optimizer, format);
            }
            return ReadBody(reader, path, model, optimizer, format);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or JsonException or ArgumentException or
                                       FormatException or OverflowException or NotImplementedException or NotSupportedException or
                                       InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or
                                       OutOfMemoryException or System.Runtime.InteropServices.ExternalException)
        {
            throw Damaged(path, $"damaged or does not match this model ({e.Message.Split('\n')[0].Trim()})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot be read ({e.Message.Split('\n')[0].Trim()}); make it readable, or {StartAgain(path)}.", e);
        }
    }

    static TrainerState ReadBody(BinaryReader reader, string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, string format)
    {
        var state = JsonSerializer.Deserialize<TrainerState>(reader.ReadString(), StateJson)
            ?? throw Damaged(path, "the trainer state in it is empty");
        if (Problem(state) is { } problem)
            throw Damaged(path, $"its trainer state {problem}");
        model.load(reader);
        if (optimizer is null) return state;
        optimizer.load_state_dict(reader);
        if (format == FormatWithGlobalGenerator)
            SkipGlobalGeneratorState(reader);
        return state;
    }

    /// <summary>The format string at the start, read without trusting its length prefix.</summary>
    static string ReadFormat(BinaryReader reader, string path)
    {
        int length = reader.ReadByte();
        if (length is 0 or > 64)
            throw NotACheckpoint(path);
        byte[] text = reader.ReadBytes(length);
        string format = System.Text.Encoding.UTF8.GetString(text);
        if (text.Length != length || format is not (Format or FormatWithoutChecksum or FormatWithGlobalGenerator))
            throw NotACheckpoint(path);
        return format;
    }

    /// <summary>The body of a format 3 file, once its length and checksum agree with what is there.</summary>
    static MemoryStream ReadChecked(BinaryReader reader, string path)
    {
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (remaining < sizeof(long) + ChecksumLength)
            throw Damaged(path, $"it is cut short ({reader.BaseStream.Length} bytes, too few for its header)");
        long length = reader.ReadInt64();
        byte[] checksum = reader.ReadBytes(ChecksumLength);
        remaining -= sizeof(long) + ChecksumLength;
        if (length != remaining)
            throw Damaged(path, length > remaining || length < 0
                ? $"it is cut short ({remaining} of {length} bytes after its header)"
                : $"it has {remaining - length} bytes more than it wrote");
        byte[] body = reader.ReadBytes((int)length);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(checksum))
            throw Damaged(path, "its contents do not match their checksum (bytes were changed after it was written)");
        return new MemoryStream(body, writable: false);
    }

    /// <summary>What is impossible about a state read back (negative counts, a non-finite time), or null.</summary>
    static string? Problem(TrainerState state)
    {
        if (state.Epoch < 0 || state.BatchInEpoch < 0 || state.Step < 0 || state.EpochsWithoutImprovement < 0)
            return $"has a negative count (epoch {state.Epoch}, batch {state.BatchInEpoch}, step {state.Step})";
        if (!double.IsFinite(state.TrainSeconds) || state.TrainSeconds < 0)
            return $"has train time {state.TrainSeconds}";
        if (state.EpochSums is null || state.WindowSums is null)
            return "has no running sums";
        return null;
    }

    static UserInputException NotACheckpoint(string path) =>
        new($"{path}: not a Resonance checkpoint (it does not start with {Format}); {StartAgain(path)}.");

    static UserInputException Damaged(string path, string what, Exception? inner = null) =>
        inner is null
            ? new($"{path}: the checkpoint is {(what.StartsWith("damaged", StringComparison.Ordinal) ? what : "damaged: " + what)}; {StartAgain(path)}.")
            : new($"{path}: the checkpoint is {what}; {StartAgain(path)}.", inner);

    /// <summary>The advice that ends every message: start the run again, from its own config when the file is in a run.</summary>
    static string StartAgain(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        string? run = folder is not null && Path.GetFileName(folder) == "checkpoints" ? Path.GetDirectoryName(folder) : null;
        return run is not null && File.Exists(Path.Combine(run, "config.yaml"))
            ? $"start the run again with resonance run {Path.Combine(run, "config.yaml")} --out NEW_DIR"
            : "start the run again";
    }

    /// <summary>Reads past a format 1 file's trailing entry: the global generator's state as a length and bytes.</summary>
    static void SkipGlobalGeneratorState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (reader.ReadBytes(length).Length != length)
            throw new EndOfStreamException("the generator state entry is cut short");
    }
}
