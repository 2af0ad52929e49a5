using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class HopfieldDynamicsTests
{
    public static TheoryData<string> SymmetricWeights() => ["random", "hebbian", "storkey", "pseudo-inverse"];

    static Tensor Weights(string kind, int n)
    {
        if (kind == "random")
        {
            using var generator = RandomStreams.Generator(21);
            Tensor a = randn([n, n], generator: generator);
            return ((a + a.t()) * (1 - eye(n))).unsqueeze(0);
        }
        using var patterns = MemoryPatterns.Bank(22, n, 6);
        var entry = ClassicalRules.Catalogue.Single(e => e.Name == kind);
        return entry.Weights(patterns.unsqueeze(0), ones(1, 6));
    }

    [Theory]
    [MemberData(nameof(SymmetricWeights))]
    public void Energy_never_rises_along_asynchronous_sign_updates(string kind)
    {
        const int n = 24;
        using var weights = Weights(kind, n);
        using var cueStream = RandomStreams.Generator(23);
        using var start = MemoryPatterns.Sign(randn([1, 5, n], generator: cueStream));
        using var order = RandomStreams.Generator(24);
        var energies = new List<Tensor> { HopfieldDynamics.Energy(weights, start) };
        Tensor h = start;
        for (int sweep = 0; sweep < 3; sweep++) h = HopfieldDynamics.Sweep(weights, h, order, energies);
        using var trace = stack(energies, -1);                                             // (1, 5, 3N + 1)
        double largestRise = trace.diff(dim: -1).max().item<float>();
        Assert.True(largestRise <= 1e-5, $"energy rose by {largestRise}");
        Assert.True(trace.select(-1, -1).sum().item<float>() < trace.select(-1, 0).sum().item<float>());
    }

    [Fact]
    public void A_zero_field_keeps_the_state()
    {
        using var weights = zeros(1, 3, 3);
        using var cues = tensor(new float[] { 1, -1, 1 }).reshape(1, 1, 3);
        using var states = HopfieldDynamics.Run(weights, cues, 2, HopfieldUpdate.Sign);
        Assert.True(Same(states.select(2, 1), cues));
    }

    [Fact]
    public void Stored_patterns_are_reached_from_noisy_cues_by_every_update()
    {
        using var patterns = MemoryPatterns.Bank(25, 64, 3);
        using var memories = patterns.unsqueeze(0);
        using var weights = ClassicalRules.Hebbian(memories, ones(1, 3));
        using var cueStream = RandomStreams.Generator(26);
        using var cues = MemoryPatterns.FlipExactly(memories, 0.1, cueStream);
        using var order = RandomStreams.Generator(27);
        foreach (var update in Enum.GetValues<HopfieldUpdate>())
        {
            using var states = HopfieldDynamics.Run(weights, cues, 5, update, gain: 10, order: order);
            using var final = Overlaps.Of(states, memories).select(-1, -1);
            Assert.True(final.min().item<float>() > 0.99, $"{update}: {final.min().item<float>()}");
        }
    }
}
