using TorchSharp;
using static TorchSharp.torch;
namespace Resonance.Models;
// TEMPORARY until the baselines branch merges.
public sealed record TempOptions { public int Hidden { get; init; } = 16; }
sealed class TempRnn : SequenceModel
{
    readonly TorchSharp.Modules.RNN rnn; readonly TorchSharp.Modules.Linear head;
    public TempRnn(TempOptions o, ModelShape s, long seed) : base("temp", s)
    { manual_seed(seed); rnn = nn.RNN(s.InputSize, o.Hidden, batchFirst: true); head = nn.Linear(o.Hidden, s.OutputSize); RegisterComponents(); }
    public override IRecurrentDynamics? Dynamics => null;
    public override Tensor forward(Tensor x) { var (y, _) = rnn.call(x); return Shape.Task == TaskKind.Classification ? head.call(y.select(1, -1)) : head.call(y); }
}
public static class ModelCatalog
{
    public static ModelRegistry CreateDefault() => new([ModelEntries.Of<TempOptions>("rnn", (o, s, seed) => new TempRnn(o, s, seed), "temp")]);
}
