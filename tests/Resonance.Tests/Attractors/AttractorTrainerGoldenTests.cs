using Resonance.Attractors;
using static TorchSharp.torch;
using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

/// <summary>
/// Golden runs of <see cref="AttractorTrainer"/>: one tiny training (N = 16, 2 + 6 steps, a few memories and epochs, CPU,
/// fixed seeds) per regimen and cue loss, and one batch that mixes them beside a diverging net. The figures were recorded
/// from the trainer before its losses became a catalogue; same seed, same numbers.
/// </summary>
public class AttractorTrainerGoldenTests
{
    /// <summary>One net's figures at the end of a golden run.</summary>
    /// <param name="RecurrentSquares"><c>‖L‖²</c> of its final weights.</param>
    /// <param name="Logged">Epochs in its history.</param>
    public sealed record GoldenNet(string Label, NetStatus Status, int Epoch, double Loss, double Reaction, double Retention, double RecurrentSquares, int Logged);

    /// <summary>A golden run: its nets and the epochs the batch ran.</summary>
    public sealed record GoldenRun(string Name, int EpochsRun, GoldenNet[] Nets);

    /// <summary>Every golden run, recorded with the trainer before the refactor.</summary>
    public static readonly IReadOnlyList<GoldenRun> Recorded =
    [
        new("cyclic", 41, [new("p2", NetStatus.Converged, 29, 0.116771378, 0.957300186, 0.924699664, 11.7067814, 29), new("p3", NetStatus.Converged, 41, 0.154301047, 0.934200466, 0.916159809, 14.0931635, 41)]),
        new("batch", 29, [new("p2", NetStatus.Converged, 29, 0.120383173, 0.961566985, 0.923987389, 12.0558538, 29), new("p3", NetStatus.Converged, 27, 0.149190262, 0.938028991, 0.919517517, 16.8655262, 27)]),
        new("noisy", 15, [new("p2", NetStatus.NotConverged, 15, 2.1218133, 0.753683805, 0.592503428, 8.93997574, 15), new("p3", NetStatus.NotConverged, 15, 1.45508587, 0.778880298, 0.67554611, 10.9209623, 15)]),
        new("basin/bit-error", 15, [new("p3", NetStatus.NotConverged, 15, 0.38670668, 0.572706759, 0.515148401, 9.06093979, 15)]),
        new("basin/cue-error", 15, [new("p3", NetStatus.NotConverged, 15, 1.72943079, 0.544363976, 0.516725719, 9.20650005, 15)]),
        new("basin/trajectory", 15, [new("p3", NetStatus.NotConverged, 15, 1.44252002, 0.0707233697, 0.125752985, 8.39662933, 15)]),
        new("basin/contrastive", 15, [new("p2", NetStatus.NotConverged, 15, 0.0948117971, 0.999664366, 0.99813211, 27.9365044, 15), new("p3", NetStatus.NotConverged, 15, 0.0574363768, 0.999664128, 0.996460259, 38.733326, 15)]),
        new("mixed", 25, [new("cyclic", NetStatus.NotConverged, 25, 1.15337884, 0.526213646, 0.476327389, 51.381443, 25), new("noisy", NetStatus.NotConverged, 25, 2.69160962, 0.667522907, 0.454764366, 49.913002, 25), new("basin", NetStatus.NotConverged, 25, 0.396297157, 0.494873375, 0.723718405, 48.1926079, 25), new("batch", NetStatus.NotConverged, 25, 1.42653072, 0.715770066, 0.576771498, 54.8053551, 25), new("relu", NetStatus.Diverged, 4, 0.144391939, double.NaN, double.NaN, 0, 4)]),
    ];

