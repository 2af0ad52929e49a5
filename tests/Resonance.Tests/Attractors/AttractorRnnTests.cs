using Resonance.Attractors;
using static TorchSharp.torch;
using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class AttractorRnnTests
{
    [Fact]
    public void Run_presents_the_cue_then_runs_free_and_matches_the_update_equation()
    {
        using var model = new AttractorRnn([new AttractorNetSpec(1), new AttractorNetSpec(2, Activation.Sigmoid, Symmetric: false)], 8);
        using var cues = MemoryPatterns.Bank(4, 8, 6).reshape(2, 3, 8);
        using var states = model.Run(cues, presentSteps: 2, retainSteps: 3);
        Assert.Equal(new long[] { 2, 3, 5, 8 }, states.shape);

        // Net 1 by hand: h1 = f(W_in x), h2 = f(W h1 + W_in x), h3 = f(W h2), ...
        using var w = model.SelfWeights()[1];
        using var win = model.Input[1];
        Tensor x = cues[1];
        Tensor h = (x.matmul(win.t())).sigmoid();
        Assert.True(MaxDifference(h, states[1].select(1, 0)) < 1e-6);
        h = (h.matmul(w.t()) + x.matmul(win.t())).sigmoid();
        Assert.True(MaxDifference(h, states[1].select(1, 1)) < 1e-6);
        h = h.matmul(w.t()).sigmoid();
        Assert.True(MaxDifference(h, states[1].select(1, 2)) < 1e-6);
    }

    [Fact]
    public void The_analysis_view_steps_exactly_like_the_stack()
    {
        using var model = new AttractorRnn([new AttractorNetSpec(1), new AttractorNetSpec(2)], 8);
        using var cues = MemoryPatterns.Bank(4, 8, 2).reshape(2, 1, 8);
        using var states = model.Run(cues, presentSteps: 1, retainSteps: 1);
        var net = model.Net(1);
        Assert.Equal(8, net.StateSize);
        using var first = net.Step(net.InitialState(1, CPU), cues[1]);
        using var second = net.Step(first, null);
        Assert.True(MaxDifference(first, states[1].select(1, 0)) < 1e-6);
        Assert.True(MaxDifference(second, states[1].select(1, 1)) < 1e-6);
    }

    [Fact]
    public void Each_net_is_initialised_from_its_own_seed_whatever_its_neighbours()
    {
        using var alone = new AttractorRnn([new AttractorNetSpec(7)], 12);
        using var stacked = new AttractorRnn([new AttractorNetSpec(3), new AttractorNetSpec(7)], 12);
        Assert.True(Same(alone.Recurrent[0], stacked.Recurrent[1]));
        Assert.True(Same(alone.Input[0], stacked.Input[1]));
        Assert.False(Same(stacked.Recurrent[0], stacked.Recurrent[1]));
    }

    [Fact]
    public void Symmetric_weights_stay_symmetric_after_training_and_free_ones_do_not()
    {
        using var memories = MemoryPatterns.Bank(1, 16, 3);
        var plans = new[]
        {
            new AttractorNetPlan("symmetric", memories, new AttractorNetSpec(1, Symmetric: true), Regimen.Cyclic, 1, 1e-6),
            new AttractorNetPlan("free", memories, new AttractorNetSpec(2, Symmetric: false), Regimen.Cyclic, 1, 1e-6),
        };
        using var result = AttractorTrainer.Train(plans, Network(), TrainingWith(epochs: 10) with { StopAtConvergence = false }, CPU);
        using var w = result.Model.SelfWeights();
        Assert.True(MaxDifference(w[0], w[0].t()) == 0);
        Assert.True(MaxDifference(w[1], w[1].t()) > 1e-3);
    }

    [Fact]
    public void A_sparse_connectivity_mask_is_symmetric_keeps_the_diagonal_and_about_the_asked_fraction()
    {
        using var mask = AttractorRnn.ConnectivityMask(5, 64, 0.3);
        Assert.True(Same(mask, mask.t()));
        Assert.True((mask.diagonal() == 1).all().item<bool>());
        double kept = (mask.sum().item<float>() - 64) / (64 * 63);
        Assert.InRange(kept, 0.25, 0.35);
        using var model = new AttractorRnn([new AttractorNetSpec(5)], 64, connectivityFraction: 0.3);
        using var w = model.SelfWeights();
        Assert.True(((w[0] != 0) <= (mask != 0)).all().item<bool>());
    }
}
