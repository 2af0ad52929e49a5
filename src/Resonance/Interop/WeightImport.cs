using Resonance.Models;
using static TorchSharp.torch;

namespace Resonance.Interop;

/// <summary>
/// Loads weights saved from PyTorch (or by <see cref="WeightExport"/>) into a model whose layout matches: every name of
/// <see cref="PyTorchLayout.Of"/> must be there with its shape, and no other name, as <c>load_state_dict(strict=True)</c>.
/// </summary>
public static class WeightImport
{
    /// <summary>Copies the tensors of <paramref name="path"/> into <paramref name="model"/> (converted to its dtype and device).</summary>
    /// <param name="model">The model built from the experiment.</param>
    /// <param name="path">A safetensors file, a <c>torch.save</c> state dict, or an .npz from <c>resonance export</c>.</param>
    /// <param name="describe">The model, for messages (<c>model.type lstm (hidden 128, layers 1)</c>).</param>
    /// <returns>The layout that was loaded.</returns>
    /// <exception cref="UserInputException">The file cannot be read, lacks a tensor, has one more, or one of another shape;
    /// the message names the tensor with its expected and found shapes.</exception>
    public static PyTorchLayout Load(SequenceModel model, string path, string describe)
    {
        var layout = PyTorchLayout.Of(model);
        var found = WeightFile.Read(path);
        try
        {
            var expected = layout.Tensors.ToDictionary(t => t.ExportName, StringComparer.Ordinal);
            foreach (var t in layout.Tensors)
            {
                if (!found.TryGetValue(t.ExportName, out var tensor))
                    throw new UserInputException($"{path}: no tensor {t.ExportName} (expected shape {Shape(t.Shape)}) for {describe}; " +
                        $"the file has {Names(found.Keys)}; export the matching {layout.Module} state dict (see the names in docs/interop.md).");
                if (!tensor.shape.SequenceEqual(t.Shape))
                    throw new UserInputException($"{path}: tensor {t.ExportName} has shape {Shape(tensor.shape)}, expected {Shape(t.Shape)} for {describe}; " +
                        "set model.hidden, model.layers (and the data) to the sizes the weights were trained with.");
                if (!tensor.is_floating_point())
                    throw new UserInputException($"{path}: tensor {t.ExportName} holds {tensor.dtype} values, expected floating point; save float weights.");
            }
            string? extra = found.Keys.FirstOrDefault(name => !expected.ContainsKey(name));
            if (extra is not null)
                throw new UserInputException($"{path}: tensor {extra} (shape {Shape(found[extra].shape)}) is not part of {describe}, which has {Names(expected.Keys)}; " +
                    "remove it from the state dict, or set model.layers to the layers it has.");
            var state = model.state_dict();
            using (no_grad())
                foreach (var t in layout.Tensors)
                {
                    var target = state[t.ResonanceName];
                    target.copy_(found[t.ExportName].to(target.dtype, target.device));
                }
            return layout;
        }
        finally
        {
            foreach (var tensor in found.Values) tensor.Dispose();
        }
    }

    static string Shape(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";

    static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "no tensors" : string.Join(", ", list.Take(8)) + (list.Count > 8 ? $" and {list.Count - 8} more" : "");
    }
}
