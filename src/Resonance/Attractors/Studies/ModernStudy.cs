using Resonance.Runs;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Attractors.Studies;

/// <summary>
/// Study 6: modern (dense) Hopfield memory, Ramsauer et al. 2020. <c>P</c> random memories of <c>N</c> bits, far more than
/// <c>N</c>; cues with a fraction of bits flipped; one update <c>ξ ← X softmax(β Xᵀ ξ)</c>; the error is the fraction of
/// cues whose update, read out by sign, is not exactly the memory. Swept over <c>P</c>, <c>β</c> and the flipped fraction.
/// </summary>
internal static class ModernStudy
{
    sealed record Point(int Memories, double Beta, double Flip, double Error, double Overlap);

    public static StudyOutcome Run(StudyContext context)
    {
        var study = context.Study;
        var options = (ModernOptions)study.Options;
        var device = context.Device;
        int n = options.Neurons;
        var points = new List<Point>();
        foreach (int p in options.Memories.Distinct().Order())
        {
            context.Note("test", $"P = {p} ({(double)p / n:0.##} N)");
            using var scope = NewDisposeScope();
            Tensor memories = MemoryPatterns.Bank(RandomStreams.Derive(study.Seed, $"memories.p{p}"), n, p).to(device).unsqueeze(0);    // (1, P, N)
            Tensor mask = ones(1, p, device: device);
            int queries = Math.Min(p, options.Queries);
            using var pick = RandomStreams.Generator(RandomStreams.Derive(study.Seed, $"queries.p{p}"));
            Tensor chosen = randperm(p, generator: pick).narrow(0, 0, queries).to(device);
            Tensor targets = memories[0].index_select(0, chosen).unsqueeze(0);                                                      // (1, Q, N)
            foreach (double flip in options.FlipFractions)
            {
                using var cueStream = RandomStreams.Generator(RandomStreams.Derive(study.Seed, $"cues.p{p}.f{flip:R}"));
                Tensor cues = MemoryPatterns.FlipExactly(targets, flip, cueStream);
                foreach (double beta in options.Betas)
                {
                    using var step = NewDisposeScope();
                    Tensor retrieved = ModernHopfield.Retrieve(memories, mask, cues, beta);                                         // (1, Q, N)
                    double error = (MemoryPatterns.Sign(retrieved) != targets).any(-1).to(float32).mean().item<float>();
                    double overlap = ((retrieved * targets).sum([-1]) / n).mean().item<float>();
                    points.Add(new Point(p, beta, flip, error, overlap));
                    context.Log("test")(new Dictionary<string, object?>
                    {
                        ["kind"] = "test", ["step"] = 0, ["memories"] = p, ["beta"] = beta, ["flip"] = flip, ["error"] = error, ["overlap"] = overlap, ["queries"] = queries,
                    });
                }
            }
        }

        var summary = new Dictionary<string, object?>();
        foreach (var point in points)
        {
            string key = $"p{point.Memories}_beta{point.Beta.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace('.', '_')}_flip{point.Flip * 100:0}";
            summary[$"{key}_error"] = point.Error;
            summary[$"{key}_overlap"] = point.Overlap;
        }
        int largest = options.Memories.Max();
        var tables = new List<StudyTable>();
        foreach (double flip in options.FlipFractions)
        {
            var rows = options.Betas.Select(beta => (IReadOnlyList<string>)[OptionChecks.Format(beta),
                .. options.Memories.Distinct().Order().Select(p => StudyTable.Number(points.Single(x => x.Memories == p && x.Beta == beta && x.Flip == flip).Error))]).ToList();
            tables.Add(new StudyTable($"flip{flip * 100:0}", $"Modern Hopfield, N = {n}, cues with {flip * 100:0.#}% flipped: fraction of cues not retrieved exactly in one update",
                ["β", .. options.Memories.Distinct().Order().Select(p => $"P = {p} ({(double)p / n:0.##} N)")], rows,
                flip == options.FlipFractions[0]
                    ? [$"Up to {options.Queries} memories queried per P; exact retrieval = sign of the updated state equals the memory in all {n} bits.",
                       $"For contrast, Hebbian storage holds about 0.138 N = {0.138 * n:0.#} memories at N = {n} (no noisy cues)."]
                    : null));
        }
        var longTable = new StudyTable("modern-long", "Every point", ["P", "P/N", "β", "flipped", "error", "mean overlap after one update"],
            [.. points.Select(x => (IReadOnlyList<string>)[StudyTable.Whole(x.Memories), StudyTable.Number((double)x.Memories / n, 2), OptionChecks.Format(x.Beta), OptionChecks.Format(x.Flip), StudyTable.Number(x.Error), StudyTable.Number(x.Overlap)])]);
        tables.Add(longTable);

        var panels = options.FlipFractions.Select(flip => AttractorPlots.Lines($"N = {n}, {flip * 100:0.#}% flipped cues", "memories P (log)", "retrieval error after one update",
            [.. options.Betas.Select(beta =>
            {
                var line = points.Where(x => x.Beta == beta && x.Flip == flip).OrderBy(x => x.Memories).ToList();
                return new PlotSeries($"β = {OptionChecks.Format(beta)}", line.Select(x => (double)x.Memories).ToArray(), line.Select(x => x.Error).ToArray());
            })], logX: true, yLimits: (-0.05, 1.05), legend: ScottPlot.Alignment.MiddleLeft)).ToList();
        var plots = new List<string> { AttractorPlots.SaveSheet(panels, Path.Combine(context.PlotsPath, "modern.png"), columns: Math.Min(3, panels.Count)) };
        double best = points.Where(x => x.Memories == largest).Min(x => x.Error);
        summary["largest_memories"] = largest;
        summary["largest_load"] = (double)largest / n;
        return new StudyOutcome(tables, summary, plots, false, $"P up to {largest} = {(double)largest / n:0.#} N; lowest error there {best:0.###}");
    }
}
