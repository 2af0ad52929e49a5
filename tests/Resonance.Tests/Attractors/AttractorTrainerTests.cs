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
    public void The_basin_loss_is_the_logistic_loss_of_clean_cues_plus_the_soft_bit_error_of_late_corrupted_steps()
    {
        var (reported, start, m) = FirstBasinEpoch(TrainingWith() with { FixedPointWeight = 0.5, L2 = 1e-3 });
        using var scope = NewDisposeScope();
        using var net = start;
        var (clean, margins) = CleanLossAndMargins(net, m);
        double late = ((1 - margins.narrow(2, 3, 3).tanh()) / 2).mean().item<float>();
        double fixedPoint = net.FixedPointResidual(m).square().mean().item<float>();
        double norm = net.Recurrent.square().sum().item<float>() + net.Input.square().sum().item<float>();
        Assert.Equal(clean / 3 + 2 * late / 3 + 0.5 * fixedPoint + 1e-3 * norm, reported, 4);
    }

    [Fact]
    public void The_cue_error_loss_is_one_minus_the_chance_that_every_late_bit_is_right()
    {
        var (reported, start, m) = FirstBasinEpoch(TrainingWith() with { FixedPointWeight = 0, L2 = 0, CueLoss = CueLoss.CueError });
        using var scope = NewDisposeScope();
        using var net = start;
        var (clean, margins) = CleanLossAndMargins(net, m);
        Tensor allRight = nn.functional.sigmoid(2 * margins.narrow(2, 3, 3)).prod(-1);        // (1, 3, 3): Π_i σ(2 m_i u_i) per cue and late step
        double late = (1 - allRight).mean().item<float>();
        Assert.Equal(clean / 3 + 2 * late / 3, reported, 4);
    }

    [Fact]
    public void The_trajectory_loss_asks_each_visited_state_for_the_next_field_with_the_clean_or_cue_margin()
    {
        var training = TrainingWith() with { FixedPointWeight = 0, L2 = 0, CueLoss = CueLoss.Trajectory, CleanMargin = 2, CueMargin = 0.5, CleanWeight = 3 };
        var (reported, start, m) = FirstBasinEpoch(training);
        using var scope = NewDisposeScope();
        using var net = start;
        // The states the free steps start from (h_1 .. h_6 of 2 + 6), held fixed, and the field of the step after each.
        Tensor visited = net.Run(m, 2, 6).narrow(2, 1, 6);                                  // (1, 3, 6, 16)
        Tensor next = visited.matmul(net.SelfWeights()[0].t()) * m.unsqueeze(2);
        double Hinge(double margin) => (margin - next).relu().square().mean().item<float>();
        // The 2 corrupted copies flip nothing, so they visit the same states; 3 clean weights against 2 copies.
        Assert.Equal((3 * Hinge(2) + 2 * Hinge(0.5)) / 5, reported, 4);
        Assert.NotEqual(Hinge(2), Hinge(0.5), 3);
    }

    [Fact]
    public void A_contrastive_epoch_moves_the_weights_by_each_missed_cue_and_holds_their_norm()
    {
        // A random net recovers none of its memories, so every cue (3 clean, 2 x 3 corrupted copies flipping nothing) is missed.
        using var memories = MemoryPatterns.Bank(2, 16, 3);
        var network = Network(present: 2, retain: 6) with { SelfCoupling = false };
        var training = TrainingWith(epochs: 1, regimen: Regimen.Basin) with { CueLoss = CueLoss.Contrastive, Lr = 0.5, NoiseFlipMax = 0, NoiseCues = 2 };
        var plan = AttractorNetPlan.Of("p3", memories, 7, network, training);
        using var result = AttractorTrainer.Train([plan], network, training, CPU);

        using var scope = NewDisposeScope();
        using var start = new AttractorRnn([plan.Spec], 16, selfCoupling: false);
        Tensor w0 = start.SelfWeights()[0];
        Tensor ended = MemoryPatterns.Sign(start.Run(memories.unsqueeze(0), 2, 6).select(2, -1))[0];      // (3, 16)
        Assert.True((ended != memories).any(-1).all().item<bool>(), "every cue is missed, so the test can tell");
        Tensor delta = 3 * (memories.t().matmul(memories) - ended.t().matmul(ended)) * (0.5 / 16);       // three identical cues per memory
        Tensor moved = (w0 + delta) * (1 - eye(16));
        Tensor expected = moved * (w0.norm() / moved.norm());
        Assert.True(MaxDifference(result.Model.SelfWeights()[0], expected) < 1e-5);
        Assert.Equal(w0.norm().item<float>(), result.Model.SelfWeights()[0].norm().item<float>(), 4);
    }

    [Fact]
    public void Margins_and_the_clean_weight_are_refused_unless_positive()
    {
        foreach (var (training, key) in new[]
        {
            (TrainingWith() with { CleanMargin = 0 }, "training.clean_margin"),
            (TrainingWith() with { CueMargin = -1 }, "training.cue_margin"),
            (TrainingWith() with { CleanWeight = 0 }, "training.clean_weight"),
        })
            Assert.StartsWith(key, Assert.Throws<UserInputException>(training.Validate).Message);
    }

    /// <summary>One basin epoch of 3 memories (N = 16, 2 + 6 steps) whose 2 corrupted copies flip nothing, so the loss can be
    /// recomputed by hand: the loss it reported, the net as it started, and the memories <c>(1, 3, 16)</c>.</summary>
    static (double Reported, AttractorRnn Start, Tensor Memories) FirstBasinEpoch(AttractorTrainingOptions training)
    {
        var memories = MemoryPatterns.Bank(2, 16, 3);
        var network = Network(present: 2, retain: 6);
        training = training with { Epochs = 1, Regimen = Regimen.Basin, NoiseFlipMax = 0, NoiseCues = 2 };
        var plan = AttractorNetPlan.Of("p3", memories, 7, network, training);
        using var result = AttractorTrainer.Train([plan], network, training, CPU);
        return (result.Outcomes[0].History[0].Loss, new AttractorRnn([plan.Spec], 16), memories.unsqueeze(0));
    }

    /// <summary>The logistic loss of the clean cues over all free steps, and the margins <c>m_i u_{t,i}</c> <c>(1, 3, 6, 16)</c>.</summary>
    static (double Clean, Tensor Margins) CleanLossAndMargins(AttractorRnn net, Tensor memories)
    {
        var (_, fields) = net.RunWithFields(memories, 2, 6);
        Tensor margins = fields * memories.unsqueeze(2);
        return (nn.functional.softplus(-2 * margins).mean().item<float>(), margins);
    }

    [Fact]
    public void Without_self_coupling_the_diagonal_stays_out_of_the_dynamics_through_training()
    {
        using var memories = MemoryPatterns.Bank(2, 16, 4);
        var network = Network() with { SelfCoupling = false, InitScale = 2 };
        var training = TrainingWith(epochs: 10, regimen: Regimen.Basin) with { StopAtConvergence = false, NoiseCues = 2, NoiseFlipMax = 0.3 };
        using var result = AttractorTrainer.Train([AttractorNetPlan.Of("p4", memories, 9, network, training)], network, training, CPU);

        using var scope = NewDisposeScope();
        Tensor raw = result.Model.Recurrent[0];
        Assert.True(raw.diagonal().abs().max().item<float>() > 1e-3, "L's own diagonal is not zero, so the test can tell");
        Tensor w = result.Model.SelfWeights()[0];
        Assert.Equal(0f, w.diagonal().abs().max().item<float>());
        Tensor expected = ((raw + raw.t()) / 2) * (1 - eye(16));
        Assert.True(MaxDifference(w, expected) < 1e-6);
        // One free step of the dynamics uses exactly that matrix.
        Tensor cue = memories.unsqueeze(0);                                                  // (1, 4, 16)
        Tensor states = result.Model.Run(cue, 1, 1);                                          // (1, 4, 2, 16)
        Tensor first = states.select(2, 0), second = states.select(2, 1);
        Assert.True(MaxDifference(second[0], first[0].matmul(expected.t()).tanh()) < 1e-5);
    }

    [Fact]
    public void A_flip_floor_above_the_ceiling_is_refused_and_a_valid_floor_changes_the_cues()
    {
        var error = Assert.Throws<Resonance.UserInputException>(() => (TrainingWith() with { NoiseFlipMin = 0.3, NoiseFlipMax = 0.2 }).Validate());
        Assert.Contains("training.noise_flip_min", error.Message);
        using var memories = MemoryPatterns.Bank(2, 16, 3);
        var network = Network();
        var training = TrainingWith(epochs: 5, regimen: Regimen.Basin) with { StopAtConvergence = false, NoiseCues = 2, NoiseFlipMax = 0.4 };
        var plan = AttractorNetPlan.Of("p3", memories, 5, network, training);
        using var free = AttractorTrainer.Train([plan], network, training, CPU);
        using var floored = AttractorTrainer.Train([plan], network, training with { NoiseFlipMin = 0.4 }, CPU);
        Assert.True(MaxDifference(free.Model.Recurrent[0], floored.Model.Recurrent[0]) > 1e-4);
    }

    [Fact]
    public void Per_net_clipping_and_the_basin_regimen_keep_nets_independent()
    {
        using var bank = MemoryPatterns.Bank(3, 16, 4);
        var network = Network();
        var training = TrainingWith(epochs: 20) with { StopAtConvergence = false, ClipGradNorm = 0.05, NoiseCues = 3, NoiseFlipMax = 0.3 };
        var plans = new[]
        {
            // The basin net has fewer memories than the batch's largest P: its corrupted cues must not depend on that.
            new AttractorNetPlan("basin", bank.narrow(0, 0, 2), new AttractorNetSpec(21), Regimen.Basin, 1, 1e-6),
            new AttractorNetPlan("cyclic", bank, new AttractorNetSpec(22), Regimen.Cyclic, 1, 1e-6),
        };
        using var together = AttractorTrainer.Train(plans, network with { InitScale = 3 }, training, CPU);
        for (int i = 0; i < plans.Length; i++)
        {
            using var alone = AttractorTrainer.Train([plans[i]], network with { InitScale = 3 }, training, CPU);
            double difference = MaxDifference(alone.Model.Recurrent[0], together.Model.Recurrent[i]);
            Assert.True(difference < 1e-4, $"{plans[i].Label}: weights differ by {difference:G3}");
        }
        using var unclipped = AttractorTrainer.Train([plans[0]], network with { InitScale = 3 }, training with { ClipGradNorm = 0 }, CPU);
        Assert.True(MaxDifference(unclipped.Model.Recurrent[0], together.Model.Recurrent[0]) > 1e-3, "clipping at 0.05 should change the trajectory");
    }

    [Fact]
    public void The_pseudo_inverse_start_holds_every_memory_before_any_training()
    {
        using var memories = MemoryPatterns.Bank(5, 32, 6);
        var network = Network(neurons: 32) with { Init = AttractorInit.PseudoInverse, InitGain = 4 };
        var training = TrainingWith(epochs: 1, regimen: Regimen.Batch) with { Lr = 1e-12 };
        using var result = AttractorTrainer.Train([AttractorNetPlan.Of("p6", memories, 3, network, training)], network, training, CPU);
        using var pinv = ClassicalRules.PseudoInverse(memories.unsqueeze(0), ones(1, 6));
        Assert.True(MaxDifference(result.Model.SelfWeights()[0], 4 * pinv[0]) < 1e-4);
        Assert.True(MaxDifference(result.Model.Input[0], 4 * eye(32)) < 1e-4);
        Assert.True(result.Outcomes[0].Retention >= 0.99, $"retention {result.Outcomes[0].Retention}");
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
