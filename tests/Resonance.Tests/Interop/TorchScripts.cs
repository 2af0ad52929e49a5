namespace Resonance.Tests.Interop;

/// <summary>The Python side of the interop tests: small scripts run by <see cref="PythonTorch"/>.</summary>
internal static class TorchScripts
{
    /// <summary>Shared code: a safetensors reader in NumPy (the format is 8 bytes of header length, a JSON header and raw
    /// little-endian data; Debian has no python3-safetensors), and the model builder.</summary>
    const string Common = """
        import json, struct, sys
        import numpy as np
        import torch
        torch.set_num_threads(1)

        def load_safetensors(path):
            with open(path, "rb") as f:
                data = f.read()
            (length,) = struct.unpack("<Q", data[:8])
            header = json.loads(data[8:8 + length])
            out = {}
            for name, entry in header.items():
                if name == "__metadata__":
                    continue
                assert entry["dtype"] == "F32", entry["dtype"]
                begin, end = entry["data_offsets"]
                out[name] = torch.from_numpy(np.frombuffer(data[8 + length + begin:8 + length + end], dtype="<f4").reshape(entry["shape"]).copy())
            return out

        def build(module, input_size, hidden, layers, outputs):
            cls = {"torch.nn.LSTM": torch.nn.LSTM, "torch.nn.GRU": torch.nn.GRU, "torch.nn.RNN": torch.nn.RNN}[module]
            return cls(input_size, hidden, num_layers=layers, batch_first=True), torch.nn.Linear(hidden, outputs)

        def logits(rnn, fc, x):
            with torch.no_grad():
                out = rnn(x)[0]
                return fc(out[:, -1]).numpy()
        """;

    /// <summary>args: weights file, sidecar, input .npy, output .npy. Loads the file strictly into the module the sidecar
    /// names and writes the logits on the input.</summary>
    public const string LoadAndRun = Common + """

        weights, sidecar, inputs, result = sys.argv[1:5]
        meta = json.load(open(sidecar))
        state = load_safetensors(weights) if meta["file_format"] == "safetensors" else torch.load(weights)
        rnn, fc = build(meta["module"], meta["input_size"], meta["hidden_size"], meta["num_layers"], meta["output_size"])
        rnn.load_state_dict({k: v for k, v in state.items() if not k.startswith("fc.")}, strict=True)
        fc.load_state_dict({k[3:]: v for k, v in state.items() if k.startswith("fc.")}, strict=True)
        x = torch.from_numpy(np.load(inputs))
        np.save(result, logits(rnn, fc, x))
        print(len(state))
        """;

    /// <summary>args: module, input size, hidden, layers, outputs, input .npy, state dict out, logits out. A seeded PyTorch
    /// model saved with torch.save, and its logits.</summary>
    public const string SaveFromTorch = Common + """

        module, input_size, hidden, layers, outputs, inputs, saved, result = sys.argv[1:9]
        torch.manual_seed(7)
        rnn, fc = build(module, int(input_size), int(hidden), int(layers), int(outputs))
        state = dict(rnn.state_dict())
        state.update({"fc." + k: v for k, v in fc.state_dict().items()})
        torch.save(state, saved)
        np.save(result, logits(rnn, fc, torch.from_numpy(np.load(inputs))))
        """;
}
