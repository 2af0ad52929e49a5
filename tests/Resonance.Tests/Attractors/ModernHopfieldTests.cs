using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class ModernHopfieldTests
{
    [Fact]
    public void Retrieves_far_more_memories_than_neurons_in_one_update_at_large_beta()
    {
        const int n = 32, p = 1024;                                                          // P = 32 N
        using var bank = MemoryPatterns.Bank(31, n, p);
        using var memories = bank.unsqueeze(0);
        using var targets = memories.narrow(1, 0, 128);
        using var cueStream = RandomStreams.Generator(32);
        using var cues = MemoryPatterns.FlipExactly(targets, 0.1, cueStream);               // 3 of 32 bits flipped
        using var retrieved = ModernHopfield.Retrieve(memories, ones(1, p), cues, beta: 4);
        Assert.True(Same(MemoryPatterns.Sign(retrieved), targets));
        Assert.True(((retrieved * targets).sum([-1]) / n).min().item<float>() > 0.99);
    }

    [Fact]
    public void Small_beta_averages_memories_instead_of_choosing_one()
    {
        using var bank = MemoryPatterns.Bank(33, 32, 64).unsqueeze(0);
        using var retrieved = ModernHopfield.Retrieve(bank, ones(1, 64), bank.narrow(1, 0, 8), beta: 0.001);
        Assert.True(((retrieved * bank.narrow(1, 0, 8)).sum([-1]) / 32).max().item<float>() < 0.5);
    }

    [Fact]
    public void Padded_memories_are_never_retrieved()
    {
        using var bank = MemoryPatterns.Bank(34, 16, 3);
        using var memories = nn.functional.pad(bank, [0, 0, 0, 1]).unsqueeze(0);             // a zero row of padding
        using var mask = tensor(new float[] { 1, 1, 1, 0 }).unsqueeze(0);
        using var cue = zeros(1, 1, 16);                                                     // equally close to everything
        using var retrieved = ModernHopfield.Retrieve(memories, mask, cue, beta: 1);
        using var expected = bank.mean([0]).reshape(1, 1, 16);
        Assert.True((retrieved - expected).abs().max().item<float>() < 1e-6);
    }
}
