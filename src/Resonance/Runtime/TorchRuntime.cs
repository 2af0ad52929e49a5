using System.Reflection;
using TorchSharp;

namespace Resonance.Runtime;

/// <summary>Facts about the tensor runtime: versions, devices and threads (what <c>resonance info</c> shows).</summary>
public sealed record TorchRuntimeInfo(
    string DotNetVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    string Backend,
    bool CudaAvailable,
    int CudaDeviceCount,
    int IntraOpThreads,
    int InteropThreads,
    int LogicalCores);

/// <summary>Reads <see cref="TorchRuntimeInfo"/> and applies thread settings.</summary>
public static class TorchRuntime
{
    /// <summary>Collects versions, devices and thread counts.</summary>
    public static TorchRuntimeInfo Describe()
    {
        bool cuda = Devices.CudaAvailable;
        var torchSharp = typeof(torch).Assembly;
        string torchSharpVersion = torchSharp.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? torchSharp.GetName().Version?.ToString() ?? "unknown";
        return new TorchRuntimeInfo(
            DotNetVersion: Environment.Version.ToString(),
            TorchSharpVersion: torchSharpVersion,
            LibTorchVersion: LibTorchVersion(),
            Backend: cuda ? "cuda" : "cpu",
            CudaAvailable: cuda,
            CudaDeviceCount: cuda ? torch.cuda.device_count() : 0,
            IntraOpThreads: torch.get_num_threads(),
            InteropThreads: torch.get_num_interop_threads(),
            LogicalCores: Environment.ProcessorCount);
    }

    /// <summary>Sets torch's intra-op thread count.</summary>
    /// <exception cref="UserInputException">The count is not positive.</exception>
    public static void SetThreads(int threads)
    {
        if (threads < 1)
            throw new UserInputException($"--threads: expected a positive whole number, got {threads}.");
        torch.set_num_threads(threads);
    }

    // The libtorch version is the version of the libtorch-* package TorchSharp was restored with; it is
    // recorded next to the native library as the package folder name, so read it from the loaded assembly's deps.
    static string LibTorchVersion()
    {
        string? deps = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string;
        foreach (string file in (deps ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!File.Exists(file)) continue;
            foreach (string line in File.ReadLines(file))
            {
                int at = line.IndexOf("\"libtorch-", StringComparison.Ordinal);
                if (at < 0) continue;
                int slash = line.IndexOf('/', at);
                int quote = line.IndexOf('"', at + 1);
                if (slash > at && quote > slash) return line[(slash + 1)..quote];
            }
        }
        return "unknown";
    }
}
