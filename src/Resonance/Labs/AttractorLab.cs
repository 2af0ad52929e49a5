using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Resonance.Attractors;
using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>
/// The attractor lab (kind <c>attractor</c>): a left and a right memory of the same stored patterns (a learned net and a
/// classical rule by default) retrieve from the same corrupted cue step by step, on the lab's own <see cref="LabThread"/>.
/// Frames are UTF-8 JSON (see docs/studio.md, "Attractor lab protocol").
/// </summary>
/// <remarks>A learned net trains on the lab thread when the nets are built (<c>configure</c>, creation, each load in a sweep),
/// publishing <c>training</c> frames; <c>cancel</c> stops a training or a sweep after its current epoch or load.</remarks>
public sealed partial class AttractorLab : ILab
{
    /// <summary>The kind name.</summary>
    public const string KindName = "attractor";

    /// <summary>Most loads in one sweep.</summary>
    public const int MaxSweepPoints = 12;

    static readonly Dictionary<string, string[]> Commands = new()
    {
        ["configure"] = ["settings"], ["pick"] = ["memory"], ["draw"] = ["pattern"], ["corrupt"] = ["kind", "level"],
        ["run"] = ["steps"], ["step"] = [], ["reset"] = [], ["sweep_load"] = ["p_values", "p_max"], ["cancel"] = [], ["state"] = [],
    };

    readonly LabThread thread = new("resonance-lab-attractor");
    readonly Device device;
    readonly Stopwatch clock = Stopwatch.StartNew();
    volatile FlatSettings settings;
    volatile CancellationTokenSource busy = new();
    volatile bool disposed;
    bool ended;                         // lab thread only: the disposal ran (its tensors are gone)

    // Lab thread only.
    AttractorLabNet? left, right;
    Tensor? bank;                       // (P, N)
    Tensor? target;                     // (N) the clean pattern the cue came from
    int? targetIndex;
    Tensor? cue, leftState, rightState; // (1, 1, N)
    Generator? cueStream;
    int step, remaining, revision;
    double nextStepS;
    JsonObject? lastSweep;

    /// <summary>A lab with <paramref name="settings"/> (flat keys, the rest default), nets built, memory 0 cued.</summary>
    /// <exception cref="LabInputException">A setting is unknown, of the wrong type or out of range.</exception>
    public AttractorLab(JsonObject? settings = null, Device? device = null)
    {
        this.device = device ?? CPU;
        this.settings = new FlatSettings(("", new AttractorLabOptions())).With(settings);
        try
        {
            thread.InvokeAsync(() => Build(rebuildNets: true)).GetAwaiter().GetResult();
        }
        catch (UserInputException e)
        {
            thread.Dispose();
            throw LabInputException.From(e, this.settings.Keys);
        }
        catch
        {
            thread.Dispose();
            throw;
        }
    }

    public string Kind => KindName;

    public LabFrameFeed Frames { get; } = new();

    public JsonObject Settings => settings.ToJson();

    /// <summary>The settings as a record.</summary>
    public AttractorLabOptions Options => settings.Get<AttractorLabOptions>("");

