using TorchSharp;

namespace Resonance.Runtime;

/// <summary>Which compute device a command asked for: <c>auto</c> picks CUDA when there is one, else the CPU.</summary>
public enum DeviceRequest { Auto, Cpu, Cuda }

/// <summary>Turns a <see cref="DeviceRequest"/> into a torch device, refusing what this machine cannot do.</summary>
public static class Devices
{
    /// <summary>The names accepted by <c>--device</c>, in help order.</summary>
    public static readonly IReadOnlyList<string> Names = ["auto", "cpu", "cuda"];

    /// <summary>Parses <c>auto|cpu|cuda</c> (case-insensitive).</summary>
    /// <exception cref="UserInputException">The name is none of those.</exception>
    public static DeviceRequest Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceRequest.Auto,
        "cpu" => DeviceRequest.Cpu,
        "cuda" => DeviceRequest.Cuda,
        _ => throw new UserInputException($"--device: unknown device \"{name}\"; use one of auto, cpu, cuda."),
    };

    /// <summary>Whether a CUDA device is usable here (a CUDA build of TorchSharp and a GPU).</summary>
    public static bool CudaAvailable
    {
        get
        {
            try { return torch.cuda.is_available(); }
            catch (Exception) { return false; } // the CPU backend has no CUDA entry points to call
        }
    }

    /// <summary>Resolves a request to a device.</summary>
    /// <exception cref="UserInputException">CUDA was asked for where there is none.</exception>
    public static torch.Device Resolve(DeviceRequest request) => request switch
    {
        DeviceRequest.Cpu => torch.CPU,
        DeviceRequest.Cuda when CudaAvailable => torch.CUDA,
        DeviceRequest.Cuda => throw new UserInputException(
            "--device cuda: no CUDA device is available here (CPU build of TorchSharp or no GPU); use --device cpu or auto, " +
            "or build with -p:TorchSharpBackend=TorchSharp-cuda-linux on a machine with a GPU."),
        _ => CudaAvailable ? torch.CUDA : torch.CPU,
    };
}
