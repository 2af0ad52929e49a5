using System.Globalization;
using System.Text.Json;

namespace Resonance.Sparks;

/// <summary>
/// A saved spark simulation: the resolved experiment, the state (weights, memory field, activations, positions,
/// sparks) and the move stream's random state, so that <see cref="SparkSimulation.Restore"/> continues it exactly.
/// </summary>
/// <remarks>
/// On disk a snapshot is a NumPy <c>.npz</c>: <c>weights.npy</c> <c>(N, N)</c> float32, <c>memory.npy</c> <c>(N)</c>,
/// <c>activations.npy</c> <c>(N)</c>, <c>positions.npy</c> <c>(N, 2)</c>, <c>sparks.npy</c> <c>(S)</c> int32,
/// <c>move_stream.npy</c> (uint8, the torch generator state, when saved on the CPU), plus <c>config.yaml</c> and
/// <c>state.json</c> (step, device of the move stream, format version).
/// </remarks>
/// <param name="Experiment">The experiment in force when saved.</param>
/// <param name="State">The state at <see cref="SparkFrame.Step"/>.</param>
/// <param name="MoveStreamState">The move generator's state; null when it could not be read (CUDA).</param>
/// <param name="MoveStreamDevice">The device type the move stream ran on (<c>cpu</c>, <c>cuda</c>).</param>
public sealed record SparkSnapshot(SparkExperiment Experiment, SparkFrame State, byte[]? MoveStreamState, string MoveStreamDevice)
{
    const int FormatVersion = 1;

    /// <summary>Writes the snapshot atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        int n = State.Neurons;
        var arrays = new Dictionary<string, NpzArchive.Array>
        {
            ["weights"] = NpzArchive.Array.Of(State.Weights, n, n),
            ["memory"] = NpzArchive.Array.Of(State.Memory, n),
            ["activations"] = NpzArchive.Array.Of(State.Activations, n),
            ["positions"] = NpzArchive.Array.Of(State.Positions, n, 2),
            ["sparks"] = NpzArchive.Array.Of(State.Sparks, State.SparkCount),
        };
        if (MoveStreamState is not null)
            arrays["move_stream"] = NpzArchive.Array.Of(MoveStreamState);
        string state = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["format_version"] = FormatVersion,
            ["step"] = State.Step,
            ["move_stream_device"] = MoveStreamDevice,
        });
        NpzArchive.Write(path, arrays, new Dictionary<string, string> { ["config.yaml"] = SparkConfig.ToYaml(Experiment), ["state.json"] = state });
    }

    /// <summary>Reads a snapshot written by <see cref="Save"/>.</summary>
    /// <exception cref="UserInputException">The file is missing, is not a snapshot, or its parts disagree.</exception>
    public static SparkSnapshot Load(string path)
    {
        var (arrays, texts) = NpzArchive.Read(path);
        foreach (string name in new[] { "weights", "memory", "activations", "positions", "sparks" })
            if (!arrays.ContainsKey(name))
                throw new UserInputException($"{path}: not a spark snapshot (no {name}.npy).");
        if (!texts.TryGetValue("config.yaml", out string? config) || !texts.TryGetValue("state.json", out string? stateJson))
            throw new UserInputException($"{path}: not a spark snapshot (no config.yaml or state.json).");
        var experiment = SparkConfig.Parse(config, $"{path}:config.yaml").Validate();
        using var state = JsonDocument.Parse(stateJson);
        int version = state.RootElement.GetProperty("format_version").GetInt32();
        if (version != FormatVersion)
            throw new UserInputException($"{path}: snapshot format {version.ToString(CultureInfo.InvariantCulture)} is not supported (expected {FormatVersion}).");
        var frame = new SparkFrame(
            state.RootElement.GetProperty("step").GetInt64(),
            Activations: arrays["activations"].AsFloats("activations"),
            Weights: arrays["weights"].AsFloats("weights"),
            Memory: arrays["memory"].AsFloats("memory"),
            Positions: arrays["positions"].AsFloats("positions"),
            Sparks: arrays["sparks"].AsInts("sparks"),
            Measures: null);
        frame.CheckShape(experiment.Sparks.Neurons, experiment.Sparks.SparkCount);
        return new SparkSnapshot(
            experiment, frame,
            arrays.TryGetValue("move_stream", out var stream) ? stream.AsBytes("move_stream") : null,
            state.RootElement.GetProperty("move_stream_device").GetString() ?? "cpu");
    }
}
