using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// Next-generation reservoir computing (Gauthier, Bollt, Griffith &amp; Barbosa 2021, Nat. Commun. 12, 5564): a ridge readout on
/// time-delay and polynomial features that predicts each step's increment.
/// </summary>
/// <remarks>
/// <para>Features at step t of a series <c>x</c> <c>(T, D)</c>: the linear part
/// <c>L_t = [x_t; x_{t−s}; …; x_{t−(k−1)s}]</c> (<c>kD</c> values, newest first), the unique quadratic monomials
/// <c>L_t,i L_t,j</c>, <c>i ≤ j</c> (<c>kD(kD + 1)/2</c> values, row by row of the upper triangle), and a constant:
/// <c>f_t = [1; L_t; quadratic(L_t)]</c>. The readout predicts the increment, <c>x_{t+1} = x_t + W_out f_t</c>, with <c>W_out</c>
/// from ridge regression in float64, solved by QR from the features (<see cref="RidgeReadout.SolveByLeastSquares"/>; the Gram matrix of
/// raw monomials is too ill-conditioned for the normal equations). Fitting uses every t from <c>(k−1)s</c> to <c>T − 2</c> (the first
/// <c>(k−1)s</c> rows only fill the taps); forecasting feeds each prediction back as the newest tap. Everything is float64.</para>
/// </remarks>
public sealed class NextGenerationReservoir : IDisposable
{
    Tensor? readout;
    double[]? readoutValues;

    /// <summary>The settings the model was built with.</summary>
    public NextGenerationOptions Options { get; }
    /// <summary>Series dimension D.</summary>
    public int Dimensions { get; }
    /// <summary>Linear features <c>kD</c>.</summary>
    public int LinearSize => Options.Delays * Dimensions;
    /// <summary>Features P: <c>1 + kD + kD(kD + 1)/2</c> (without the quadratic part, <c>1 + kD</c>).</summary>
    public int FeatureSize => 1 + LinearSize + (Options.Quadratic ? LinearSize * (LinearSize + 1) / 2 : 0);
    /// <summary>Rows of history the features of one step read: <c>(k − 1)s + 1</c>.</summary>
    public int HistoryRows => (Options.Delays - 1) * Options.Skip + 1;
    /// <summary>Readout <c>W_out</c>, <c>(D, P)</c>, float64; null before <see cref="Fit"/>.</summary>
    public Tensor? Readout => readout;

