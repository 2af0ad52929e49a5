using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Analysis;

/// <summary>Batched Jacobians of a state function by reverse-mode autograd.</summary>
/// <remarks>
/// <code>
/// J[m, r, c] = ∂f_r(h_m) / ∂h_c
/// </code>
/// Rows are computed in blocks: the points are repeated once per row of the block, <c>(rows · M, S)</c>, passed through
/// <c>f</c> once, and one backward pass with one-hot output gradients gives every row of the block for every point at once.
/// The function must treat batch rows independently (every recurrent step does). An output with no path back to the
/// input (a layer of binary units inside <see cref="Models.SurrogateGradient.ExactDerivative"/>) has the zero Jacobian.
/// </remarks>
public static class Jacobians
{
    /// <summary>Elements of the repeated batch <c>(rows · M, S)</c> per block; bounds the memory of one pass.</summary>
    const long BlockElements = 1L << 20;

    /// <summary>The Jacobian of <paramref name="function"/> at every point, and its value there.</summary>
    /// <param name="function">Maps <c>(batch, S)</c> to <c>(batch, S)</c>, rows independent, differentiable.</param>
    /// <param name="points"><c>(M, S)</c>.</param>
    /// <returns>The Jacobians <c>(M, S, S)</c> and <c>f(points)</c> <c>(M, S)</c>, both detached, in the points' dtype.</returns>
    public static (Tensor Jacobian, Tensor Value) Compute(Func<Tensor, Tensor> function, Tensor points)
    {
        if (points.dim() != 2) throw new ArgumentException($"points: expected (M, S), got ({string.Join(", ", points.shape)})", nameof(points));
        long count = points.shape[0], size = points.shape[1];
        using var grad = enable_grad();
        using var scope = NewDisposeScope();
        long rowsPerBlock = Math.Clamp(BlockElements / Math.Max(1, count * size), 1, size);
        var blocks = new List<Tensor>();
        Tensor? value = null;
        using var identity = eye(size, dtype: points.dtype, device: points.device);             // (S, S)
        for (long start = 0; start < size; start += rowsPerBlock)
        {
            long rows = Math.Min(rowsPerBlock, size - start);
            Tensor repeated = points.detach().unsqueeze(0).expand(rows, count, size).reshape(rows * count, size).requires_grad_(); // (rows·M, S)
            Tensor output = function(repeated).add(repeated, alpha: 0);                          // (rows·M, S); + 0·h keeps a path back
            Tensor oneHot = identity.narrow(0, start, rows).unsqueeze(1).expand(rows, count, size).reshape(rows * count, size);
            Tensor block = torch.autograd.grad([output], [repeated], [oneHot])[0];               // (rows·M, S): row start + i of J at m
            blocks.Add(block.reshape(rows, count, size).permute(1, 0, 2));                        // (M, rows, S)
            value ??= output.detach().narrow(0, 0, count);
        }
        Tensor jacobian = cat(blocks, 1).contiguous();                                           // (M, S, S)
        return (jacobian.MoveToOuterDisposeScope(), value!.clone().MoveToOuterDisposeScope());
    }
}
