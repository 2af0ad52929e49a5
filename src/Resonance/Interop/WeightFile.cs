using System.Collections;
using System.IO.Compression;
using Resonance.Runs;
using Resonance.Sparks;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Resonance.Interop;

/// <summary>
/// Reads and writes a flat map of named float32 tensors in the formats of <see cref="WeightFormat"/>. safetensors and
/// PyTorch state dicts go through TorchSharp.PyBridge (its <c>Safetensors</c>, <c>PyTorchPickler</c> and
/// <c>PyTorchUnpickler</c>); .npz through <see cref="NpzArchive"/>. Writes are atomic (<see cref="AtomicFile"/>).
/// </summary>
public static class WeightFile
{
    /// <summary>The usual file extension of <paramref name="format"/>, with its dot.</summary>
    public static string Extension(WeightFormat format) => format switch
    {
        WeightFormat.Safetensors => ".safetensors",
        WeightFormat.Pytorch => ".pt",
        _ => ".npz",
    };

    /// <summary>Writes <paramref name="tensors"/> (CPU float32 copies are taken) to <paramref name="path"/>.</summary>
    public static void Write(string path, WeightFormat format, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        using var scope = NewDisposeScope();
        var plain = tensors.Select(t => (t.Name, Tensor: t.Tensor.detach().to(ScalarType.Float32).cpu().contiguous())).ToList();
        switch (format)
        {
            case WeightFormat.Safetensors:
                var map = plain.ToDictionary(t => t.Name, t => t.Tensor);
                AtomicFile.Write(path, stream => Safetensors.SaveStateDict(stream, map, leaveOpen: true));
                break;
            case WeightFormat.Pytorch:
                var ordered = new System.Collections.Specialized.OrderedDictionary();
                foreach (var (name, tensor) in plain) ordered.Add(name, tensor);
                AtomicFile.Write(path, stream => PyTorchPickler.PickleStateDict(stream, ordered, leaveOpen: true));
                break;
            default:
                var arrays = plain.ToDictionary(t => t.Name, t => NpzArchive.Array.Of(t.Tensor.data<float>().ToArray(), t.Tensor.shape));
                NpzArchive.Write(path, arrays, new Dictionary<string, string>());
                break;
        }
    }

    /// <summary>Reads every tensor of a safetensors file, a PyTorch state dict (<c>torch.save</c>) or an .npz archive,
    /// told apart by their first bytes.</summary>
    /// <returns>Tensors by name, in the file's order; the caller disposes them.</returns>
    /// <exception cref="UserInputException">Missing, unreadable, of no known format, or damaged; the message names the file.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such weights file; give a .safetensors file, a state dict saved with torch.save, or an .npz from resonance export.");
        try
        {
            return Detect(path) switch
            {
                WeightFormat.Safetensors => Safetensors.LoadStateDict(path),
                WeightFormat.Pytorch => FromHashtable(PyTorchUnpickler.UnpickleStateDict(path)),
                _ => FromNpz(path),
            };
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: cannot be read as weights ({e.Message.Split('\n')[0].Trim()}); save a state dict of float tensors with torch.save(model.state_dict(), FILE) or safetensors.torch.save_file.", e);
        }
    }

    /// <summary>safetensors by its header (a length, then <c>{</c>), a zip with <c>data.pkl</c> as PyTorch, a zip of <c>.npy</c> as .npz.</summary>
    static WeightFormat Detect(string path)
    {
        byte[] start = new byte[9];
        using (var file = File.OpenRead(path))
        {
            int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            if (read >= 9 && start[8] == (byte)'{' && BitConverter.ToUInt64(start, 0) < (ulong)file.Length)
                return WeightFormat.Safetensors;
            if (read < 2 || start[0] != (byte)'P' || start[1] != (byte)'K')
                throw new UserInputException($"{path}: not a weights file (neither safetensors, nor a zip as torch.save and numpy.savez write); " +
                    "save with torch.save(model.state_dict(), FILE) (not the pickled module, not the legacy format) or safetensors.torch.save_file.");
        }
        using var zip = ZipFile.OpenRead(path);
        if (zip.Entries.Any(entry => entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal)))
            return WeightFormat.Pytorch;
        return WeightFormat.Npz;
    }

    static Dictionary<string, Tensor> FromHashtable(Hashtable table)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
            result[(string)entry.Key] = entry.Value as Tensor
                ?? throw new InvalidDataException($"entry {entry.Key} is not a tensor");
        return result;
    }

    static Dictionary<string, Tensor> FromNpz(string path)
    {
        var (arrays, _) = NpzArchive.Read(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, array) in arrays)
            result[name] = tensor(array.AsFloats(path, name), array.Shape);
        return result;
    }
}