    public static TheoryData<string> Names => new(Recorded.Select(run => run.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_tiny_run_ends_with_its_recorded_figures(string name)
    {
        var expected = Recorded.Single(run => run.Name == name);
        using var result = Run(name);
        var actual = Figures(name, result);
        Assert.Equal(expected.EpochsRun, actual.EpochsRun);
        Assert.Equal(expected.Nets.Length, actual.Nets.Length);
        foreach (var (want, got) in expected.Nets.Zip(actual.Nets))
        {
            Assert.Equal((want.Label, want.Status, want.Epoch, want.Logged), (got.Label, got.Status, got.Epoch, got.Logged));
            Close(want.Loss, got.Loss, $"{name} {want.Label} loss");
            Close(want.Reaction, got.Reaction, $"{name} {want.Label} reaction");
            Close(want.Retention, got.Retention, $"{name} {want.Label} retention");
            Close(want.RecurrentSquares, got.RecurrentSquares, $"{name} {want.Label} ‖L‖²");
        }
    }

    [Fact]
    public void Every_regimen_and_cue_loss_has_a_golden_run()
    {
        string[] names = ["cyclic", "batch", "noisy", "basin/bit-error", "basin/cue-error", "basin/trajectory", "basin/contrastive", "mixed"];
        Assert.Equal(names, Recorded.Select(run => run.Name));
    }

    /// <summary>Equal within 1e-6 of the recorded value (NaN matches NaN).</summary>
    static void Close(double expected, double actual, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}"); return; }
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>The figures of a finished run.</summary>
    internal static GoldenRun Figures(string name, AttractorTrainingResult result)
    {
        float[] squares = result.Model.Recurrent.detach().square().sum([1, 2]).data<float>().ToArray();
        return new GoldenRun(name, result.EpochsRun, result.Outcomes.Select((o, i) =>
            new GoldenNet(o.Label, o.Status, o.Epoch, o.Loss, o.Reaction, o.Retention, squares[i], o.History.Count)).ToArray());
    }

    /// <summary>The golden run called <paramref name="name"/>.</summary>
    internal static AttractorTrainingResult Run(string name)
    {
        using var two = MemoryPatterns.Bank(2, 16, 2);
        using var three = MemoryPatterns.Bank(3, 16, 3);
        var network = Network();
        var converging = TrainingWith(epochs: 60) with { ConvergenceThreshold = 0.9, ConvergenceEpochs = 3 };
        var corrupting = TrainingWith(epochs: 15) with { NoiseCues = 2, NoiseFlipMax = 0.3 };
        var basin = corrupting with { Regimen = Regimen.Basin };
        return name switch
        {
            "cyclic" => Train(network, converging, ("p2", two, 5), ("p3", three, 6)),
            "batch" => Train(network, converging with { Regimen = Regimen.Batch }, ("p2", two, 5), ("p3", three, 6)),
            "noisy" => Train(network, corrupting with { Regimen = Regimen.Noisy, NoiseSigma = 0.1 }, ("p2", two, 5), ("p3", three, 6)),
            "basin/bit-error" => Train(network, basin with { FixedPointWeight = 0.5, L2 = 1e-3 }, ("p3", three, 7)),
            "basin/cue-error" => Train(network, basin with { CueLoss = CueLoss.CueError, CleanMargin = 2, CleanWeight = 2, NoiseFlipMin = 0.1 }, ("p3", three, 7)),
            "basin/trajectory" => Train(network, basin with { CueLoss = CueLoss.Trajectory, CleanMargin = 2, CueMargin = 0.5 }, ("p3", three, 7)),
            "basin/contrastive" => Train(network with { Init = AttractorInit.PseudoInverse, SelfCoupling = false },
                basin with { CueLoss = CueLoss.Contrastive, Lr = 0.05, NoiseFlipMax = 0.4, StopAtConvergence = false }, ("p2", two, 8), ("p3", three, 9)),
            "mixed" => AttractorTrainer.Train(
            [
                new AttractorNetPlan("cyclic", two, new AttractorNetSpec(11), Regimen.Cyclic, 1, 1e-6),
                new AttractorNetPlan("noisy", three, new AttractorNetSpec(12, Activation.Tanh, Symmetric: false), Regimen.Noisy, 0.5, 1e-4),
                new AttractorNetPlan("basin", two, new AttractorNetSpec(13), Regimen.Basin, 1, 1e-6),
                new AttractorNetPlan("batch", three, new AttractorNetSpec(14), Regimen.Batch, 1, 1e-6),
                new AttractorNetPlan("relu", two, new AttractorNetSpec(15, Activation.Relu), Regimen.Batch, 0, 1e-6),
            ], network with { InitScale = 3 }, corrupting with { Epochs = 25, ClipGradNorm = 0.5, DivergenceLimit = 100 }, CPU),
            _ => throw new ArgumentException($"no golden run {name}"),
        };

        static AttractorTrainingResult Train(AttractorNetworkOptions network, AttractorTrainingOptions training, params (string Label, Tensor Memories, long Seed)[] nets) =>
            AttractorTrainer.Train(nets.Select(net => AttractorNetPlan.Of(net.Label, net.Memories, net.Seed, network, training)).ToList(), network, training, CPU);
    }
}
