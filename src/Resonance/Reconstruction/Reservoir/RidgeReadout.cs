using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The ridge-regression readout of reservoir computers, solved in closed form in float64:
/// <c>W_out = Yᵀ F (Fᵀ F + λ I)⁻¹</c>.
/// </summary>
/// <remarks>
/// The Gram matrix <c>Fᵀ F</c> is accumulated over blocks of rows in float64, and the normal equations
/// <c>(Fᵀ F + λ I) W_outᵀ = Fᵀ Y</c> are solved by a Cholesky factorisation (the matrix is symmetric positive definite for
/// λ &gt; 0, and for λ = 0 when F has full column rank). λ is applied to every weight, the constant's too, as ReservoirPy does.
/// Forming <c>Fᵀ F</c> squares the condition number of F; for features of very different scales (NG-RC's monomials of raw data,
/// up to thousands against ones) use <see cref="SolveByLeastSquares"/>, which solves the same problem from F itself.
/// </remarks>
public static class RidgeReadout
{
    /// <summary>Rows of <c>F</c> per block of the Gram accumulation.</summary>
    public const int Block = 8192;

    /// <summary>The readout weights that map features to targets: <see cref="NormalEquations"/>, then <see cref="SolveNormalEquations"/>.</summary>
    /// <param name="features">F, <c>(T, P)</c>, float32 or float64.</param>
    /// <param name="targets">Y, <c>(T, O)</c>.</param>
    /// <param name="ridge">λ ≥ 0.</param>
    /// <returns><c>W_out</c>, <c>(O, P)</c>, float64, on the features' device.</returns>
    /// <exception cref="UserInputException">The normal equations are singular (λ = 0 and F rank-deficient): raise <c>model.ridge</c>.</exception>
    public static Tensor Solve(Tensor features, Tensor targets, double ridge)
    {
        using var scope = NewDisposeScope();
        var (gram, moments) = NormalEquations(features, targets);
        return SolveNormalEquations(gram, moments, ridge).MoveToOuterDisposeScope();
    }

    /// <summary>The Gram matrix <c>Fᵀ F</c> and the moments <c>Fᵀ Y</c>, in float64, accumulated over blocks of 8,192 rows
    /// (see <see cref="NormalEquationsAccumulator"/>).</summary>
    /// <param name="features">F, <c>(T, P)</c>, float32 or float64.</param>
    /// <param name="targets">Y, <c>(T, O)</c>.</param>
    /// <returns>Gram <c>(P, P)</c> (symmetric) and moments <c>(P, O)</c>, float64, on the features' device.</returns>
    public static (Tensor Gram, Tensor Moments) NormalEquations(Tensor features, Tensor targets)
    {
        if (features.dim() != 2 || targets.dim() != 2 || features.shape[0] != targets.shape[0])
            throw new ArgumentException($"expected features (T, P) and targets (T, O) with the same T, got ({string.Join(", ", features.shape)}) and ({string.Join(", ", targets.shape)}).");
        using var accumulator = new NormalEquationsAccumulator(features.shape[1], targets.shape[1], features.device);
        long rows = features.shape[0];
        for (long start = 0; start < rows; start += Block)
        {
            using var blockScope = NewDisposeScope();
            accumulator.Add(features[(int)start..(int)Math.Min(rows, start + Block)], targets[(int)start..(int)Math.Min(rows, start + Block)]);
        }
        return accumulator.Result();
    }

    /// <summary>Solves <c>(G + λ I) W_outᵀ = M</c> by a Cholesky factorisation (float64).</summary>
    /// <param name="gram">G = <c>Fᵀ F</c>, <c>(P, P)</c>, float64; not changed.</param>
    /// <param name="moments">M = <c>Fᵀ Y</c>, <c>(P, O)</c>, float64.</param>
    /// <param name="ridge">λ ≥ 0.</param>
    /// <returns><c>W_out</c>, <c>(O, P)</c>, float64.</returns>
    /// <exception cref="UserInputException">The matrix is not positive definite: raise <c>model.ridge</c>.</exception>
    public static Tensor SolveNormalEquations(Tensor gram, Tensor moments, double ridge)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor regularised = gram.clone();
        regularised.diagonal().add_(ridge);
        var (factor, info) = linalg.cholesky_ex(regularised);
        if (info.item<int>() != 0)
            throw new UserInputException($"model.ridge: the readout's normal equations are singular with ridge {OptionChecks.Format(ridge)}; use a larger model.ridge (e.g. 1e-6).");
        return cholesky_solve(moments, factor).T.contiguous().MoveToOuterDisposeScope();                      // (O, P)
    }

    /// <summary>The same readout from the stacked least-squares problem <c>[F; √λ I] W_outᵀ ≈ [Y; 0]</c>, solved by QR with column
    /// pivoting (LAPACK <c>gelsy</c>, through <c>torch.linalg.lstsq</c>): accurate where <c>Fᵀ F</c> is too ill-conditioned for
    /// <see cref="Solve"/>; it costs about twice as much, so it suits few features.</summary>
    /// <param name="features">F, <c>(T, P)</c>.</param>
    /// <param name="targets">Y, <c>(T, O)</c>.</param>
    /// <param name="ridge">λ ≥ 0.</param>
    /// <returns><c>W_out</c>, <c>(O, P)</c>, float64, on the CPU.</returns>
    public static Tensor SolveByLeastSquares(Tensor features, Tensor targets, double ridge)
    {
        if (features.dim() != 2 || targets.dim() != 2 || features.shape[0] != targets.shape[0])
            throw new ArgumentException($"expected features (T, P) and targets (T, O) with the same T, got ({string.Join(", ", features.shape)}) and ({string.Join(", ", targets.shape)}).");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long width = features.shape[1];
        Tensor f = features.to(ScalarType.Float64).cpu(), y = targets.to(ScalarType.Float64).cpu();
        Tensor stacked = cat([f, Math.Sqrt(ridge) * eye(width, dtype: ScalarType.Float64)], 0);                 // (T + P, P)
        Tensor right = cat([y, zeros(width, y.shape[1], dtype: ScalarType.Float64)], 0);                          // (T + P, O)
        var (solution, _, _, _) = linalg.lstsq(stacked, right);                                                  // (P, O)
        return solution.T.contiguous().MoveToOuterDisposeScope();
    }
}

