using System.Diagnostics;
using System.Text.Json.Nodes;
using Resonance.Sparks;
using static TorchSharp.torch;

namespace Resonance.Labs;

/// <summary>
/// The live spark network (kind <c>sparks</c>): a <see cref="SparkSimulation"/> on its own <see cref="LabThread"/>, played,
/// paused, stepped, edited while paused, snapshotted and restored by JSON commands, streaming binary
/// <see cref="SparkLabFrame"/>s through a latest-frame slot.
/// </summary>
/// <remarks>
/// <para>While playing, the lab thread steps as fast as it goes (or at <c>frame.max_steps_per_second</c>) and publishes a
/// frame at most <c>frame.max_per_second</c> times a second; commands run between steps. Emergence measures (about
/// 7 ms at N = 1,024; on this thread, since they read the simulation's tensors) are taken every
/// <c>measures.every</c> steps, but never more than <c>frame.measure_share</c> of the time (see
/// <see cref="SparkLabFrameOptions.MeasureShare"/>); a step, an edit and a restore measure at once.</para>
/// <para>Snapshots are kept in the lab (the latest <see cref="KeptSnapshots"/>) as <c>.npz</c> bytes: <c>snapshot</c> replies
/// with their id and size, <see cref="SnapshotBytes"/> hands the bytes out, and <c>restore</c> takes an id or a whole
/// <c>.npz</c> in base64.</para>
/// </remarks>
public sealed partial class SparkLab : ILab
{
    /// <summary>The kind name.</summary>
    public const string KindName = "sparks";

    /// <summary>Most neurons a live lab runs (frames and steps must stay live).</summary>
    public const int MaxNeurons = 4096;

    /// <summary>Snapshots kept; older ones are dropped.</summary>
    public const int KeptSnapshots = 8;

    /// <summary>Largest <c>.npz</c> that <c>restore</c> takes, in bytes.</summary>
    public const int MaxSnapshotBytes = 96 << 20;

    static readonly Dictionary<string, string[]> Commands = new()
    {
        ["play"] = [], ["pause"] = [], ["step"] = ["steps"], ["stop"] = [], ["edit"] = ["settings"],
        ["snapshot"] = [], ["restore"] = ["id", "npz"], ["state"] = [],
    };

    readonly LabThread thread = new("resonance-lab-sparks");
    readonly Device device;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly object snapshotGate = new();
    readonly List<(string Id, byte[] Bytes, long Step)> snapshots = [];
    volatile FlatSettings settings;
    volatile bool stopped;
    int snapshotCount;

    // Lab thread only.
    SparkSimulation? simulation;
    SparkMeasures? measures;
    bool playing;
    int revision;
    long stepsThisPlay;
    double playStartS, lastFrameS = double.NegativeInfinity, lastMeasureEndS, lastMeasureS, rateWindowStartS, stepsPerSecond;
    long lastMeasureStep, rateWindowSteps, rateWindowFrames, framesPublished;
    double framesPerSecond;

