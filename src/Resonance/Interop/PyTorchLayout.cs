using Resonance.Models;
using static TorchSharp.torch;

namespace Resonance.Interop;

/// <summary>One tensor of a model under two names: the Resonance state-dict name and the exported (PyTorch) name.</summary>
/// <param name="ResonanceName">Name in the model's own state dict (<c>layers.0.weight_ih</c>).</param>
/// <param name="ExportName">Name in the exported file (<c>weight_ih_l0</c>).</param>
/// <param name="Shape">The tensor's shape.</param>
public sealed record MappedTensor(string ResonanceName, string ExportName, long[] Shape);

/// <summary>
/// How a model's weights are named and laid out for PyTorch: for the LSTM, GRU and tanh RNN (looped or fused) exactly
/// the state dict of <c>torch.nn.LSTM</c> / <c>GRU</c> / <c>RNN</c> (<c>batch_first=True</c>) plus a <c>torch.nn.Linear</c>
/// readout under <c>fc.</c>; for other models (the resonator) their own state-dict names.
/// </summary>
/// <remarks>
/// <code>
/// layers.l.weight_ih (GH, F or H) -> weight_ih_l{l}      G = 4 (LSTM, gates i, f, g, o), 3 (GRU, gates r, z, n), 1 (tanh RNN)
/// layers.l.weight_hh (GH, H)      -> weight_hh_l{l}
/// layers.l.bias_ih   (GH)         -> bias_ih_l{l}
/// layers.l.bias_hh   (GH)         -> bias_hh_l{l}
/// recurrent.X (fused models)      -> X
/// readout.weight (O, H)           -> fc.weight
/// readout.bias (O)                -> fc.bias
/// </code>
/// The cells keep PyTorch's gate order and both biases (see <see cref="LstmCell"/>, <see cref="GruCell"/>), so the map
/// renames and never reorders or reshapes. In Python, <c>class Net(nn.LSTM)</c> with <c>self.fc = nn.Linear(H, O)</c>
/// loads the file with <c>strict=True</c>, as do an <c>nn.LSTM</c> and an <c>nn.Linear</c> given the keys without and
/// with the <c>fc.</c> prefix.
/// </remarks>
/// <param name="Module">The PyTorch module the names fit (<c>torch.nn.LSTM</c>), or <c>resonance.EmergentResonator</c> for a model with its own names.</param>
/// <param name="Tensors">Every tensor of the model's state dict, in its order.</param>
public sealed record PyTorchLayout(string Module, IReadOnlyList<MappedTensor> Tensors)
{
    /// <summary>Whether the names are PyTorch's own (a model PyTorch users can build), not the model's native names.</summary>
    public bool IsTorchModule => Module.StartsWith("torch.nn.", StringComparison.Ordinal);

    /// <summary>The layout of <paramref name="model"/>.</summary>
    public static PyTorchLayout Of(SequenceModel model)
    {
        string? module = model switch
        {
            RecurrentSequenceModel<LstmCell, LstmState> or FusedLstm => "torch.nn.LSTM",
            RecurrentSequenceModel<GruCell, GruState> or FusedGru => "torch.nn.GRU",
            RecurrentSequenceModel<TanhRnnCell, TanhRnnState> => "torch.nn.RNN",
            _ => null,
        };
        var tensors = new List<MappedTensor>();
        foreach (var (name, tensor) in model.state_dict())
            tensors.Add(new(name, module is null ? name : TorchName(name), tensor.shape));
        return new(module ?? $"resonance.{model.GetName()}", tensors);
    }

    /// <summary><c>layers.l.weight_ih</c> -> <c>weight_ih_l{l}</c>, <c>recurrent.X</c> -> <c>X</c>, <c>readout.X</c> -> <c>fc.X</c>.</summary>
    static string TorchName(string name)
    {
        string[] parts = name.Split('.');
        return parts switch
        {
            ["layers", var layer, var parameter] => $"{parameter}_l{layer}",
            ["recurrent", var parameter] => parameter,
            ["readout", var parameter] => $"fc.{parameter}",
            _ => throw new InvalidOperationException($"no PyTorch name for the model's tensor {name}"),
        };
    }
}