/// <summary>Accumulates the ridge readout's normal equations, <c>G = Σ_blocks Fᵀ F</c> and <c>M = Σ_blocks Fᵀ Y</c>, in float64, one
/// block of rows at a time, so that a caller can stream features (e.g. an echo state network's harvest) without holding them all.</summary>
/// <remarks>Of the Gram only the lower triangle is multiplied out, one strip of 256 columns at a time
/// (<c>G[c, :c_end] += F[:, c]ᵀ F[:, :c_end]</c>, BLAS <c>dgemm</c>): a little over half the products of the full <c>Fᵀ F</c>;
/// <see cref="Result"/> mirrors it.</remarks>
public sealed class NormalEquationsAccumulator : IDisposable
{
    const int ColumnBlock = 256;
    readonly Tensor gram, moments;
    Tensor? block;                                                                              // float64 copy of the current block

    /// <param name="width">Features P.</param>
    /// <param name="outputs">Targets O.</param>
    /// <param name="device">Where the sums live.</param>
    public NormalEquationsAccumulator(long width, long outputs, Device? device = null)
    {
        gram = zeros(width, width, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();             // (P, P), lower triangle
        moments = zeros(width, outputs, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();        // (P, O)
    }

    /// <summary>Adds one block of rows.</summary>
    /// <param name="features">F block, <c>(B, P)</c>, float32 or float64.</param>
    /// <param name="targets">Y block, <c>(B, O)</c>.</param>
    public void Add(Tensor features, Tensor targets)
    {
        long width = gram.shape[0];
        if (features.dim() != 2 || features.shape[1] != width || targets.dim() != 2 || targets.shape[1] != moments.shape[1] || targets.shape[0] != features.shape[0])
            throw new ArgumentException($"expected features (B, {width}) and targets (B, {moments.shape[1]}), got ({string.Join(", ", features.shape)}) and ({string.Join(", ", targets.shape)}).");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor f = Float64Rows(features), y = targets.to(ScalarType.Float64);                     // (B, P), (B, O)
        for (long c = 0; c < width; c += ColumnBlock)
        {
            long end = Math.Min(width, c + ColumnBlock);
            gram[(int)c..(int)end, ..(int)end].addmm_(f[.., (int)c..(int)end].T, f[.., ..(int)end]);  // (w, c_end): a strip of the lower triangle
        }
        moments.addmm_(f.T, y);
    }

    /// <summary>The block in float64: the features themselves when they are float64, else a copy into one buffer reused from block
    /// to block (a fresh 64 MB tensor a block had cost its page faults every time).</summary>
    Tensor Float64Rows(Tensor features)
    {
        if (features.dtype == ScalarType.Float64) return features;
        if (block is null || block.shape[0] < features.shape[0] || block.shape[1] != features.shape[1] || block.device_type != features.device_type || block.device_index != features.device_index)
        {
            block?.Dispose();
            block = empty(features.shape[0], features.shape[1], dtype: ScalarType.Float64, device: features.device).DetachFromDisposeScope();
        }
        var rows = block[..(int)features.shape[0]];
        return rows.copy_(features);
    }

    /// <summary>The sums so far: the Gram <c>(P, P)</c> (symmetric) and the moments <c>(P, O)</c>, float64, new tensors.</summary>
    public (Tensor Gram, Tensor Moments) Result()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor lower = gram.tril();
        return ((lower + lower.tril(-1).T).MoveToOuterDisposeScope(), moments.clone().MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        gram.Dispose();
        moments.Dispose();
        block?.Dispose();
    }
}
