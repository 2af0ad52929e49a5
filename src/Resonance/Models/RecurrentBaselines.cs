namespace Resonance.Models;

/// <summary>Builds the baseline recurrent models from <see cref="RecurrentBaselineOptions"/> (the catalogue's factories).</summary>
public static class RecurrentBaselines
{
    /// <summary>An LSTM: <see cref="LstmCell"/>s stepped in a loop, with a linear readout.</summary>
    public static RecurrentSequenceModel<LstmCell, LstmState> Lstm(RecurrentBaselineOptions options, ModelShape shape, long seed)
    {
        options.Validate();
        return new("Lstm", shape, options.Hidden, options.Layers, (input, hidden, cellSeed) => new LstmCell(input, hidden, cellSeed), seed);
    }

    /// <summary>A GRU: <see cref="GruCell"/>s stepped in a loop, with a linear readout.</summary>
    public static RecurrentSequenceModel<GruCell, GruState> Gru(RecurrentBaselineOptions options, ModelShape shape, long seed)
    {
        options.Validate();
        return new("Gru", shape, options.Hidden, options.Layers, (input, hidden, cellSeed) => new GruCell(input, hidden, cellSeed), seed);
    }

    /// <summary>A vanilla tanh RNN: <see cref="TanhRnnCell"/>s stepped in a loop, with a linear readout.</summary>
    public static RecurrentSequenceModel<TanhRnnCell, TanhRnnState> TanhRnn(RecurrentBaselineOptions options, ModelShape shape, long seed)
    {
        options.Validate();
        return new("TanhRnn", shape, options.Hidden, options.Layers, (input, hidden, cellSeed) => new TanhRnnCell(input, hidden, cellSeed), seed);
    }

    /// <summary>PyTorch's fused <c>nn.LSTM</c> with the same readout (reference for speed and numbers).</summary>
    public static FusedLstm FusedLstm(RecurrentBaselineOptions options, ModelShape shape, long seed)
    {
        options.Validate();
        return new(shape, options.Hidden, options.Layers, seed);
    }

    /// <summary>PyTorch's fused <c>nn.GRU</c> with the same readout (reference for speed and numbers).</summary>
    public static FusedGru FusedGru(RecurrentBaselineOptions options, ModelShape shape, long seed)
    {
        options.Validate();
        return new(shape, options.Hidden, options.Layers, seed);
    }
}