    /// <param name="options">Validated here.</param>
    /// <param name="dimensions">Series dimension D.</param>
    public NextGenerationReservoir(NextGenerationOptions options, int dimensions)
    {
        options.Validate();
        if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "expected at least one dimension");
        Options = options;
        Dimensions = dimensions;
    }

    /// <summary>Writes <c>f_t</c> for the step whose newest row is <paramref name="newest"/> of <paramref name="rows"/> (row-major, D per row).</summary>
    void FillFeatures(ReadOnlySpan<double> rows, int newest, Span<double> features)
    {
        features[0] = 1;
        var linear = features.Slice(1, LinearSize);
        for (int tap = 0; tap < Options.Delays; tap++)
            rows.Slice((newest - tap * Options.Skip) * Dimensions, Dimensions).CopyTo(linear.Slice(tap * Dimensions, Dimensions));
        if (!Options.Quadratic) return;
        int at = 1 + LinearSize;
        for (int i = 0; i < LinearSize; i++)
            for (int j = i; j < LinearSize; j++)
                features[at++] = linear[i] * linear[j];
    }

    /// <summary>The features of every step that has a full history, <c>t = (k−1)s … T − 1</c>.</summary>
    /// <param name="series"><c>(T, D)</c>, <c>T ≥ (k−1)s + 1</c>.</param>
    /// <returns><c>(T − (k−1)s, P)</c>, float64.</returns>
    public Tensor Features(Tensor series)
    {
        double[] rows = Rows(series, nameof(series), HistoryRows);
        int steps = rows.Length / Dimensions, first = HistoryRows - 1;
        var features = new double[(long)(steps - first) * FeatureSize];
        for (int t = first; t < steps; t++)
            FillFeatures(rows, t, features.AsSpan((t - first) * FeatureSize, FeatureSize));
        return tensor(features, [steps - first, FeatureSize]);
    }

    /// <summary>Fits <c>W_out</c> so that <c>x_{t+1} − x_t ≈ W_out f_t</c> over the series.</summary>
    /// <param name="series"><c>(T, D)</c>, <c>T ≥ (k−1)s + 2</c>.</param>
    /// <returns>The readout <c>(D, P)</c>, also kept in <see cref="Readout"/>.</returns>
    public Tensor Fit(Tensor series)
    {
        Rows(series, nameof(series), HistoryRows + 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = series.detach().to(ScalarType.Float64).cpu();
        Tensor features = Features(x[..^1]);                                   // (T − 1 − (k−1)s, P)
        Tensor increments = x[HistoryRows..] - x[(HistoryRows - 1)..^1];       // x_{t+1} − x_t, same rows
        Tensor weights = RidgeReadout.SolveByLeastSquares(features, increments, Options.Ridge);
        readout?.Dispose();
        readout = weights.DetachFromDisposeScope();  // owned by the model, disposed with it
        readoutValues = weights.data<double>().ToArray();
        return readout;
    }

    /// <summary>Forecasts closed-loop from the end of <paramref name="history"/>: <c>x_{t+1} = x_t + W_out f_t</c>, each prediction the next newest tap.</summary>
    /// <param name="history">Known rows <c>(W, D)</c>, <c>W ≥ (k−1)s + 1</c>; only the last <c>(k−1)s + 1</c> are read.</param>
    /// <param name="steps">Rows to forecast.</param>
    /// <returns><c>(steps, D)</c>, float64; row i forecasts the row <c>i + 1</c> steps after the last of <paramref name="history"/>.</returns>
    public Tensor Forecast(Tensor history, int steps)
    {
        double[] weights = readoutValues ?? throw new InvalidOperationException("the readout is not fitted yet; call Fit first.");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        double[] known = Rows(history, nameof(history), HistoryRows);
        int keep = HistoryRows;
        var rows = new double[(keep + steps) * Dimensions];                   // the taps' window, then the forecast
        Array.Copy(known, known.Length - keep * Dimensions, rows, 0, keep * Dimensions);
        var features = new double[FeatureSize];
        for (int i = 0; i < steps; i++)
        {
            int newest = keep - 1 + i;
            FillFeatures(rows, newest, features);
            for (int d = 0; d < Dimensions; d++)
            {
                double increment = 0;
                for (int p = 0; p < FeatureSize; p++) increment += weights[d * FeatureSize + p] * features[p];
                rows[(newest + 1) * Dimensions + d] = rows[newest * Dimensions + d] + increment;
            }
        }
        return tensor(rows[(keep * Dimensions)..], [steps, Dimensions]);
    }

    /// <summary>One-step predictions <c>x_t + W_out f_t</c> from the true history, for <c>t = (k−1)s … T − 1</c>.</summary>
    /// <param name="series"><c>(T, D)</c>.</param>
    /// <returns><c>(T − (k−1)s, D)</c>: row r predicts row <c>r + (k−1)s + 1</c> of the series.</returns>
    public Tensor PredictNext(Tensor series)
    {
        if (readout is null) throw new InvalidOperationException("the readout is not fitted yet; call Fit first.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = series.detach().to(ScalarType.Float64).cpu();
        return (x[(HistoryRows - 1)..] + Features(x).matmul(readout.T)).MoveToOuterDisposeScope();
    }

    double[] Rows(Tensor series, string name, int minimumRows)
    {
        if (series.dim() != 2 || series.shape[1] != Dimensions || series.shape[0] < minimumRows)
            throw new ArgumentException($"{name}: expected (T, {Dimensions}) with T ≥ {minimumRows}, got ({string.Join(", ", series.shape)}).", name);
        using var scope = NewDisposeScope();
        return series.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose() => readout?.Dispose();
}
