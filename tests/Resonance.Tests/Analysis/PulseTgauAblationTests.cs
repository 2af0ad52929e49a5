using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Analysis;

/// <summary>The ablation switches of the PulseTgau cell and the resonator: each takes out exactly its part, and none is the trained model.</summary>
public class PulseTgauAblationTests
{
    /// <summary>A cell with a low threshold, so that strong inputs make it fire.</summary>
    static PulseTgauCell FiringCell(bool leakGate = false) =>
        new(4, 6, seed: 3, new PulseTgauOptions { InitialThreshold = 0.05, LeakGate = leakGate });

    static Tensor Inputs(long batch, long seed)
    {
        using var generator = RandomStreams.Generator(seed);
        return 3 * randn([batch, 4], generator: generator);
    }

    static (Tensor Y, PulseTgauState State) TwoSteps(PulseTgauCell cell, Tensor x, PulseTgauAblation? ablation)
    {
        var neurons = cell.Neurons(ablation);
        var (_, first) = cell.Step(cell.ProjectInput(x), null, neurons);
        return cell.Step(cell.ProjectInput(x), first, neurons);
    }

    [Fact]
    public void Silencing_spikes_zeroes_every_spike_and_leaves_the_graded_output_tanh_v()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cell = FiringCell();
        Tensor x = Inputs(32, 1);

        var (_, trained) = TwoSteps(cell, x, null);
        var (y, silenced) = TwoSteps(cell, x, new PulseTgauAblation { SilenceSpikes = true });

        Assert.True(trained.S.sum().ToDouble() > 10, "the trained cell fires on these inputs, so the check can fail");
        Assert.Equal(0, silenced.S.abs().sum().ToDouble());
        Assert.Equal(0, (y - silenced.V.tanh()).abs().max().ToDouble());  // no spike, no reset: y = tanh(v), v⁺ = v
    }

    [Fact]
    public void A_masked_neuron_sends_nothing_and_the_others_see_the_same_first_step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cell = FiringCell();
        Tensor x = Inputs(16, 2);
        Tensor mask = ones(6);
        mask[2] = 0;

        var (trainedY, _) = cell.Step(cell.ProjectInput(x), null, cell.Neurons());
        var (maskedY, masked) = cell.Step(cell.ProjectInput(x), null, cell.Neurons(new PulseTgauAblation { NeuronMask = mask }));

        Assert.Equal(0, maskedY[.., 2].abs().sum().ToDouble());
        Assert.Equal(0, masked.S[.., 2].abs().sum().ToDouble());
        Tensor others = tensor(new long[] { 0, 1, 3, 4, 5 });
        Assert.Equal(0, (maskedY.index_select(1, others) - trainedY.index_select(1, others)).abs().max().ToDouble());
    }

    [Fact]
    public void Freezing_the_leak_of_a_cell_without_a_gate_at_its_own_leak_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cell = FiringCell();
        Tensor x = Inputs(8, 3);

        var (trained, _) = TwoSteps(cell, x, null);
        var (frozen, _) = TwoSteps(cell, x, new PulseTgauAblation { FrozenLeak = cell.leak_raw.sigmoid() });

        Assert.Equal(0, (trained - frozen).abs().max().ToDouble());
    }

    [Fact]
    public void Freezing_a_gated_leak_replaces_lambda_t_in_the_blend()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cell = FiringCell(leakGate: true);
        Tensor x = Inputs(8, 4);
        Tensor leak = full(6, 0.25);
        var neurons = cell.Neurons(new PulseTgauAblation { FrozenLeak = leak, SilenceSpikes = true });
        var (_, first) = cell.Step(cell.ProjectInput(x), null, neurons);

        var (_, second) = cell.Step(cell.ProjectInput(x), first, neurons);

        Tensor drive = cell.ProjectInput(x).chunk(2, -1)[0] + first.Y.mm(cell.weight_hh.t()); // W_rec y + u
        Tensor expected = 0.25 * first.V + 0.75 * drive;                                      // λ̄ v⁺ + (1 − λ̄) drive
        Assert.True((second.V - expected).abs().max().ToDouble() < 1e-6);
    }

    [Fact]
    public void The_resonator_with_no_ablation_is_its_own_forward_pass_and_a_wrong_count_is_refused()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = new EmergentResonator(new EmergentResonatorOptions { Hidden = 6, Layers = 2, ReasoningSteps = 2 }, new ModelShape(4, 3, 5, TaskKind.Classification), 7);
        using var generator = RandomStreams.Generator(5);
        Tensor x = randn([9, 5, 4], generator: generator);

        Tensor plain = model.call(x);
        Tensor none = model.Forward(x, [PulseTgauAblation.None, PulseTgauAblation.None]);

        Assert.Equal(0, (plain - none).abs().max().ToDouble());
        Assert.Throws<ArgumentException>(() => model.Forward(x, [PulseTgauAblation.None]));
    }

    [Fact]
    public void The_readout_of_the_last_state_of_the_dynamics_is_the_models_answer()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = new EmergentResonator(new EmergentResonatorOptions { Hidden = 6, Layers = 2, ReasoningSteps = 3 }, new ModelShape(4, 3, 5, TaskKind.Classification), 8);
        using var generator = RandomStreams.Generator(6);
        Tensor x = randn([9, 5, 4], generator: generator);

        Tensor states = Resonance.Analysis.Trajectories.Drive(model.Dynamics, x, model.ReasoningSteps);   // (9, 8, 36)
        Tensor logits = model.ReadoutFromState(states.select(1, 7));

        Assert.Equal(new long[] { 9, 8, 36 }, states.shape);
        Assert.True((logits - model.call(x)).abs().max().ToDouble() < 1e-5);
    }
}
