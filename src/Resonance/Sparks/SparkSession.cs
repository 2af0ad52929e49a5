using System.Diagnostics;
using System.Threading.Channels;
using static TorchSharp.torch;

namespace Resonance.Sparks;

/// <summary>Whether a <see cref="SparkSession"/> is running.</summary>
public enum SparkPlayState { Paused, Playing, Stopped }

/// <summary>How a <see cref="SparkSession"/> streams while playing.</summary>
/// <param name="FrameEvery">Steps between published frames (&gt;= 1).</param>
/// <param name="MaxStepsPerSecond">Upper bound on the simulation speed, so a view can follow; 0 = as fast as it goes.</param>
/// <param name="FrameBuffer">Frames kept for a slow reader; older ones are dropped (&gt;= 1).</param>
public sealed record SparkSessionOptions(int FrameEvery = 10, double MaxStepsPerSecond = 0, int FrameBuffer = 4)
{
    /// <exception cref="UserInputException">A setting is out of range.</exception>
    public void Validate()
    {
        OptionChecks.WholeAtLeast("frame_every", FrameEvery, 1);
        OptionChecks.NonNegative("max_steps_per_second", MaxStepsPerSecond);
        OptionChecks.WholeAtLeast("frame_buffer", FrameBuffer, 1);
    }
}

/// <summary>
/// A live spark simulation with play / pause / step / stop, streaming <see cref="SparkFrame"/>s (the four panels plus
/// the latest measures) to whoever reads <see cref="Frames"/>. Parameters change only while paused. This is what a
/// live view drives; it is safe to call from any thread.
/// </summary>
/// <remarks>
/// Playing runs the simulation on a background task, taking measures every <see cref="SparkMeasureOptions.Every"/>
/// steps and publishing a frame every <see cref="SparkSessionOptions.FrameEvery"/> steps (the oldest frame is dropped
/// when the reader falls behind). Pausing waits for the step in flight to finish, so a paused session never changes.
/// </remarks>
public sealed class SparkSession : IDisposable
{
    readonly SparkSimulation simulation;
    readonly SparkSessionOptions options;
    readonly Channel<SparkFrame> frames;
    readonly SemaphoreSlim gate = new(1, 1);
    readonly object control = new();
    CancellationTokenSource? playing;
    Task loop = Task.CompletedTask;
    SparkMeasures? measures;
    SparkFrame latest;

