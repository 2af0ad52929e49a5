using static TorchSharp.torch;

namespace Resonance.Models;

/// <summary>
/// Switches that take a part of a <see cref="PulseTgauCell"/> out, for ablation studies; every one is off by default
/// (<see cref="None"/>), and the cell with <see cref="None"/> is the trained cell exactly.
/// </summary>
/// <remarks>
/// <code>
/// SilenceSpikes:  s_t = 0                       (no pulse, no reset, no refractory term: y_t = tanh(v_t))
/// FrozenLeak λ̄:   λ_t = λ̄ every step            (the leak gate's input part is ignored; for a cell without the gate, λ̄ replaces λ)
/// NeuronMask m:   s_t ← m ⊙ s_t,  y_t ← m ⊙ y_t  (m_i = 0 silences neuron i: it sends nothing on, through W_rec or the readout)
/// </code>
/// The switches are passed explicitly (<see cref="PulseTgauCell.Neurons(PulseTgauAblation?)"/>,
/// <see cref="EmergentResonator.Forward(Tensor, IReadOnlyList{PulseTgauAblation})"/>); nothing is kept on the module.
/// </remarks>
public sealed record PulseTgauAblation
{
    /// <summary>Nothing taken out.</summary>
    public static PulseTgauAblation None { get; } = new();

    /// <summary>All spikes silenced, <c>s = 0</c>.</summary>
    public bool SilenceSpikes { get; init; }

    /// <summary>The leak used at every step, <c>(H)</c>, in (0, 1); null keeps the cell's own (gated) leak.</summary>
    public Tensor? FrozenLeak { get; init; }

    /// <summary>Per neuron 1 (kept) or 0 (silenced), <c>(H)</c>; null keeps all.</summary>
    public Tensor? NeuronMask { get; init; }
}
