namespace Resonance.Tests.Runtime;

/// <summary>Tests that change libtorch's intra-op thread count (process-wide state) run alone, after the parallel ones: a full
/// run of the suite has failed now and then inside libtorch ("Expected false to be true") in tests that ran beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreads
{
    public const string Name = "torch thread count";
}