    /// <summary>A paused lab at step 0 with <paramref name="settings"/> (flat keys; the rest default), its first frame published.</summary>
    /// <exception cref="LabInputException">A setting is unknown, of the wrong type or out of range.</exception>
    public SparkLab(JsonObject? settings = null, Device? device = null)
    {
        this.device = device ?? CPU;
        var defaults = new SparkExperiment();
        this.settings = Checked(new FlatSettings(("", new LabSeed { Seed = defaults.Seed }), ("sparks", defaults.Sparks), ("layout", defaults.Layout),
            ("measures", defaults.Measures), ("frame", new SparkLabFrameOptions())).With(settings));
        try
        {
            Wait(thread.InvokeAsync(() => Rebuild(snapshot: null)));
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

    /// <summary>The experiment the settings describe (seed, sparks, layout, measures).</summary>
    public SparkExperiment Experiment => ExperimentOf(settings);

    /// <summary>The <c>.npz</c> bytes of a kept snapshot, or null when there is no such id (any thread).</summary>
    public byte[]? SnapshotBytes(string id)
    {
        lock (snapshotGate) return snapshots.FirstOrDefault(s => s.Id == id).Bytes;
    }

    public async Task<JsonObject> HandleAsync(JsonObject command, CancellationToken cancel = default)
    {
        var read = LabCommand.Read(command, Commands);
        if (stopped) throw new LabInputException(null, $"{read.Type}: the lab was stopped; start a new one.");
        // Values are checked here, on the caller's thread; the lab thread only acts.
        Func<JsonObject> act = read.Type switch
        {
            "play" => Play,
            "pause" => Pause,
            "step" => StepAction(read.Whole("steps", 1, 10_000, 1)),
            "stop" => Stop,
            "edit" => EditAction(read.Object("settings")),
            "snapshot" => TakeSnapshot,
            "restore" => RestoreAction(read),
            _ => () => Reply(full: true),
        };
        try
        {
            return await thread.InvokeAsync(() => WhileLive(read.Type, act), cancel).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            throw new LabInputException(null, $"{read.Type}: the lab was stopped; start a new one.");
        }
        catch (UserInputException e)
        {
            throw LabInputException.From(e, settings.Keys);
        }
    }

    /// <summary>Runs <paramref name="act"/> on the lab thread unless the lab was stopped meanwhile: a command that passed the
    /// check above while a <c>stop</c> (or the disposal) was queued ahead of it runs after the simulation is gone, and is refused.</summary>
    T WhileLive<T>(string type, Func<T> act) =>
        stopped ? throw new LabInputException(null, $"{type}: the lab was stopped; start a new one.") : act();

    JsonObject Play()
    {
        if (!playing || thread.IdleFault is not null)                           // a faulted loop (its error in the replies) plays again
        {
            playing = true;
            stepsThisPlay = 0;
            playStartS = rateWindowStartS = clock.Elapsed.TotalSeconds;
            rateWindowSteps = 0;
            rateWindowFrames = framesPublished;
            thread.SetIdle(Tick);
        }
        return Reply();
    }

    JsonObject Pause()
    {
        if (playing)
        {
            playing = false;
            stepsPerSecond = framesPerSecond = 0;
            thread.SetIdle(null);
            Publish();
        }
        return Reply();
    }

    Func<JsonObject> StepAction(int steps) => () =>
    {
        RefuseWhilePlaying("step");
        var clockAtStart = clock.Elapsed.TotalSeconds;
        simulation!.Advance(steps);
        Measure();
        stepsPerSecond = steps / Math.Max(1e-9, clock.Elapsed.TotalSeconds - clockAtStart);
        Publish();
        stepsPerSecond = 0;
        return Reply();
    };

    JsonObject Stop()
    {
        playing = false;
        thread.SetIdle(null);
        Publish();
        stopped = true;
        Frames.Complete();
        simulation?.Dispose();
        simulation = null;
        thread.Dispose();                                                       // ends after this item; later commands are refused
        return Reply();
    }

    Func<JsonObject> EditAction(JsonObject changes) => () =>
    {
        RefuseWhilePlaying("edit");
        var next = Checked(settings.With(changes));
        var before = ExperimentOf(settings);
        var after = ExperimentOf(next);
        settings = next;
        revision++;
        if (after.Seed != before.Seed || after.Sparks.Neurons != before.Sparks.Neurons || after.Sparks.SparkCount != before.Sparks.SparkCount)
            Rebuild(snapshot: null);                                            // a new network from step 0
        else
        {
            simulation!.Reconfigure(after.Sparks, after.Layout);
            Measure();
            Publish();
        }
        return Reply(full: true);
    };

    JsonObject TakeSnapshot()
    {
        var (bytes, step) = SnapshotNow();
        string id = $"snapshot-{++snapshotCount}";
        lock (snapshotGate)
        {
            snapshots.Add((id, bytes, step));
            if (snapshots.Count > KeptSnapshots) snapshots.RemoveAt(0);
        }
        var reply = Reply();
        reply["snapshot"] = new JsonObject { ["id"] = id, ["bytes"] = bytes.Length, ["step"] = step };
        return reply;
    }

    /// <summary>The whole state now as <c>.npz</c> bytes (<see cref="SparkSnapshot.Save"/>); lab thread only.</summary>
    (byte[] Bytes, long Step) SnapshotNow()
    {
        var snapshot = simulation!.Snapshot(Experiment);
        string path = Path.Combine(Path.GetTempPath(), $"resonance-lab-{Guid.NewGuid():N}.npz");
        try
        {
            snapshot.Save(path);
            return (File.ReadAllBytes(path), snapshot.State.Step);
        }
        finally { File.Delete(path); }
    }

    Func<JsonObject> RestoreAction(LabCommand read)
    {
        if (read.Has("id") == read.Has("npz"))
            throw new LabInputException("id", "restore: give either id (a kept snapshot) or npz (a snapshot file in base64), not both or neither.");
        byte[] bytes;
        string field;
        if (read.Has("id"))
        {
            field = "id";
            string id = read.Text("id");
            bytes = SnapshotBytes(id) ?? throw new LabInputException("id", $"id: no kept snapshot \"{LabCommand.Printable(id)}\"; the lab keeps the latest {KeptSnapshots}; take one with the snapshot command.");
        }
        else
        {
            field = "npz";
            string text = read.Text("npz");
            if (text.Length > MaxSnapshotBytes / 3 * 4 + 4)
                throw new LabInputException("npz", $"npz: the snapshot is larger than {MaxSnapshotBytes >> 20} MiB; a live lab runs at most {MaxNeurons} neurons.");
            try { bytes = Convert.FromBase64String(text); }
            catch (FormatException) { throw new LabInputException("npz", "npz: not base64; send the .npz file's bytes in base64."); }
        }
        return () =>
        {
            RefuseWhilePlaying("restore");
            string path = Path.Combine(Path.GetTempPath(), $"resonance-lab-{Guid.NewGuid():N}.npz");
            SparkSnapshot snapshot;
            try
            {
                File.WriteAllBytes(path, bytes);
                snapshot = SparkSnapshot.Load(path);
            }
            catch (UserInputException e)
            {
                throw new LabInputException(field, e.Message.Replace(path, "snapshot").ReplaceLineEndings(" "));
            }
            finally { File.Delete(path); }
            if (snapshot.Experiment.Sparks.Neurons > MaxNeurons)
                throw new LabInputException(field, $"{field}: the snapshot has {snapshot.Experiment.Sparks.Neurons} neurons; a live lab runs at most {MaxNeurons}.");
            var experiment = snapshot.Experiment;
            settings = new FlatSettings(("", new LabSeed { Seed = experiment.Seed }), ("sparks", experiment.Sparks), ("layout", experiment.Layout),
                ("measures", experiment.Measures), ("frame", settings.Get<SparkLabFrameOptions>("frame")));
            revision++;
            Rebuild(snapshot);
            return Reply(full: true);
        };
    }

    /// <summary>Replaces the simulation (fresh from the settings, or from a snapshot), measures it and publishes its frame.</summary>
    void Rebuild(SparkSnapshot? snapshot)
    {
        var experiment = ExperimentOf(settings);
        var next = snapshot is null
            ? new SparkSimulation(experiment.Sparks, experiment.Seed, device, experiment.Layout)
            : SparkSimulation.Restore(snapshot, device);
        simulation?.Dispose();
        simulation = next;
        measures = null;
        Measure();
        Publish();
    }

    /// <summary>One step of play: the idle work of the lab thread.</summary>
    TimeSpan? Tick()
    {
        if (!playing || simulation is null) return null;
        var frame = settings.Get<SparkLabFrameOptions>("frame");
        double now = clock.Elapsed.TotalSeconds;
        if (frame.MaxStepsPerSecond > 0)
        {
            double due = playStartS + stepsThisPlay / frame.MaxStepsPerSecond;
            if (now < due) return TimeSpan.FromSeconds(due - now);
        }
        simulation.Advance();
        stepsThisPlay++;
        rateWindowSteps++;
        now = clock.Elapsed.TotalSeconds;
        if (now - rateWindowStartS >= 0.5)
        {
            stepsPerSecond = rateWindowSteps / (now - rateWindowStartS);
            framesPerSecond = (framesPublished - rateWindowFrames) / (now - rateWindowStartS);
            rateWindowStartS = now;
            rateWindowSteps = 0;
            rateWindowFrames = framesPublished;
        }
        var every = settings.Get<SparkMeasureOptions>("measures").Every;
        if (simulation.Step - lastMeasureStep >= every && now >= lastMeasureEndS + lastMeasureS * (1 / frame.MeasureShare - 1))
            Measure();
        if (clock.Elapsed.TotalSeconds - lastFrameS >= 1 / frame.MaxPerSecond)
            Publish();
        return TimeSpan.Zero;
    }

    void Measure()
    {
        double start = clock.Elapsed.TotalSeconds;
        measures = SparkMeasures.Take(simulation!, settings.Get<SparkMeasureOptions>("measures"));
        lastMeasureStep = simulation!.Step;
        lastMeasureEndS = clock.Elapsed.TotalSeconds;
        lastMeasureS = lastMeasureEndS - start;
    }

    void Publish()
    {
        lastFrameS = clock.Elapsed.TotalSeconds;
        framesPublished++;
        var flags = (playing ? SparkLabFrame.Flags.Playing : 0) | (simulation!.Layout.Enabled ? SparkLabFrame.Flags.LayoutEnabled : 0);
        Frames.Publish(SparkLabFrame.Encode(simulation, measures, settings.Get<SparkLabFrameOptions>("frame").WeightSide, flags,
            clock.Elapsed.TotalMilliseconds, stepsPerSecond, revision));
    }

    void RefuseWhilePlaying(string action)
    {
        if (playing) throw new LabInputException(null, $"{action}: the simulation is playing; pause it first.");
    }

    JsonObject Reply(bool full = false)
    {
        var reply = new JsonObject
        {
            ["state"] = stopped ? "stopped" : playing ? "playing" : "paused",
            ["step"] = simulation?.Step ?? 0,
            ["revision"] = revision,
            ["serial"] = thread.Serial,                                         // orders replies and pushes
        };
        if (thread.IdleFault is { } fault) reply["error"] = fault.Message.ReplaceLineEndings(" ");
        if (!full) return reply;
        reply["settings"] = settings.ToJson();
        reply["steps_per_s"] = stepsPerSecond;
        reply["frames_published"] = framesPublished;                           // the engine's own count, every reader or none
        reply["frames_per_s"] = framesPerSecond;
        reply["frame_format"] = SparkLabFrame.FormatVersion;
        reply["measure_names"] = new JsonArray([.. SparkLabFrame.MeasureNames.Select(n => (JsonNode)n)]);
        reply["measures"] = measures is null ? null
            : new JsonObject([new("measure_step", measures.Step), .. measures.ToMetrics().Select(m => new KeyValuePair<string, JsonNode?>(m.Key, double.IsFinite(m.Value) ? m.Value : null))]);
        lock (snapshotGate)
            reply["snapshots"] = new JsonArray([.. snapshots.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["bytes"] = s.Bytes.Length, ["step"] = s.Step })]);
        return reply;
    }

