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

    /// <summary>Reads a snapshot written by <see cref="Save"/>, checking every part before anything uses it: the zip,
    /// each <c>.npy</c> header, <c>state.json</c>, the shapes against the config, that the values are finite and in
    /// [0, 1], that the sparks sit on neurons, and that the move stream's state is one libtorch accepts.</summary>
    /// <exception cref="UserInputException">The file is missing, is not a snapshot, is damaged, or its parts disagree;
    /// the message names the file, what is wrong and what to do.</exception>
    public static SparkSnapshot Load(string path)
    {
        var (arrays, texts) = NpzArchive.Read(path);
        UserInputException Damaged(string what) => new($"{path}: {what}; {NpzArchive.DamagedFix}");
        foreach (string name in new[] { "weights", "memory", "activations", "positions", "sparks" })
            if (!arrays.ContainsKey(name))
                throw Damaged($"not a spark snapshot (no {name}.npy)");
        if (!texts.TryGetValue("config.yaml", out string? config) || !texts.TryGetValue("state.json", out string? stateJson))
            throw Damaged("not a spark snapshot (no config.yaml or state.json)");
        var experiment = SparkConfig.Parse(config, $"{path}:config.yaml").Validate();
        var (step, moveStreamDevice) = ReadState(path, stateJson);

        int n = experiment.Sparks.Neurons, s = experiment.Sparks.SparkCount;
        string sizes = $"for the {n} neurons and {s} sparks of its config.yaml";
        NpzArchive.Array Shaped(string name, params long[] shape)
        {
            var array = arrays[name];
            if (!array.Shape.SequenceEqual(shape))
                throw Damaged($"{name}.npy has shape ({string.Join(", ", array.Shape)}), expected ({string.Join(", ", shape)}) {sizes}");
            return array;
        }
        float[] Unit(string name, params long[] shape)
        {
            float[] values = arrays[name].AsFloats(path, name);
            Shaped(name, shape);
            int bad = System.Array.FindIndex(values, v => !float.IsFinite(v));
            if (bad >= 0)
                throw Damaged($"{name}.npy holds {values[bad].ToString(CultureInfo.InvariantCulture)} at index {bad}; every value must be a finite number");
            bad = System.Array.FindIndex(values, v => v is < 0 or > 1);
            if (bad >= 0)
                throw Damaged($"{name}.npy holds {values[bad].ToString(CultureInfo.InvariantCulture)} at index {bad}, outside [0, 1] where a simulation keeps it");
            return values;
        }
        var sparks = arrays["sparks"].AsInts(path, "sparks");
        Shaped("sparks", s);
        int outside = System.Array.FindIndex(sparks, i => i < 0 || i >= n);
        if (outside >= 0)
            throw Damaged($"sparks.npy puts spark {outside} at neuron {sparks[outside]}, outside 0..{n - 1}");
        var frame = new SparkFrame(
            step,
            Activations: Unit("activations", n),
            Weights: Unit("weights", n, n),
            Memory: Unit("memory", n),
            Positions: Unit("positions", n, 2),
            Sparks: sparks,
            Measures: null);
        byte[]? moveStream = null;
        if (arrays.TryGetValue("move_stream", out var stream))
        {
            moveStream = stream.AsBytes(path, "move_stream");
            if (SparkSimulation.MoveStreamProblem(moveStream) is { } problem)
                throw Damaged($"move_stream.npy {problem}");
        }
        return new SparkSnapshot(experiment, frame, moveStream, moveStreamDevice);
    }

    /// <summary>Reads <c>state.json</c>: an object with an integer <c>format_version</c> (this one), an integer
    /// <c>step</c> at or above 0 and a string <c>move_stream_device</c>.</summary>
    static (long Step, string MoveStreamDevice) ReadState(string path, string stateJson)
    {
        UserInputException Damaged(string what) => new($"{path}: {what}; {NpzArchive.DamagedFix}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stateJson);
        }
        catch (JsonException e)
        {
            throw Damaged($"state.json is not valid JSON ({e.Message.Split('\n')[0].Trim()})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Damaged($"state.json is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object");
            long Integer(string key)
            {
                if (!root.TryGetProperty(key, out var value))
                    throw Damaged($"state.json has no {key}");
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
                    throw Damaged($"state.json's {key} is {Printable(value.GetRawText())}, expected a whole number");
                return number;
            }
            long version = Integer("format_version");
            if (version != FormatVersion)
                throw new UserInputException($"{path}: snapshot format {version.ToString(CultureInfo.InvariantCulture)} is not supported (expected {FormatVersion}); " +
                    "it was written by another version of resonance, so continue it with that version or start a new run.");
            long step = Integer("step");
            if (step < 0)
                throw Damaged($"state.json's step is {step.ToString(CultureInfo.InvariantCulture)}, expected 0 or more");
            if (!root.TryGetProperty("move_stream_device", out var device) || device.ValueKind != JsonValueKind.String)
                throw Damaged("state.json's move_stream_device is missing or not a string");
            return (step, device.GetString()!);
        }
    }

    static string Printable(string text)
    {
        string line = new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return line.Length > 40 ? line[..40] + "..." : line;
    }
}