    public async Task<JsonObject> HandleAsync(JsonObject command, CancellationToken cancel = default)
    {
        var read = LabCommand.Read(command, Commands);
        if (disposed) throw new LabInputException(null, $"{read.Type}: the lab has ended; start a new one.");
        if (read.Type == "cancel")
        {
            busy.Cancel();                                                     // seen by a training or sweep in flight
            return new JsonObject { ["state"] = "ready", ["cancelled"] = true };
        }
        try
        {
            return await thread.InvokeAsync(() => Act(read)(), cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // a cancel command stopped the training of a configure: the lab keeps the nets and settings it had
            throw new LabInputException(null, $"{read.Type}: cancelled; the lab keeps the settings and nets it had.");
        }
        catch (ObjectDisposedException)
        {
            throw new LabInputException(null, $"{read.Type}: the lab has ended; start a new one.");
        }
        catch (UserInputException e)
        {
            throw LabInputException.From(e, settings.Keys);
        }
    }

    /// <summary>The action of a command, read on the lab thread against the settings as they are when it runs: a
    /// <c>configure</c> queued ahead of it (from another page) may have changed N or P, so a memory index, a drawn pattern's
    /// length or a sweep's loads checked on the caller's thread could be stale by then, and two configures read there would
    /// each start from the same settings and the second would undo the first. A command queued behind the disposal is refused.</summary>
    Func<JsonObject> Act(LabCommand read)
    {
        if (ended) throw new LabInputException(null, $"{read.Type}: the lab has ended; start a new one.");
        var options = Options;
        return read.Type switch
        {
            "configure" => ConfigureAction(read.Object("settings")),
            "pick" => PickAction(read.Whole("memory", 0, options.Memories - 1)),
            "draw" => DrawAction(ReadPattern(read, options.Neurons)),
            "corrupt" => CorruptAction(read),
            "run" => RunAction(read.Whole("steps", 1, 1000, options.Steps)),
            "step" => () => { remaining = 0; thread.SetIdle(null); StepOnce(); return Reply(frame: true); },
            "reset" => () => { Restart(); Publish(); return Reply(frame: true); },
            "sweep_load" => SweepAction(ReadLoads(read, options)),
            _ => () => Reply(full: true),
        };
    }

    Func<JsonObject> ConfigureAction(JsonObject changes)
    {
        var next = settings.With(changes);
        return () =>
        {
            bool rebuild = Options.NetsDiffer(next.Get<AttractorLabOptions>(""));
            var before = settings;
            settings = next;
            try { Build(rebuild); }
            catch
            {
                settings = before;                                              // Build changed nothing (its nets are built aside)
                throw;
            }
            revision++;
            return Reply(full: true);
        };
    }

    Func<JsonObject> PickAction(int memory) => () =>
    {
        target?.Dispose();
        target = bank![memory].clone().DetachFromDisposeScope();
        targetIndex = memory;
        NewCue();
        return Reply(frame: true);
    };

    Func<JsonObject> DrawAction(float[] pattern) => () =>
    {
        target?.Dispose();
        target = tensor(pattern, device: device).DetachFromDisposeScope();
        targetIndex = null;
        NewCue();
        return Reply(frame: true);
    };

    Func<JsonObject> CorruptAction(LabCommand read)
    {
        var changes = new JsonObject();
        if (read.Has("kind")) changes["corruption"] = read.Text("kind", ["flips", "noise"]);
        if (read.Has("level")) changes["level"] = read.Number("level", 0, 5);
        FlatSettings next;
        try { next = settings.With(changes); }
        catch (LabInputException e) when (e.Field is "corruption" or "level")
        {
            throw new LabInputException(e.Field == "corruption" ? "kind" : "level", e.Message.Replace("corruption:", "kind:"));
        }
        return () =>
        {
            settings = next;
            NewCue();
            return Reply(frame: true);
        };
    }

    Func<JsonObject> RunAction(int steps) => () =>
    {
        if (Options.Speed == 0)
        {
            for (int i = 0; i < steps; i++) StepOnce();
            return Reply(frame: true);
        }
        remaining = steps;
        nextStepS = clock.Elapsed.TotalSeconds;
        thread.SetIdle(Tick);
        return Reply();
    };

    TimeSpan? Tick()
    {
        if (remaining <= 0) return null;
        double now = clock.Elapsed.TotalSeconds;
        if (now < nextStepS) return TimeSpan.FromSeconds(nextStepS - now);
        StepOnce();
        remaining--;
        nextStepS += 1 / Options.Speed;
        return remaining > 0 ? TimeSpan.Zero : null;
    }

    /// <summary>Builds the memories and nets (when <paramref name="rebuildNets"/>), then cues memory 0 (or the drawn pattern).</summary>
    void Build(bool rebuildNets)
    {
        var options = Options;
        remaining = 0;
        thread.SetIdle(null);
        if (rebuildNets || bank is null)
        {
            var (nextBank, nextLeft, nextRight) = BuildNets(options);
            DisposeNets();
            (bank, left, right) = (nextBank, nextLeft, nextRight);
            target?.Dispose();
            target = bank[0].clone().DetachFromDisposeScope();
            targetIndex = 0;
        }
        else if (left is not null)
        {
            // Dynamics changed (update, gain): rebuild the cheap nets only; a learned net keeps its weights.
            using var scope = NewDisposeScope();
            var memories = bank.unsqueeze(0);
            var mask = ones(1, options.Memories, device: device);
            AttractorLabNet? nextLeft = null, nextRight = null;
            try
            {
                if (left.Rule != AttractorLabRule.LearnedDense) nextLeft = AttractorLabNet.Build(options.LeftRule, options, memories, mask, device, null, default);
                if (right!.Rule != AttractorLabRule.LearnedDense) nextRight = AttractorLabNet.Build(options.RightRule, options, memories, mask, device, null, default);
            }
            catch
            {
                nextLeft?.Dispose();
                throw;
            }
            if (nextLeft is not null) { left.Dispose(); left = nextLeft; }
            if (nextRight is not null) { right.Dispose(); right = nextRight; }
        }
        cueStream?.Dispose();
        cueStream = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "lab.cues"));
        NewCue();
    }

    /// <summary>The memories and both nets for <paramref name="options"/>, built aside: when a training is cancelled or a rule
    /// refuses the settings, what was built is freed and the lab's own nets are untouched.</summary>
    (Tensor Bank, AttractorLabNet Left, AttractorLabNet Right) BuildNets(AttractorLabOptions options)
    {
        Tensor? nextBank = null;
        AttractorLabNet? nextLeft = null;
        try
        {
            nextBank = MemoryPatterns.Bank(options.Seed, options.Neurons, options.Memories).to(device).DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            var memories = nextBank.unsqueeze(0);
            var mask = ones(1, options.Memories, device: device);
            var token = Renew();
            nextLeft = AttractorLabNet.Build(options.LeftRule, options, memories, mask, device, Progress("left", options), token);
            token.ThrowIfCancellationRequested();                               // a cancelled training returns early, not trained
            var nextRight = AttractorLabNet.Build(options.RightRule, options, memories, mask, device, Progress("right", options), token);
            if (token.IsCancellationRequested)
            {
                nextRight.Dispose();
                token.ThrowIfCancellationRequested();
            }
            return (nextBank, nextLeft, nextRight);
        }
        catch
        {
            nextLeft?.Dispose();
            nextBank?.Dispose();
            throw;
        }
    }

    void NewCue()
    {
        var options = Options;
        cue?.Dispose();
        using (var scope = NewDisposeScope())
        {
            var clean = target!.reshape(1, 1, -1);
            var corrupted = options.Corruption == AttractorLabCorruption.Flips
                ? MemoryPatterns.FlipExactly(clean, options.Level, cueStream!)
                : MemoryPatterns.AddGaussian(clean, options.Level, cueStream!);
            cue = corrupted.DetachFromDisposeScope();
        }
        Restart();
        Publish();
    }

    void Restart()
    {
        remaining = 0;
        thread.SetIdle(null);
        step = 0;
        leftState?.Dispose();
        rightState?.Dispose();
        leftState = cue!.clone().DetachFromDisposeScope();
        rightState = cue.clone().DetachFromDisposeScope();
    }

    void StepOnce()
    {
        var nextLeft = left!.Step(leftState!).DetachFromDisposeScope();
        var nextRight = right!.Step(rightState!).DetachFromDisposeScope();
        leftState!.Dispose();
        rightState!.Dispose();
        (leftState, rightState) = (nextLeft, nextRight);
        step++;
        Publish();
    }

    JsonObject RetrievalFrame()
    {
        var options = Options;
        JsonObject Net(string side, AttractorLabNet net, Tensor state)
        {
            using var scope = NewDisposeScope();
            float[] values = state.cpu().data<float>().ToArray();
            float[] overlaps = net.Overlaps(state).cpu().data<float>().ToArray();
            double? energy = net.Energy(state) is { } e ? e.cpu().item<float>() : null;
            double targetOverlap = (state.flatten() * target!).sum().item<float>() / options.Neurons;
            return new JsonObject
            {
                ["side"] = side,
                ["rule"] = AttractorLabNet.Name(net.Rule),
                ["state"] = Floats(values),
                ["overlaps"] = Floats(overlaps),
                ["energy"] = energy,
                ["target_overlap"] = targetOverlap,
            };
        }
        using var cueScope = NewDisposeScope();
        return new JsonObject
        {
            ["type"] = "retrieval",
            ["step"] = step,
            ["neurons"] = options.Neurons,
            ["side"] = options.Side,
            ["memories"] = options.Memories,
            ["target"] = targetIndex,
            ["corruption"] = Experiments.ConfigBinder.SnakeCase(options.Corruption.ToString()),
            ["level"] = options.Level,
            ["pattern"] = Floats(target!.cpu().data<float>().ToArray()),
            ["cue"] = Floats(cue!.cpu().data<float>().ToArray()),
            ["nets"] = new JsonArray(Net("left", left!, leftState!), Net("right", right!, rightState!)),
            ["revision"] = revision,
            ["time_ms"] = clock.Elapsed.TotalMilliseconds,
        };
    }

    void Publish() => Frames.Publish(JsonSerializer.SerializeToUtf8Bytes(RetrievalFrame()));

    IProgress<AttractorTrainingProgress>? Progress(string side, AttractorLabOptions options, int? load = null)
    {
        double lastS = double.NegativeInfinity;
        return new Reporter(progress =>
        {
            double now = clock.Elapsed.TotalSeconds;
            if (now - lastS < 0.1 && progress.Epoch < progress.Epochs) return;
            lastS = now;
            Frames.Publish(JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["type"] = "training", ["side"] = side, ["rule"] = AttractorLabNet.Name(AttractorLabRule.LearnedDense),
                ["epoch"] = progress.Epoch, ["epochs"] = progress.Epochs, ["loss"] = progress.MeanLoss is double l && double.IsFinite(l) ? l : null,
                ["load_memories"] = load, ["time_ms"] = clock.Elapsed.TotalMilliseconds,
            }));
        });
    }

    sealed class Reporter(Action<AttractorTrainingProgress> report) : IProgress<AttractorTrainingProgress>
    {
        public void Report(AttractorTrainingProgress value) => report(value);
    }

    CancellationToken Renew()
    {
        var fresh = new CancellationTokenSource();
        busy = fresh;
        return fresh.Token;
    }

    JsonObject Reply(bool frame = false, bool full = false)
    {
        var reply = new JsonObject { ["state"] = remaining > 0 ? "running" : "ready", ["step"] = step, ["revision"] = revision, ["serial"] = thread.Serial };
        if (frame || full) reply["frame"] = RetrievalFrame();
        if (full)
        {
            reply["settings"] = settings.ToJson();
            reply["patterns"] = new JsonArray([.. Enumerable.Range(0, (int)bank!.shape[0]).Select(i => (JsonNode)Floats(bank[i].cpu().data<float>().ToArray()))]);
            reply["rules"] = new JsonArray([.. Enum.GetValues<AttractorLabRule>().Select(r => (JsonNode)AttractorLabNet.Name(r))]);
            reply["energy"] = new JsonObject { ["left"] = left!.HasEnergy, ["right"] = right!.HasEnergy };
            reply["sweep"] = lastSweep?.DeepClone();
        }
        return reply;
    }

    static JsonArray Floats(float[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    static float[] ReadPattern(LabCommand read, int neurons)
    {
        var array = read.Array("pattern", neurons);
        if (array.Count != neurons)
            throw new LabInputException("pattern", $"pattern: expected {neurons} values (the {(int)Math.Round(Math.Sqrt(neurons))} x {(int)Math.Round(Math.Sqrt(neurons))} grid, row by row); got {array.Count}.");
        var pattern = new float[neurons];
        for (int i = 0; i < neurons; i++)
        {
            var node = array[i];
            if (node is null || node.GetValueKind() != JsonValueKind.Number || LabCommand.ToDouble(node) is not (1 or -1))
                throw new LabInputException("pattern", $"pattern: every value is -1 or 1; entry {i} is {LabCommand.Kind(node)}.");
            pattern[i] = (float)LabCommand.ToDouble(node);
        }
        return pattern;
    }

    static int[] ReadLoads(LabCommand read, AttractorLabOptions options)
    {
        if (read.Has("p_values") && read.Has("p_max"))
            throw new LabInputException("p_values", "sweep_load: give p_values or p_max, not both.");
        if (read.Has("p_values"))
        {
            var array = read.Array("p_values", MaxSweepPoints);
            if (array.Count == 0) throw new LabInputException("p_values", "p_values: expected at least one number of memories.");
            var loads = array.Select(node => (int)LabCommand.WholeNumber("p_values", node, 1, options.Neurons)).ToArray();
            if (loads.Distinct().Count() != loads.Length) throw new LabInputException("p_values", "p_values: a number of memories is listed twice; give each once.");
            return [.. loads.Order()];
        }
        int most = read.Whole("p_max", 1, options.Neurons, Math.Min(options.Neurons, Math.Max(2, 2 * options.Memories)));
        return [.. Enumerable.Range(1, MaxSweepPoints).Select(i => (int)Math.Round((double)i * most / MaxSweepPoints)).Where(p => p >= 1).Distinct()];
    }

    void DisposeNets()
    {
        left?.Dispose();
        right?.Dispose();
        bank?.Dispose();
        left = right = null;
        bank = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        busy.Cancel();
        try
        {
            await thread.InvokeAsync(() =>
            {
                ended = true;
                thread.SetIdle(null);
                Frames.Complete();
                DisposeNets();
                foreach (var t in new[] { target, cue, leftState, rightState }) t?.Dispose();
                cueStream?.Dispose();
            }).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) { }
        thread.Dispose();
    }
}
