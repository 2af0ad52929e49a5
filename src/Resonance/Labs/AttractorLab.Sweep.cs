using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Labs;

public sealed partial class AttractorLab
{
    /// <summary>A cue counts as retrieved when the signs of its final state overlap its memory by at least this.</summary>
    public const double RetrievedOverlap = 0.99;

    /// <summary>Retrieval success against the number of memories for both rules: for each load <c>P</c>, the first <c>P</c>
    /// memories of one bank (seed), each cued <c>trials</c> times with the lab's corruption, run <c>steps</c> updates. All loads
    /// run as one batched program per rule (a learned rule trains one net per load, batched, with training frames).</summary>
    Func<JsonObject> SweepAction(int[] loads) => () =>
    {
        try { return Sweep(loads); }
        catch (OperationCanceledException)
        {
            var reply = Reply();
            reply["cancelled"] = true;
            return reply;
        }
    };

    JsonObject Sweep(int[] loads)
    {
        var options = Options;
        remaining = 0;
        thread.SetIdle(null);
        var token = Renew();
        int k = loads.Length, most = loads.Max(), trials = options.Trials;
        using var scope = NewDisposeScope();
        var bank = MemoryPatterns.Bank(options.Seed, options.Neurons, most).to(device);                      // (Pmax, N)
        var counts = tensor(loads, device: device).unsqueeze(1);                                            // (K, 1)
        var mask = (arange(most, device: device).unsqueeze(0) < counts).to(float32);                        // (K, Pmax)
        var memories = bank.unsqueeze(0).expand(k, most, options.Neurons) * mask.unsqueeze(2);              // (K, Pmax, N)
        var targets = memories.repeat_interleave(trials, 1);                                                 // (K, Pmax T, N)
        var cueMask = mask.repeat_interleave(trials, 1);                                                     // (K, Pmax T)
        using var stream = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "lab.sweep"));
        var cues = options.Corruption == AttractorLabCorruption.Flips
            ? MemoryPatterns.FlipExactly(targets, options.Level, stream)
            : MemoryPatterns.AddGaussian(targets, options.Level, stream);
        var result = new JsonObject
        {
            ["type"] = "sweep", ["loads"] = new JsonArray([.. loads.Select(p => (JsonNode)p)]), ["neurons"] = options.Neurons,
            ["corruption"] = Experiments.ConfigBinder.SnakeCase(options.Corruption.ToString()), ["level"] = options.Level,
            ["steps"] = options.Steps, ["trials"] = trials, ["retrieved_overlap"] = RetrievedOverlap, ["done"] = 0, ["total"] = 2,
        };
        foreach (var (side, rule) in new[] { ("left", options.LeftRule), ("right", options.RightRule) })
        {
            token.ThrowIfCancellationRequested();
            using var net = AttractorLabNet.Build(rule, options, memories, mask, device, Progress(side, options), token);
            token.ThrowIfCancellationRequested();
            var states = cues;
            for (int t = 0; t < options.Steps; t++)
            {
                var next = net.Step(states).DetachFromDisposeScope();
                if (!ReferenceEquals(states, cues)) states.Dispose();
                states = next;
            }
            states.MoveToOuterDisposeScope();                                                               // now the sweep's scope owns it
            var final = (states * targets).sum(2).div_(HeldScalars.Of((double)options.Neurons));                                       // (K, Pmax T)
            var bits = (MemoryPatterns.Sign(states) * targets).sum(2).div_(HeldScalars.Of((double)options.Neurons));
            var perLoad = cueMask.sum(1);
            var success = (bits.ge(HeldScalars.Of(RetrievedOverlap)).to(float32) * cueMask).sum(1) / perLoad;
            var overlap = (final * cueMask).sum(1) / perLoad;
            result[side] = new JsonObject
            {
                ["rule"] = AttractorLabNet.Name(rule),
                ["success"] = Floats(success.cpu().data<float>().ToArray()),
                ["overlap"] = Floats(overlap.cpu().data<float>().ToArray()),
            };
            result["done"] = (int)result["done"]! + 1;
            Frames.Publish(JsonSerializer.SerializeToUtf8Bytes(result));
        }
        lastSweep = result;
        var done = Reply();
        done["sweep"] = result.DeepClone();
        return done;
    }
}
