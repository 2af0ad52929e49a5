using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Tests.Attractors;

/// <summary>Every associative memory's <c>Net(k)</c> step is exactly one update of its own recall, net by net.</summary>
public class MemoryDynamicsTests
{
    const int Nets = 2, Neurons = 12, Memories = 3, Cues = 5;

    static (Tensor Memories, Tensor Mask, Tensor Cues) Setup()
    {
        Tensor memories = stack([MemoryPatterns.Bank(1, Neurons, Memories), MemoryPatterns.Bank(2, Neurons, Memories)]);   // (K, P, N)
        Tensor mask = tensor(new float[,] { { 1, 1, 1 }, { 1, 1, 0 } });                                                  // the second net holds 2
        using var generator = RandomStreams.Generator(3);
        Tensor cues = MemoryPatterns.FlipExactly(memories.narrow(1, 0, 1).expand(Nets, Cues, Neurons).contiguous(), 0.25, generator); // (K, B, N)
        return (memories, mask, cues);
    }

    public static TheoryData<string> Kinds => new() { "hebbian-tanh", "hebbian-sign", "dense", "modern", "learned" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void One_step_of_each_net_is_the_first_update_of_its_recall(string kind)
    {
        using var scope = NewDisposeScope();
        var (memories, mask, cues) = Setup();
        using var dense = DenseHopfield.Construct(memories, mask);
        using var rnn = new AttractorRnn([new AttractorNetSpec(4), new AttractorNetSpec(5)], Neurons);
        IAssociativeMemory memory = kind switch
        {
            "hebbian-tanh" => new WeightMemory(ClassicalRules.Hebbian(memories, mask), HopfieldUpdate.Tanh, 3, gain: 4),
            "hebbian-sign" => new WeightMemory(ClassicalRules.Hebbian(memories, mask), HopfieldUpdate.Sign, 3),
            "dense" => new DenseMemory(dense, 3),
            "modern" => new ModernMemory(memories, mask, 2.0),
            _ => new LearnedMemory(rnn, presentSteps: 1, retainSteps: 3),
        };
        Tensor recalled = memory.Recall(cues);                                                     // (K, B, T, N)
        for (int k = 0; k < Nets; k++)
        {
            var net = memory.Net(k);
            Assert.Equal(Neurons, net.StateSize);
            Assert.Equal(0, net.InputSize);
            // The learned net's recall presents the cue for one step, so its first free step starts from recalled[:, :, 0].
            Tensor from = kind == "learned" ? recalled[k].select(1, 0) : cues[k];                  // (B, N)
            Tensor expected = kind == "learned" ? recalled[k].select(1, 1) : recalled[k].select(1, 0);
            Tensor step = net.Step(from, null);
            Assert.True(step.allclose(expected, rtol: 1e-5, atol: 1e-6), $"{kind}, net {k}");
            Tensor step64 = net.Step(from.to(ScalarType.Float64), null);                          // runs in the state's dtype
            Assert.Equal(ScalarType.Float64, step64.dtype);
            Assert.True(step64.to(ScalarType.Float32).allclose(expected, rtol: 1e-4, atol: 1e-5), $"{kind}, net {k}, float64");
        }
    }
}
