using Resonance.Attractors;
using Resonance.Attractors.Losses;
using Resonance.Experiments;
using static TorchSharp.torch;
using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class AttractorLossesTests
{
    public static TheoryData<string> Names => new(AttractorLosses.Catalogue.Select(entry => entry.Name));

    [Fact]
    public void Every_regimen_and_cue_loss_binds_to_exactly_one_entry()
    {
        foreach (var regimen in Enum.GetValues<Regimen>())
            foreach (var cueLoss in Enum.GetValues<CueLoss>())
                Assert.Equal(regimen, AttractorLosses.Of(regimen, cueLoss).Regimen);
        Assert.Equal(AttractorLosses.Catalogue.Count, AttractorLosses.Catalogue.Select(entry => entry.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void An_entry_is_named_by_the_yaml_names_it_is_bound_to(string name)
    {
        var entry = AttractorLosses.Catalogue.Single(e => e.Name == name);
        string regimen = YamlName(entry.Regimen);
        Assert.Equal(entry.CueLoss is { } cueLoss ? $"{regimen}/{YamlName(cueLoss)}" : regimen, entry.Name);
        Assert.Same(entry, AttractorLosses.Of(entry.Regimen, entry.CueLoss ?? CueLoss.BitError));
        Assert.False(string.IsNullOrWhiteSpace(entry.Description));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_loss_weighs_each_epoch_s_memories_to_one_and_corrupts_cues_as_its_regimen_says(string name)
    {
        var entry = AttractorLosses.Catalogue.Single(e => e.Name == name);
        var loss = entry.Create(TrainingWith());
        for (int epoch = 1; epoch <= 7; epoch++)
        {
            float[] weights = Enumerable.Range(0, 3).Select(memory => loss.MemoryWeight(epoch, memory, 3)).ToArray();
            Assert.Equal(1, weights.Sum(), 6);
            if (entry.Regimen == Regimen.Cyclic) Assert.Equal(1, weights[(epoch - 1) % 3]);
        }
        Assert.Equal(entry.Regimen is Regimen.Noisy or Regimen.Basin, loss.Corrupts);
        (loss as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_loss_gives_every_net_a_finite_loss_and_moves_its_weights(string name)
    {
        var entry = AttractorLosses.Catalogue.Single(e => e.Name == name);
        using var two = MemoryPatterns.Bank(2, 16, 2);
        using var three = MemoryPatterns.Bank(3, 16, 3);
        var network = Network();
        var training = TrainingWith(regimen: entry.Regimen) with { CueLoss = entry.CueLoss ?? CueLoss.BitError, NoiseCues = 2, Lr = 0.5 };
        AttractorNetPlan[] plans = [AttractorNetPlan.Of("p2", two, 1, network, training), AttractorNetPlan.Of("p3", three, 2, network, training)];
        using var losses = new AttractorLossSet(plans, training, CPU);
        using var nets = AttractorNets.Stack(plans, network, CPU);
        using var cues = new CorruptedCues(plans, losses.Corrupting, training);
        using var scope = NewDisposeScope();
        Tensor before = nets.Model.Recurrent.detach().clone();

        var (shown, targets) = cues.Show(nets.Memories);
        Assert.Equal(losses[0].Corrupts ? 3 * 3 : 3, shown.shape[1]);                            // (1 + C) Pmax cues, or the memories alone
        var run = new AttractorEpochRun(nets, losses.MemoryWeights(1, nets), losses.Gamma, losses.L2, shown, targets, losses.ReadsFields);
        Tensor loss = losses.Loss(run);
        Assert.Equal([2L], loss.shape);
        Assert.True(loss.isfinite().all().item<bool>(), $"{name}: {string.Join(", ", loss.data<float>().ToArray())}");
        if (losses.ByGradient)
        {
            loss.sum().backward();
            Assert.True(nets.Model.Recurrent.grad!.abs().sum().item<float>() > 0, $"{name}: no gradient reaches W_self");
        }
        else
        {
            losses.MoveWeights(run, [true, true]);
            Assert.True(MaxDifference(before, nets.Model.Recurrent) > 1e-6, $"{name}: the weights did not move");
        }
    }

    [Fact]
    public void Contrastive_nets_are_refused_beside_nets_trained_by_gradient()
    {
        using var memories = MemoryPatterns.Bank(2, 16, 2);
        var training = TrainingWith(regimen: Regimen.Basin) with { CueLoss = CueLoss.Contrastive };
        AttractorNetPlan[] plans =
        [
            AttractorNetPlan.Of("basin", memories, 1, Network(), training),
            AttractorNetPlan.Of("cyclic", memories, 2, Network(), training with { Regimen = Regimen.Cyclic }),
        ];
        var error = Assert.Throws<ArgumentException>(() => AttractorTrainer.Train(plans, Network(), training, CPU));
        Assert.StartsWith("contrastive basin nets move their weights by hand", error.Message);
    }

    static string YamlName(Enum value) => ConfigBinder.SnakeCase(value.ToString()).Replace('_', '-');
}
