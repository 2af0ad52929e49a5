using Resonance.Models;
using Resonance.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Studies.TemporalAveraging;

/// <summary>Building and scoring the nets a study compares: the temporal-averaging net and the MLP, on 28 × 28 images.</summary>
internal static class StudyNets
{
    /// <summary>What the nets read: 28 rows of 28 pixels, 10 classes.</summary>
    public static readonly ModelShape Shape = new(28, 10, 28, TaskKind.Classification);

    /// <summary>A temporal-averaging net whose streams derive from <paramref name="seed"/> and <paramref name="role"/>.</summary>
    public static TemporalAveragingNet Temporal(TemporalAveragingOptions options, long seed, string role, Device device)
    {
        var net = new TemporalAveragingNet(options, Shape, RandomStreams.Derive(seed, role));
        net.to(device);
        return net;
    }

    /// <summary>The MLP baseline, its streams from <paramref name="seed"/>.</summary>
    public static Mlp Mlp(MlpOptions options, long seed, Device device)
    {
        var net = new Mlp(options, Shape, RandomStreams.Derive(seed, "mlp"));
        net.to(device);
        return net;
    }

    /// <summary>Test accuracy of any net from its forward pass (the MLP; a temporal net at its own <c>T</c>).</summary>
    /// <param name="net">The net, put in evaluation mode here.</param>
    /// <param name="images"><c>(N, 28, 28)</c>.</param>
    /// <param name="labels"><c>(N)</c>.</param>
    /// <param name="batchSize">Images per forward pass (memory only).</param>
    public static double Accuracy(SequenceModel net, Tensor images, Tensor labels, int batchSize)
    {
        net.eval();
        using var noGrad = no_grad();
        long correct = 0, count = images.shape[0];
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, count - start);
            correct += net.forward(images.narrow(0, start, size)).argmax(1).eq(labels.narrow(0, start, size)).sum().item<long>();
        }
        return count == 0 ? double.NaN : (double)correct / count;
    }

    /// <summary>Test accuracy of a temporal net's averaged answer after each of <paramref name="iterations"/> (see <see cref="IterationRun"/>).</summary>
    /// <returns>One accuracy per entry of <paramref name="iterations"/>.</returns>
    public static double[] Accuracies(TemporalAveragingNet net, Tensor images, Tensor labels, IReadOnlyList<int> iterations, int batchSize, long evalSeed)
    {
        net.eval();
        int most = iterations.Max();
        var correct = new long[iterations.Count];
        long count = images.shape[0];
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, count - start);
            var (readouts, _) = IterationRun.Run(net, images.narrow(0, start, size), most, RandomStreams.Derive(evalSeed, $"batch.{start}"), keepStates: false);
            Tensor predictions = IterationRun.Averaged(readouts).argmax(2);              // (T, B)
            Tensor truth = labels.narrow(0, start, size).unsqueeze(0);                    // (1, B)
            long[] perIteration = predictions.eq(truth).sum(1L).cpu().data<long>().ToArray();
            for (int i = 0; i < iterations.Count; i++) correct[i] += perIteration[iterations[i] - 1];
        }
        return [.. correct.Select(c => count == 0 ? double.NaN : (double)c / count)];
    }
}
