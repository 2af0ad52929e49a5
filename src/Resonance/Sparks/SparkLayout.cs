using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>One step of the force-directed layout of the neurons, vectorised over all pairs (equations on
/// <see cref="SparkLayoutOptions"/>).</summary>
public static class SparkLayout
{
    /// <summary>Moves every neuron once along its spring and repulsion force, in place.</summary>
    /// <param name="positions">Positions <c>(N, 2)</c> in the unit square; updated in place.</param>
    /// <param name="weights">Weights <c>W</c> <c>(N, N)</c>, non-negative; the springs use <c>(W + W^T) / 2</c>.</param>
    /// <param name="options">Spring, repulsion and step settings.</param>
    public static void Step(Tensor positions, Tensor weights, SparkLayoutOptions options)
    {
        // Row form throughout: (3, N) @ (N, N) products are several times faster on the CPU than (N, N) @ (N, 3).
        using var scope = NewDisposeScope();
        long n = positions.shape[0];
        var columns = positions.t();                                               // (2, N) x^T
        var withOnes = cat([columns, torch.ones(new long[] { 1, n }, positions.dtype, positions.device)], 0); // (3, N) [x; 1]^T
        var force = zeros_like(columns);                                           // (2, N)

        if (options.Spring > 0)
        {
            var symmetric = withOnes.matmul(weights.t()).add_(withOnes.matmul(weights), HeldScalars.One).mul_(HeldScalars.Of(0.5)); // (3, N) [U x; U 1]^T
            var degree = symmetric[2..];                                           // (1, N) d_i = sum_j U[i, j]
            var meanDegree = degree.mean().clamp_min_(HeldScalars.Of(1e-12));                      // d
            var pull = symmetric[..2] - columns * degree;                          // (2, N) sum_j U[i, j] (x_j - x_i)
            force.add_(pull.div_(meanDegree).mul_(HeldScalars.Of(options.Spring)), HeldScalars.One);
        }

        if (options.Repulsion > 0)
        {
            var squared = positions.square().sum(1, keepdim: true);                // (N, 1) |x_i|^2
            var one = torch.ones_like(squared);
            var left = cat([positions.mul(HeldScalars.Of(-2.0)), squared, one], 1);                     // (N, 4)
            var right = cat([columns, one.t(), squared.t().add(HeldScalars.Of(options.Softening * options.Softening), HeldScalars.One)], 0); // (4, N)
            // |x_i|^2 - 2 x_i.x_j + |x_j|^2 + h^2 in one product; rounding below zero is far smaller than h^2.
            var kernel = left.matmul(right).reciprocal_();                         // (N, N) K = 1 / (|x_i - x_j|^2 + h^2), symmetric
            var sums = withOnes.matmul(kernel);                                    // (3, N) [K x; K 1]^T
            var push = columns * sums[2..] - sums[..2];                            // (2, N) sum_j K[i, j] (x_i - x_j)
            force.add_(push.mul_(HeldScalars.Of(options.Repulsion / n)), HeldScalars.One);
        }

        if (options.Gravity > 0)
            force.add_(columns.neg().add_(HeldScalars.Of(0.5), HeldScalars.One).mul_(HeldScalars.Of(options.Gravity)), HeldScalars.One);              // gravity (c - x_i)

        var move = force.mul_(HeldScalars.Of(options.StepSize));                                   // (2, N)
        var length = move.norm(0, keepdim: true).clamp_min_(HeldScalars.Of(options.MaxMove));      // (1, N)
        move.mul_(length.reciprocal_().mul_(HeldScalars.Of(options.MaxMove)));                     // moves longer than maxMove shortened to it
        positions.add_(move.t(), HeldScalars.One).clamp_(HeldScalars.Of(0.0), HeldScalars.Of(1.0));
    }
}
