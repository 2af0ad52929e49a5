namespace Resonance.Models;

/// <summary>The model types <c>model.type</c> can name: one entry per line.</summary>
public static class ModelCatalog
{
    /// <summary>A new registry holding every built-in model type (callers may add their own).</summary>
    public static ModelRegistry CreateDefault() => new(
    [
        ModelEntries.Of<RecurrentBaselineOptions>("lstm",       RecurrentBaselines.Lstm,      "LSTM: LstmCell stepped in a loop, linear readout; dynamics over [h, c] per layer."),
        ModelEntries.Of<RecurrentBaselineOptions>("gru",        RecurrentBaselines.Gru,       "GRU: GruCell stepped in a loop, linear readout; dynamics over h per layer."),
        ModelEntries.Of<RecurrentBaselineOptions>("rnn",        RecurrentBaselines.TanhRnn,   "Vanilla tanh RNN: TanhRnnCell stepped in a loop, linear readout; dynamics over h per layer."),
        ModelEntries.Of<EmergentResonatorOptions>("resonator", (options, shape, seed) => new EmergentResonator(options, shape, seed),
                                                                                  "Emergent Resonator (from its original README): PulseTgau spiking layers, input-only gate, reasoning steps of pure recurrence."),
        ModelEntries.Of<TemporalAveragingOptions>("temporal-averaging", (options, shape, seed) => new TemporalAveragingNet(options, shape, seed),
                                                                                  "Temporal-averaging network (\"Dynamic Recurrent Neural Network with Temporal Averaging\"): binary threshold layers with lateral and optional top-down recurrence, stochastic binary input, readout averaged over T iterations."),
        ModelEntries.Of<MlpOptions>("mlp", (options, shape, seed) => new Mlp(options, shape, seed), "Feed-forward MLP on the flattened input (ReLU hidden layers): the baseline without recurrence."),
        ModelEntries.Of<RecurrentBaselineOptions>("lstm-fused", RecurrentBaselines.FusedLstm, "PyTorch's fused nn.LSTM with a linear readout (reference; no dynamics exposed)."),
        ModelEntries.Of<RecurrentBaselineOptions>("gru-fused",  RecurrentBaselines.FusedGru,  "PyTorch's fused nn.GRU with a linear readout (reference; no dynamics exposed)."),
    ]);
}
