using System.Diagnostics;
using Resonance.Runs;
using Resonance.Runtime;

namespace Resonance.Sweeps;

/// <summary>
/// Runs a sweep's points on this machine: <c>parallel</c> child processes at a time, each a plain <c>resonance run</c> whose
/// console output goes to <c>logs/NAME.log</c>.
/// </summary>
/// <remarks>
/// Each child gets <c>cores / parallel</c> intra-op threads (<c>--threads</c>, <c>OMP_NUM_THREADS</c>) and
/// <c>OMP_WAIT_POLICY=PASSIVE</c>: libtorch's OpenMP threads otherwise spin while they wait, and several processes spinning
/// on shared cores slow each other down many times over (docs/building.md). A stop request sends every living child SIGTERM,
/// which the CLI handles like Ctrl-C (checkpoint, <c>interrupted</c>); a child that has not ended after
/// <see cref="StopGrace"/> is killed.
/// </remarks>
public static class LocalSweep
{
    /// <summary>How long a child may take to save and end after SIGTERM.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(60);

    /// <summary>Intra-op threads per child when <paramref name="parallel"/> children share this machine's cores.</summary>
    public static int ThreadsPerChild(int parallel) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, parallel));

    /// <summary>Runs <paramref name="tasks"/> (skips excluded) and returns whether every child ended (false when stopped).</summary>
    /// <param name="folder">The sweep folder.</param>
    /// <param name="tasks">What to do per point.</param>
    /// <param name="parallel">Children at a time.</param>
    /// <param name="cli">How to start this CLI: the executable and its leading arguments.</param>
    /// <param name="events">Told when each point starts and ends, and the count done.</param>
    /// <param name="stop">Stops the sweep: children are asked to save and end.</param>
    /// <param name="pointEnded">Called on this thread after each child ends (the runner logs the point).</param>
    public static bool Run(SweepDirectory folder, IReadOnlyList<PointTask> tasks, int parallel, IReadOnlyList<string> cli, IRunEvents events, CancellationToken stop, Action? pointEnded = null)
    {
        var queue = new Queue<PointTask>(tasks.Where(t => t.Action != PointAction.Skip));
        int total = tasks.Count, done = total - queue.Count, threads = ThreadsPerChild(parallel);
        var running = new List<Child>();
        var clock = Stopwatch.StartNew();
        int finishedHere = 0;
        events.Report(new RunProgress(done, total, "point", null, null, null, $"{done} of {total} points done, {queue.Count} to run, {parallel} at a time"));
        while (queue.Count > 0 || running.Count > 0)
        {
            while (!stop.IsCancellationRequested && running.Count < parallel && queue.Count > 0)
            {
                var task = queue.Dequeue();
                running.Add(Child.Start(folder, task, cli, threads));
                events.Report(new RunMessage($"{task.Point.Name} {(task.Action == PointAction.Resume ? "resumed" : "started")}: {task.Point.Label}, seed {task.Point.Seed}"));
            }
            if (stop.IsCancellationRequested)
            {
                StopAll(running, events);
                return false;
            }
            int index = WaitAny(running, stop);
            if (index < 0) continue;
            var ended = running[index];
            running.RemoveAt(index);
            ended.Dispose();
            done++;
            finishedHere++;
            var state = folder.State(ended.Task.Point);
            pointEnded?.Invoke();
            string figures = folder.PointRun(ended.Task.Point).ReadSummary() is { } summary
                ? string.Join("  ", Headlines.Pick(summary, ["test_accuracy", "test_loss", "status"], most: 2).Select(p => $"{p.Key.Replace('_', ' ')} {SummaryFormat.Format(p.Key, p.Value)}"))
                : "";
            var level = state == PointState.Completed ? MessageLevel.Result : MessageLevel.Warning;
            events.Report(new RunMessage($"{ended.Task.Point.Name} {state.ToString().ToLowerInvariant()} (exit {ended.ExitCode}) {figures}  [{ended.Task.Point.Label}, seed {ended.Task.Point.Seed}]".TrimEnd(), level));
            double rate = finishedHere / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            int left = queue.Count + running.Count;
            events.Report(new RunProgress(done, total, "point", null, null, TimeSpan.FromSeconds(left / rate),
                $"{done} of {total} points done"));
        }
        return true;
    }

    /// <summary>Waits up to a second for a child to end; returns its index, or −1.</summary>
    static int WaitAny(List<Child> running, CancellationToken stop)
    {
        if (running.Count == 0) return -1;
        var handles = running.Select(c => (WaitHandle)c.Ended).Append(stop.WaitHandle).ToArray();
        int index = WaitHandle.WaitAny(handles, TimeSpan.FromSeconds(1));
        return index == WaitHandle.WaitTimeout || index == running.Count ? -1 : index;
    }

    static void StopAll(List<Child> running, IRunEvents events)
    {
        if (running.Count == 0) return;
        events.Report(new RunMessage($"stopping {running.Count} running point(s): each saves what it can and ends interrupted", MessageLevel.Warning));
        foreach (var child in running) PosixSignals.Send(child.Process.Id, PosixSignals.Terminate);
        var deadline = Stopwatch.StartNew();
        foreach (var child in running)
        {
            var left = StopGrace - deadline.Elapsed;
            if (!child.Process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                child.Process.Kill(entireProcessTree: true);
                child.Process.WaitForExit();
            }
            child.Dispose();
        }
    }

    /// <summary>One child process with its log.</summary>
    sealed class Child : IDisposable
    {
        public required PointTask Task { get; init; }
        public required Process Process { get; init; }
        public required StreamWriter Log { get; init; }
        public ManualResetEvent Ended { get; } = new(false);
        public int ExitCode { get; private set; } = -1;

        public static Child Start(SweepDirectory folder, PointTask task, IReadOnlyList<string> cli, int threads)
        {
            var start = new ProcessStartInfo(cli[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string argument in cli.Skip(1).Concat(task.Arguments(folder, threads))) start.ArgumentList.Add(argument);
            start.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE";
            start.Environment["NO_COLOR"] = "1";
            var log = folder.Run.Guard($"open {task.Point.Name}'s log", () => new StreamWriter(folder.PointLog(task.Point), append: true) { AutoFlush = true });
            log.WriteLine($"# {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}: {string.Join(' ', start.ArgumentList)}");
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                log.Dispose();
                throw new UserInputException($"could not start {string.Join(' ', cli)}: {e.Message}");
            }
            var child = new Child { Task = task, Process = process, Log = log };
            process.StandardInput.Close();
            process.EnableRaisingEvents = true;
            process.OutputDataReceived += (_, line) => child.Append(line.Data);
            process.ErrorDataReceived += (_, line) => child.Append(line.Data);
            process.Exited += (_, _) => child.Ended.Set();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (process.HasExited) child.Ended.Set();
            return child;
        }

        void Append(string? line)
        {
            if (line is null) return;
            lock (Log) Log.WriteLine(line);
        }

        public void Dispose()
        {
            Process.WaitForExit(); // drains the output readers
            ExitCode = Process.ExitCode;
            lock (Log) Log.Dispose();
            Process.Dispose();
            Ended.Dispose();
        }
    }
}
