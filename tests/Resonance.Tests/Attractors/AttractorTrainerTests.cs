using Resonance.Attractors;
using static TorchSharp.torch;
using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class AttractorTrainerTests
{
    [Fact]
    public void A_small_symmetric_tanh_net_with_the_fixed_point_loss_converges_and_stays_frozen()
    {
        using var memories = MemoryPatterns.Bank(2, 16, 2);
        var plan = AttractorNetPlan.Of("p2", memories, 4, Network(), TrainingWith(epochs: 400));
        var lines = new List<IReadOnlyDictionary<string, object?>>();
        using var result = AttractorTrainer.Train([plan], Network(), TrainingWith(epochs: 400), CPU, lines.Add);

        var outcome = result.Outcomes[0];
        Assert.Equal(NetStatus.Converged, outcome.Status);
        Assert.True(outcome.Epoch < 400);
        Assert.Equal(outcome.Epoch, result.EpochsRun);                      // the only net stopped, so training stopped
        Assert.True(outcome.Reaction >= 0.99 && outcome.Retention >= 0.99, $"{outcome.Reaction} {outcome.Retention}");
        Assert.Equal("converged", lines[^1]["status"]);
        Assert.All(lines, line => Assert.Equal("epoch", line["kind"]));
    }

    [Fact]
    public void An_exploding_relu_net_is_reported_as_diverged_not_thrown()
    {
        using var memories = MemoryPatterns.Bank(2, 16, 2);
        var network = Network() with { InitScale = 8 };
        var plans = new[]
        {
            new AttractorNetPlan("relu", memories, new AttractorNetSpec(1, Activation.Relu), Regimen.Batch, 1, 1e-6),
            new AttractorNetPlan("linear", memories, new AttractorNetSpec(2, Activation.Linear), Regimen.Batch, 1, 1e-6),
        };
        using var result = AttractorTrainer.Train(plans, network, TrainingWith(epochs: 20) with { DivergenceLimit = 100 }, CPU);
        Assert.All(result.Outcomes, outcome =>
        {
            Assert.Equal(NetStatus.Diverged, outcome.Status);
            Assert.StartsWith($"diverged at epoch {outcome.Epoch} (", outcome.Describe());
            Assert.True(double.IsNaN(outcome.Retention));
        });
        Assert.True(result.Model.Recurrent.isfinite().all().item<bool>());    // frozen at zero, no NaN left behind
    }

    [Fact]
    public void Nets_trained_together_end_as_each_would_alone_even_beside_a_diverging_one()
    {
        using var bank = MemoryPatterns.Bank(3, 16, 5);
        var network = Network();
        var training = TrainingWith(epochs: 25) with { StopAtConvergence = false, DivergenceLimit = 100 };
        var plans = new[]
        {
            new AttractorNetPlan("p3", bank.narrow(0, 0, 3), new AttractorNetSpec(11), Regimen.Cyclic, 1, 1e-6),
            new AttractorNetPlan("p5-noisy", bank, new AttractorNetSpec(12, Activation.Tanh, Symmetric: false), Regimen.Noisy, 0.5, 1e-4),
            new AttractorNetPlan("relu", bank.narrow(0, 0, 2), new AttractorNetSpec(13, Activation.Relu), Regimen.Batch, 0, 1e-6),
        };
        using var together = AttractorTrainer.Train(plans, network with { InitScale = 3 }, training, CPU);
        Assert.Equal(NetStatus.Diverged, together.Outcomes[2].Status);
        for (int i = 0; i < 2; i++)
        {
            using var alone = AttractorTrainer.Train([plans[i]], network with { InitScale = 3 }, training, CPU);
            double difference = MaxDifference(alone.Model.Recurrent[0], together.Model.Recurrent[i]);
            Assert.True(difference < 1e-4, $"{plans[i].Label}: weights differ by {difference:G3}");
            Assert.Equal(alone.Outcomes[0].Retention, together.Outcomes[i].Retention, 3);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers()
    {
        using var memories = MemoryPatterns.Bank(2, 16, 3);
        var plan = AttractorNetPlan.Of("p3", memories, 5, Network(), TrainingWith(epochs: 15, regimen: Regimen.Noisy));
        using var first = AttractorTrainer.Train([plan], Network(), TrainingWith(epochs: 15, regimen: Regimen.Noisy), CPU);
        using var second = AttractorTrainer.Train([plan], Network(), TrainingWith(epochs: 15, regimen: Regimen.Noisy), CPU);
        Assert.True(Same(first.Model.Recurrent, second.Model.Recurrent));
        Assert.Equal(first.Outcomes[0].History.Select(h => h.Loss), second.Outcomes[0].History.Select(h => h.Loss));
    }
}