    static SparkExperiment ExperimentOf(FlatSettings settings) => new()
    {
        Seed = settings.Get<LabSeed>("").Seed,
        Sparks = settings.Get<SparkOptions>("sparks"),
        Layout = settings.Get<SparkLayoutOptions>("layout"),
        Measures = settings.Get<SparkMeasureOptions>("measures"),
    };

    /// <summary>The checks across sections, and the live lab's own size cap.</summary>
    static FlatSettings Checked(FlatSettings settings)
    {
        var experiment = ExperimentOf(settings);
        try { experiment.Validate(); }
        catch (UserInputException e) { throw LabInputException.From(e, settings.Keys); }
        if (experiment.Sparks.Neurons > MaxNeurons)
            throw new LabInputException("sparks.neurons", $"sparks.neurons: a live lab runs at most {MaxNeurons} neurons; got {experiment.Sparks.Neurons}.");
        return settings;
    }

    static void Wait(Task task)
    {
        try { task.GetAwaiter().GetResult(); }
        catch (UserInputException e) when (e is not LabInputException) { throw new LabInputException(null, e.Message); }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stopped)
        {
            try { await thread.InvokeAsync(() => stopped ? Reply() : Stop()).ConfigureAwait(false); }   // a stop may be queued ahead
            catch (ObjectDisposedException) { }
        }
        thread.Dispose();
    }
}
