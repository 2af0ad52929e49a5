using System.CommandLine;
using Resonance.Data;
using Resonance.Runtime;
using Spectre.Console;

namespace Resonance.Cli;

/// <summary><c>resonance info</c>: versions, devices, threads and the data cache.</summary>
internal static class InfoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("info", "Show .NET, TorchSharp and libtorch versions, devices, threads and the data cache.");
        command.SetAction(parse =>
        {
            var device = ResonanceCli.ApplyGlobalOptions(parse);
            var runtime = TorchRuntime.Describe();
            var cache = DataCache.FromEnvironment();
            var table = new Table().Border(TableBorder.Rounded).AddColumn("item").AddColumn("value");
            void Row(string key, string value) => table.AddRow(Markup.Escape(key), Markup.Escape(value));
            Row(".NET", runtime.DotNetVersion);
            Row("TorchSharp", runtime.TorchSharpVersion);
            Row("libtorch", runtime.LibTorchVersion);
            Row("backend", runtime.Backend);
            Row("devices", runtime.CudaAvailable ? $"cpu, cuda x{runtime.CudaDeviceCount}" : "cpu");
            Row("selected device", device.type.ToString().ToLowerInvariant());
            Row("threads (intra-op)", runtime.IntraOpThreads.ToString());
            Row("threads (inter-op)", runtime.InteropThreads.ToString());
            Row("logical cores", runtime.LogicalCores.ToString());
            Row("data cache", cache.Root + (Environment.GetEnvironmentVariable(DataCache.HomeVariable) is { Length: > 0 } ? $" (${DataCache.HomeVariable})" : ""));
            var datasets = cache.Datasets();
            Row("datasets", datasets.Count == 0 ? "none (resonance data fetch mnist)" : string.Join(", ", datasets));
            console.Write(table);
            return ResonanceCli.Success;
        });
        return command;
    }
}
