using Resonance.Runs;
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
/// A checkpoint file: a header naming the format, the <see cref="TrainerState"/> as JSON, the model's
/// state dict and the optimiser's state. Written atomically (see <see cref="AtomicFile"/>).
/// </summary>
/// <remarks>
/// Format 2 holds no generator state: nothing in a run draws from torch's global generator (see
/// <see cref="Runtime.RandomStreams"/>). Format 1 files, which end with the global generator's state, still load; that
/// entry is read past and left unused.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The state as JSON; a metric that became infinite (a validation loss that overflowed) is written as a named literal.</summary>
    static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    const string Format = "resonance-checkpoint/2";
    const string FormatWithGlobalGenerator = "resonance-checkpoint/1";

    /// <summary>Saves model, optimiser and state to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, TrainerState state, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Format);
            writer.Write(JsonSerializer.Serialize(state, StateJson));
            model.save(writer);
            optimizer.save_state_dict(writer);
        });
    }

    /// <summary>Loads a checkpoint (format 2, or format 1 with its generator state skipped) into <paramref name="model"/>
    /// and <paramref name="optimizer"/>, and returns the state.</summary>
    /// <exception cref="UserInputException">The file is missing, of another format, or does not match the model.</exception>
    public static TrainerState Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no checkpoint; the run saved none yet, so start it again with resonance run.");
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            string format = reader.ReadString();
            if (format is not (Format or FormatWithGlobalGenerator))
                throw new UserInputException($"{path}: not a Resonance checkpoint ({Format}).");
            var state = JsonSerializer.Deserialize<TrainerState>(reader.ReadString(), StateJson)
                ?? throw new UserInputException($"{path}: the checkpoint header is empty.");
            model.load(reader);
            optimizer.load_state_dict(reader);
            if (format == FormatWithGlobalGenerator)
                SkipGlobalGeneratorState(reader);
            return state;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or JsonException or ArgumentException)
        {
            throw new UserInputException($"{path}: the checkpoint is damaged or does not match this model ({e.Message}); " +
                "delete it to restart from the previous one, or start the run again.", e);
        }
    }

    /// <summary>Reads past a format 1 file's trailing entry: the global generator's state as a length and bytes.</summary>
    static void SkipGlobalGeneratorState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (reader.ReadBytes(length).Length != length)
            throw new EndOfStreamException("the generator state entry is cut short");
    }
}