    /// <summary>Starts a paused session at step 0 (or from <paramref name="continueFrom"/>) and publishes its first frame.</summary>
    /// <exception cref="UserInputException">The experiment or the options are out of range.</exception>
    public SparkSession(SparkExperiment experiment, Device? device = null, SparkSessionOptions? options = null, SparkSnapshot? continueFrom = null)
    {
        experiment.Validate();
        this.options = options ?? new SparkSessionOptions();
        this.options.Validate();
        Experiment = experiment;
        simulation = continueFrom is null
            ? new SparkSimulation(experiment.Sparks, experiment.Seed, device, experiment.Layout)
            : SparkSimulation.Restore(continueFrom, device, experiment);
        frames = Channel.CreateBounded<SparkFrame>(new BoundedChannelOptions(this.options.FrameBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
        measures = SparkMeasures.Take(simulation, experiment.Measures);
        latest = Publish();
    }

    /// <summary>The experiment in force (rules, layout, measures).</summary>
    public SparkExperiment Experiment { get; private set; }

    /// <summary>Playing, paused or stopped.</summary>
    public SparkPlayState State { get; private set; } = SparkPlayState.Paused;

    /// <summary>The frames, in step order, for a live view. Completed when the session stops.</summary>
    public ChannelReader<SparkFrame> Frames => frames.Reader;

    /// <summary>The most recent frame published.</summary>
    public SparkFrame Latest => Volatile.Read(ref latest);

    /// <summary>Starts (or keeps) running on a background task.</summary>
    /// <exception cref="UserInputException">The session was stopped.</exception>
    public void Play()
    {
        lock (control)
        {
            ThrowIfStopped("play");
            if (State == SparkPlayState.Playing) return;
            State = SparkPlayState.Playing;
            playing = new CancellationTokenSource();
            var token = playing.Token;
            loop = Task.Run(() => Run(token));
        }
    }

    /// <summary>Stops running after the step in flight; completes once the session is still.</summary>
    public async Task PauseAsync()
    {
        Task running;
        lock (control)
        {
            if (State != SparkPlayState.Playing) return;
            playing!.Cancel();
            running = loop;
            State = SparkPlayState.Paused;
        }
        await running.ConfigureAwait(false);
    }

    /// <summary>Takes <paramref name="steps"/> steps while paused, measures, and publishes the frame it returns.</summary>
    /// <exception cref="UserInputException">The session is playing or stopped, or <paramref name="steps"/> &lt; 1.</exception>
    public SparkFrame Step(int steps = 1)
    {
        OptionChecks.WholeAtLeast("steps", steps, 1);
        lock (control)
        {
            ThrowIfStopped("step");
            if (State == SparkPlayState.Playing)
                throw new UserInputException("step: the simulation is playing; pause it first.");
            gate.Wait();
            try
            {
                simulation.Advance(steps);
                measures = SparkMeasures.Take(simulation, Experiment.Measures);
                return Publish();
            }
            finally { gate.Release(); }
        }
    }

    /// <summary>Changes the rules, layout and measures; allowed only while paused. The number of neurons and sparks is fixed.</summary>
    /// <exception cref="UserInputException">The session is not paused, a setting is out of range, or neurons or sparks changed.</exception>
    public void Update(SparkExperiment changed)
    {
        lock (control)
        {
            ThrowIfStopped("update");
            if (State != SparkPlayState.Paused)
                throw new UserInputException("parameters can change only while the simulation is paused; pause it first.");
            changed.Validate();
            gate.Wait();
            try
            {
                simulation.Reconfigure(changed.Sparks, changed.Layout);
                Experiment = changed with { Seed = Experiment.Seed };
            }
            finally { gate.Release(); }
        }
    }

    /// <summary>The whole state, for saving; allowed while paused.</summary>
    /// <exception cref="UserInputException">The session is playing or stopped.</exception>
    public SparkSnapshot Snapshot()
    {
        lock (control)
        {
            ThrowIfStopped("snapshot");
            if (State == SparkPlayState.Playing)
                throw new UserInputException("snapshot: the simulation is playing; pause it first.");
            gate.Wait();
            try { return simulation.Snapshot(Experiment); }
            finally { gate.Release(); }
        }
    }

    /// <summary>Pauses, ends the frame stream and frees the simulation. A stopped session cannot play again.</summary>
    public async Task StopAsync()
    {
        await PauseAsync().ConfigureAwait(false);
        lock (control)
        {
            if (State == SparkPlayState.Stopped) return;
            State = SparkPlayState.Stopped;
            frames.Writer.TryComplete();
            gate.Wait();
            simulation.Dispose();
            gate.Release();
        }
    }

    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    void Run(CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        long stepsThisPlay = 0;
        while (!token.IsCancellationRequested)
        {
            gate.Wait(CancellationToken.None);
            try
            {
                simulation.Advance();
                stepsThisPlay++;
                if (simulation.Step % Experiment.Measures.Every == 0)
                    measures = SparkMeasures.Take(simulation, Experiment.Measures);
                if (simulation.Step % options.FrameEvery == 0)
                    Publish();
            }
            finally { gate.Release(); }
            if (options.MaxStepsPerSecond > 0)
            {
                double ahead = stepsThisPlay / options.MaxStepsPerSecond - clock.Elapsed.TotalSeconds;
                if (ahead > 0) token.WaitHandle.WaitOne(TimeSpan.FromSeconds(ahead));
            }
        }
        gate.Wait(CancellationToken.None);
        try { Publish(); }                                                     // the state the pause leaves
        finally { gate.Release(); }
    }

    SparkFrame Publish()
    {
        var frame = simulation.Capture(measures);
        Volatile.Write(ref latest, frame);
        frames.Writer.TryWrite(frame);
        return frame;
    }

    void ThrowIfStopped(string action)
    {
        if (State == SparkPlayState.Stopped)
            throw new UserInputException($"{action}: the simulation was stopped; start a new one.");
    }
}
