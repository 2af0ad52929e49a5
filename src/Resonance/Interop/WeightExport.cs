using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Models;
using Resonance.Runs;
using static TorchSharp.torch;

namespace Resonance.Interop;

/// <summary>What <see cref="WeightExport.Write"/> wrote.</summary>
/// <param name="WeightsPath">The weights file.</param>
/// <param name="SidecarPath">The JSON sidecar, <c>WEIGHTS.json</c>.</param>
/// <param name="Layout">The names and shapes written.</param>
public sealed record ExportedWeights(string WeightsPath, string SidecarPath, PyTorchLayout Layout);

/// <summary>
/// Writes a model's weights under PyTorch's names (<see cref="PyTorchLayout"/>) in one of the
/// <see cref="WeightFormat"/>s, with a JSON sidecar beside it (<c>FILE.json</c>): the model type and options, the
/// sizes a PyTorch user needs to build the matching module, and the name mapping.
/// </summary>
public static class WeightExport
{
    /// <summary>The sidecar's <c>format</c> value.</summary>
    public const string SidecarFormat = "resonance-weights/1";

    /// <summary>Writes the weights and the sidecar, each atomically.</summary>
    /// <param name="model">The model (any device).</param>
    /// <param name="modelType">Its <c>model.type</c>.</param>
    /// <param name="options">Its bound options record (written as JSON).</param>
    /// <param name="path">The weights file; the sidecar is <c>path + ".json"</c>.</param>
    /// <param name="format">The file format.</param>
    /// <param name="source">Where the weights came from (run folder and checkpoint), for the sidecar; may be null.</param>
    /// <exception cref="UserInputException">A fused LSTM to be read by PyTorch (see docs/interop.md: its logits disagree with
    /// <c>torch.nn.LSTM</c> on the same weights, an open finding).</exception>
    public static ExportedWeights Write(SequenceModel model, string modelType, object options, string path, WeightFormat format, string? source = null)
    {
        if (model is FusedLstm && format != WeightFormat.Npz)
            throw new UserInputException($"model.type {modelType}: its logits disagree with torch.nn.LSTM's on the same weights " +
                "(by up to 0.16; an open finding, docs/interop.md), so it is not exported for PyTorch; retrain with model.type lstm " +
                "(the same layout, matching PyTorch to 1e-5), or export --format npz for Resonance itself.");
        var layout = PyTorchLayout.Of(model);
        var state = model.state_dict();
        WeightFile.Write(path, format, [.. layout.Tensors.Select(t => (t.ExportName, state[t.ResonanceName]))]);
        string sidecar = path + ".json";
        AtomicFile.WriteAllText(sidecar, Sidecar(model, modelType, options, layout, Path.GetFileName(path), format, source).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new(path, sidecar, layout);
    }

    /// <summary>The options as the YAML binder writes them (the keys of <c>model:</c>), as JSON: numbers and true/false as such.</summary>
    static JsonNode? ToJson(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlDotNet.RepresentationModel.YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlDotNet.RepresentationModel.YamlScalarNode)pair.Key).Value!, ToJson(pair.Value)))),
        YamlDotNet.RepresentationModel.YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlDotNet.RepresentationModel.YamlScalarNode { Value: var text } =>
            text is null or "null" or "~" ? null
            : text is "true" or "false" ? JsonValue.Create(text == "true")
            : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number) ? JsonValue.Create(number)
            : JsonValue.Create(text),
        _ => null,
    };

    static JsonObject Sidecar(SequenceModel model, string modelType, object options, PyTorchLayout layout, string file, WeightFormat format, string? source)
    {
        var shape = model.Shape;
        var tensors = new JsonArray();
        foreach (var t in layout.Tensors)
            tensors.Add(new JsonObject { ["name"] = t.ExportName, ["resonance_name"] = t.ResonanceName, ["shape"] = new JsonArray([.. t.Shape.Select(d => JsonValue.Create(d))]) });
        var sidecar = new JsonObject
        {
            ["format"] = SidecarFormat,
            ["file"] = file,
            ["file_format"] = format.ToString().ToLowerInvariant(),
            ["model_type"] = modelType,
            ["module"] = layout.Module,
            ["options"] = ToJson(Experiments.ConfigBinder.ToYaml(options)),
            ["input_size"] = shape.InputSize,
            ["output_size"] = shape.OutputSize,
            ["steps"] = shape.Steps,
            ["task"] = shape.Task.ToString().ToLowerInvariant(),
            ["dtype"] = "float32",
            ["tensors"] = tensors,
        };
        if (layout.IsTorchModule && options is RecurrentBaselineOptions baseline)
        {
            sidecar["hidden_size"] = baseline.Hidden;
            sidecar["num_layers"] = baseline.Layers;
            sidecar["batch_first"] = true;
            sidecar["readout"] = $"fc = torch.nn.Linear({baseline.Hidden}, {shape.OutputSize}) on " +
                (shape.Task == TaskKind.Classification ? "the top layer's output at the last step" : "the top layer's output at every step");
            sidecar["python"] = $"{layout.Module}({shape.InputSize}, {baseline.Hidden}, num_layers={baseline.Layers}, batch_first=True)" +
                "; load the keys without the fc. prefix into it and those with it (prefix removed) into fc, strict=True";
        }
        if (source is not null) sidecar["source"] = source;
        return sidecar;
    }
}
