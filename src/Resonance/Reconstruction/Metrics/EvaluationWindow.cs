using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>
/// The free-run evaluation rule: to compare a model with a true series of <c>T</c> rows, generate <c>⌊1.25 T⌋</c> steps from the
/// first true state and drop the first <c>⌊0.25 T⌋</c> as transient, which leaves exactly <c>T</c> rows.
/// </summary>
/// <remarks>DurstewitzLab/GTF-shPLRNN, <c>src/evaluation.jl</c> (<c>evaluate_run</c>); D_stsp and D_H are then computed on the kept rows.</remarks>
public static class EvaluationWindow
{
    /// <summary><c>⌊1.25 T⌋</c>: steps to generate for a true series of <paramref name="trueSteps"/> rows.</summary>
    public static int GeneratedSteps(int trueSteps)
    {
        if (trueSteps < 1) throw new ArgumentOutOfRangeException(nameof(trueSteps), trueSteps, "expected at least one row");
        return (int)Math.Floor(1.25 * trueSteps);
    }

    /// <summary><c>⌊0.25 T⌋</c>: leading generated steps dropped as transient.</summary>
    public static int DroppedSteps(int trueSteps) => (int)Math.Floor(0.25 * trueSteps);

    /// <summary>The rows kept for comparison: <paramref name="generated"/> without its first <c>⌊0.25 T⌋</c> rows.</summary>
    /// <param name="generated">Free run <c>(⌊1.25 T⌋, D)</c>.</param>
    /// <param name="trueSteps">T.</param>
    /// <returns>A view <c>(T, D)</c>.</returns>
    public static Tensor Kept(Tensor generated, int trueSteps)
    {
        SeriesRows.Check(generated, nameof(generated));
        if (generated.shape[0] != GeneratedSteps(trueSteps))
            throw new ArgumentException($"generated: expected {GeneratedSteps(trueSteps)} rows (⌊1.25 T⌋ for T = {trueSteps}), got {generated.shape[0]}.", nameof(generated));
        return generated[DroppedSteps(trueSteps)..];
    }

    /// <summary>Runs <paramref name="generate"/> for <c>⌊1.25 T⌋</c> steps and returns the kept <c>T</c> rows.</summary>
    /// <param name="trueSteps">T.</param>
    /// <param name="generate">Free run of the given number of steps, <c>(steps, D)</c>.</param>
    public static Tensor Run(int trueSteps, Func<int, Tensor> generate) => Kept(generate(GeneratedSteps(trueSteps)), trueSteps);
}
