using TorchSharp;

namespace Resonance.Training;

/// <summary>Scalars and histograms into TensorBoard event files through TorchSharp's SummaryWriter.</summary>
public sealed class TensorBoardSink : IDisposable
{
    readonly TorchSharp.Modules.SummaryWriter writer;

    public TensorBoardSink(string folder)
    {
        Directory.CreateDirectory(folder);
        writer = torch.utils.tensorboard.SummaryWriter(folder);
    }

    public void Scalar(string tag, double value, long step) => writer.add_scalar(tag, (float)value, checked((int)step));

    public void Histogram(string tag, torch.Tensor values, long step) => writer.add_histogram(tag, values, checked((int)step));

    public void Dispose() { }
}
