using Resonance.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>PyTorch's recurrent and linear initialisation, <c>U(-1/√fan, 1/√fan)</c>, with one random stream per parameter.</summary>
internal static class ParameterInit
{
    /// <summary>A new CPU parameter of <paramref name="shape"/> drawn from <c>U(-bound, bound)</c> on the stream <c>Derive(seed, name)</c>.</summary>
    public static Parameter Uniform(long seed, string name, double bound, params long[] shape)
    {
        var parameter = new Parameter(empty(shape));
        RandomStreams.Uniform(parameter, bound, RandomStreams.Derive(seed, name));
        return parameter;
    }

    /// <summary>Redraws every parameter of <paramref name="module"/> from <c>U(-bound, bound)</c>, each on the stream named after it.</summary>
    public static void UniformAll(nn.Module module, double bound, long seed)
    {
        foreach (var (name, parameter) in module.named_parameters())
            RandomStreams.Uniform(parameter, bound, RandomStreams.Derive(seed, name));
    }
}
