namespace Resonance.Interop;

/// <summary>File formats weights are exported in and imported from.</summary>
public enum WeightFormat
{
    /// <summary>safetensors: 8-byte little-endian header length, a JSON header (dtype, shape, byte offsets per tensor), raw
    /// little-endian data. Read by <c>safetensors.torch.load_file</c>.</summary>
    Safetensors,
    /// <summary>A state dict as <c>torch.save</c> writes it (zip with <c>data.pkl</c>), read by <c>torch.load</c>.</summary>
    Pytorch,
    /// <summary>A NumPy <c>.npz</c> archive, one float32 <c>.npy</c> per tensor, read by <c>numpy.load</c>.</summary>
    Npz,
}
