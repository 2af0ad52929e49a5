using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class DenseHopfieldTests
{
    static double RecoveredFraction(Tensor final, Tensor targets) =>
        (MemoryPatterns.Sign(final) == targets).all(-1).to(float32).mean().item<float>();

    [Fact]
    public void Stores_more_memories_than_neurons_and_recovers_them_from_30_percent_flips()
    {
        const int n = 64, p = 96;                                                            // P = 1.5 N, far past any pairwise rule
        using var memories = MemoryPatterns.Bank(41, n, p).unsqueeze(0);
        using var mask = ones(1, p);
        using var clean = DenseHopfield.Run(memories, mask, memories, steps: 10);
        Assert.True(((clean * memories.unsqueeze(2)).sum([-1]) / n).min().item<float>() > 0.99);   // every memory retained at every step

        using var cueStream = RandomStreams.Generator(42);
        using var targets = memories.repeat(1, 2, 1);
        using var cues = MemoryPatterns.FlipExactly(targets, 0.3, cueStream);
        using var dense = DenseHopfield.Run(memories, mask, cues, steps: 10);
        Assert.True(RecoveredFraction(dense.select(2, -1), targets) >= 0.9);

        // The Hebbian matrix of the same memories, run with tanh dynamics on the same cues, recovers almost none.
        using var hebbian = ClassicalRules.Entry(ClassicalRule.Hebbian).Weights(memories, mask);
        using var pairwise = HopfieldDynamics.Run(hebbian, cues, 10, HopfieldUpdate.Tanh, gain: 4);
        Assert.True(RecoveredFraction(pairwise.select(2, -1), targets) < 0.1);
    }

    [Fact]
    public void A_cue_below_the_threshold_wakes_no_hidden_neuron_and_fades_to_zero()
    {
        using var rows = Hadamard(16);
        using var memories = rows.narrow(0, 0, 8).unsqueeze(0);
        using var cue = rows.narrow(0, 8, 1).unsqueeze(0);                                   // orthogonal to every memory: overlap 0 < θ
        using var states = DenseHopfield.Run(memories, ones(1, 8), cue, steps: 3, threshold: 0.25);
        Assert.True(Same(states, zeros(1, 1, 3, 16)));
        using var near = DenseHopfield.Run(memories, ones(1, 8), memories.narrow(1, 0, 1), steps: 3, threshold: 0.25);
        Assert.True(Same(MemoryPatterns.Sign(near.select(2, -1)), memories.narrow(1, 0, 1))); // at its memory, overlap 1 > θ: held
    }

    [Fact]
    public void Padded_memories_drive_nothing()
    {
        const int n = 32;
        using var bank = MemoryPatterns.Bank(43, n, 6);
        using var cueStream = RandomStreams.Generator(44);
        using var cues = MemoryPatterns.FlipExactly(bank.narrow(0, 0, 4), 0.2, cueStream).unsqueeze(0);       // (1, 4, N)
        using var alone = DenseHopfield.Run(bank.narrow(0, 0, 4).unsqueeze(0), ones(1, 4), cues, steps: 4);
        // Rows 4 and 5 are the first two cues themselves: unmasked they would fire and hold those cues; masked they are padding.
        using var padded = cat([bank.narrow(0, 0, 4), cues[0].narrow(0, 0, 2)]).unsqueeze(0);
        using var mask = tensor(new float[] { 1, 1, 1, 1, 0, 0 }).unsqueeze(0);
        using var withPadding = DenseHopfield.Run(padded, mask, cues, steps: 4);
        Assert.True(MaxDifference(alone, withPadding) < 1e-6);
        using var unmasked = DenseHopfield.Run(padded, ones(1, 6), cues, steps: 4);
        Assert.True(MaxDifference(alone, unmasked) > 0.1);
    }

    [Fact]
    public void Asynchronous_sign_updates_never_raise_the_energy()
    {
        const int n = 32, p = 32;
        using var memories = MemoryPatterns.Bank(45, n, p).unsqueeze(0);
        using var mask = ones(1, p);
        using var cueStream = RandomStreams.Generator(46);
        using var cues = MemoryPatterns.FlipExactly(memories.narrow(1, 0, 8), 0.3, cueStream);
        using var weights = DenseHopfield.Construct(memories, mask);
        using var order = RandomStreams.Generator(47);
        var state = cues.clone();
        var energies = new List<float[]> { DenseHopfield.Energy(memories, mask, state).data<float>().ToArray() };
        int flips = 0;
        for (int sweep = 0; sweep < 3; sweep++)
            foreach (long i in randperm(n, generator: order).data<long>().ToArray())
            {
                using var scope = NewDisposeScope();
                Tensor field = DenseHopfield.Field(weights, state).select(-1, i);                  // (1, B): gain · Σ_μ ξ_μi relu(ξ_μ·v/N − θ)
                Tensor current = state.select(-1, i);
                Tensor next = HopfieldDynamics.SignKeepingZero(field, current);
                flips += (next != current).sum().item<long>() > 0 ? 1 : 0;
                state.select(-1, i).copy_(next);
                energies.Add(DenseHopfield.Energy(memories, mask, state).data<float>().ToArray());
            }
        for (int t = 1; t < energies.Count; t++)
            for (int b = 0; b < energies[t].Length; b++)
                Assert.True(energies[t][b] <= energies[t - 1][b] + 1e-4, $"update {t}, cue {b}: {energies[t - 1][b]} -> {energies[t][b]}");
        Assert.True(flips > 0);
        Assert.True(energies[^1].Zip(energies[0]).All(e => e.First < e.Second));                   // every cue went downhill
        state.Dispose();
    }
}
