using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class DenseTrainerTests
{
    static AttractorTrainingOptions Training(int epochs, double lr = 0.01) =>
        new() { Epochs = epochs, Lr = lr, NoiseCues = 4, NoiseFlipMax = 0.4, LogEvery = 50 };

    /// <summary>Fraction of 25%-flip cues (4 per memory) whose final signs are their memory, and the least clean-cue final overlap.</summary>
    static (double Recovered, double CleanOverlap) Test(DenseWeights weights, Tensor memories)
    {
        using var scope = NewDisposeScope();
        using var stream = RandomStreams.Generator(91);
        Tensor targets = memories.unsqueeze(0).repeat(1, 4, 1);
        Tensor cues = MemoryPatterns.FlipExactly(targets, 0.25, stream);
        Tensor final = DenseHopfield.Run(weights, cues, 10).select(2, -1);
        Tensor clean = DenseHopfield.Run(weights, memories.unsqueeze(0), 10).select(2, -1);
        return ((MemoryPatterns.Sign(final) == targets).all(-1).to(float32).mean().item<float>(),
            ((clean * memories).sum([-1]) / memories.shape[1]).min().item<float>());
    }

    [Fact]
    public void Learns_from_random_weights_a_memory_that_recovers_flipped_cues_past_the_pairwise_limit()
    {
        const int n = 32, p = 16;                                                              // P = 0.5 N: no pairwise rule recovers 25%-flip cues here
        using var memories = MemoryPatterns.Bank(92, n, p);
        using var untrained = DenseTrainer.Train([new DenseNetPlan("a", memories, 93)], n, 2 * n, 6, Training(1, lr: 1e-12), CPU);
        var (before, _) = Test(untrained.Weights, memories);
        Assert.True(before < 0.2, $"untrained recovered {before}");

        using var trained = DenseTrainer.Train([new DenseNetPlan("a", memories, 93)], n, 2 * n, 6, Training(300), CPU);
        var (after, clean) = Test(trained.Weights, memories);
        Assert.True(after >= 0.9, $"trained recovered {after}");
        Assert.True(clean > 0.99, $"clean cues ended at overlap {clean}");
        Assert.Equal("trained", trained.Outcomes[0].Describe());
        Assert.Equal(300, trained.Outcomes[0].Epochs);
    }

    [Fact]
    public void Every_net_of_a_batch_learns_exactly_as_it_would_alone()
    {
        const int n = 16;
        using var small = MemoryPatterns.Bank(94, n, 3);
        using var large = MemoryPatterns.Bank(95, n, 6);
        using var together = DenseTrainer.Train([new DenseNetPlan("small", small, 96), new DenseNetPlan("large", large, 97)], n, 24, 6, Training(20), CPU);
        using var alone = DenseTrainer.Train([new DenseNetPlan("small", small, 96)], n, 24, 6, Training(20), CPU);
        Assert.True(MaxDifference(together.Weights.Listen[0], alone.Weights.Listen[0]) < 1e-5);
        Assert.True(MaxDifference(together.Weights.Bias[0], alone.Weights.Bias[0]) < 1e-5);
        Assert.True(MaxDifference(together.Weights.Drive[0], alone.Weights.Listen[0].t() * 6) < 1e-5);   // tied: drive = gain · listenᵀ
        Assert.True(MaxDifference(together.Weights.Listen[0], together.Weights.Listen[1]) > 0.1);
    }

    [Fact]
    public void A_net_whose_loss_is_not_finite_is_reported_and_held_at_zero_while_the_others_train_on()
    {
        const int n = 16;
        using var good = MemoryPatterns.Bank(98, n, 4);
        using var broken = good.clone();
        broken[0, 0] = tensor(float.NaN);
        var lines = new List<IReadOnlyDictionary<string, object?>>();
        using var result = DenseTrainer.Train([new DenseNetPlan("broken", broken, 99), new DenseNetPlan("good", good, 100)], n, 24, 6, Training(5), CPU, lines.Add);
        Assert.Equal(1, result.Outcomes[0].DivergedAt);
        Assert.Equal("diverged at epoch 1 (loss not finite)", result.Outcomes[0].Describe());
        Assert.Null(result.Outcomes[1].DivergedAt);
        Assert.True(double.IsFinite(result.Outcomes[1].Loss));
        Assert.Equal(0, result.Weights.Listen[0].abs().max().item<float>());
        Assert.True(result.Weights.Listen[1].abs().max().item<float>() > 0);
        Assert.Contains(lines, l => (string)l["net"]! == "broken" && (string)l["status"]! == "diverged at epoch 1 (loss not finite)");
    }
}
