using Resonance.Runtime;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>
/// Runs started from the page: each is a child process running the same CLI (<c>resonance run NAME --out DIR</c>), so a
/// run started here behaves exactly as one started in a terminal. Stop sends SIGTERM, which the CLI treats as Ctrl-C: the run saves a
/// checkpoint or snapshot and ends <c>interrupted</c>, resumable. When the studio stops, its children are stopped the
/// same way (and killed if they do not end within <see cref="StopGrace"/>).
/// </summary>
public sealed class RunProcesses(IReadOnlyList<string> cliCommand, Action? changed = null) : IAsyncDisposable
{
    /// <summary>How long a child may take to save and end after the stop signal when the studio shuts down.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    /// <summary>Lines of a child's output kept for the page (the last ones).</summary>
    const int TailLines = 40;

    readonly Lock gate = new();
    readonly Dictionary<string, Launch> launches = new(StringComparer.Ordinal);
    readonly HashSet<string> reserved = new(StringComparer.Ordinal);

    /// <summary>Picks a new folder <c>ROOT/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (a suffix keeps it unique, also against folders
    /// reserved by starts whose child has not made its folder yet).</summary>
    public string NewRunFolder(string root, string name, DateTime now)
    {
        lock (gate)
        {
            string stem = Path.Combine(root, $"{name}-{now:yyyyMMdd-HHmmss}"), path = stem;
            for (int i = 2; Directory.Exists(path) || File.Exists(path) || reserved.Contains(path); i++) path = $"{stem}-{i}";
            reserved.Add(path);
            return path;
        }
    }

    /// <summary>Starts <c>resonance run ARGUMENT --out FOLDER [--set PAIR]... [--seed N]</c>.</summary>
    /// <exception cref="UserInputException">The CLI could not be started (the message names the command).</exception>
    public void Start(string cliArgument, string folder, IReadOnlyList<string> overrides, long? seed)
    {
        var start = new ProcessStartInfo(cliCommand[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in cliCommand.Skip(1)) start.ArgumentList.Add(argument);
        foreach (string argument in (string[])["run", cliArgument, "--out", folder]) start.ArgumentList.Add(argument);
        foreach (string pair in overrides) { start.ArgumentList.Add("--set"); start.ArgumentList.Add(pair); }
        if (seed is long s) { start.ArgumentList.Add("--seed"); start.ArgumentList.Add(s.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        // libtorch's OpenMP threads spin while they wait; on a machine shared with the studio and its pages, passive waiting
        // is many times faster (README, "Data, device, threads"). A value the user set is kept.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null) start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        var launch = new Launch(Path.GetFileName(folder), folder);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            lock (gate) reserved.Remove(folder);
            throw new UserInputException($"could not start {string.Join(' ', cliCommand)}: {e.Message}");
        }
        launch.Process = process;
        process.StandardInput.Close();
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, line) => launch.Append(line.Data);
        process.ErrorDataReceived += (_, line) => launch.Append(line.Data);
        process.Exited += (_, _) =>
        {
            launch.ExitCode = process.ExitCode;
            changed?.Invoke();
        };
        lock (gate) launches[launch.Name] = launch;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        changed?.Invoke();
    }

    /// <summary>Whether this studio started the run <paramref name="name"/> (its folder may not exist yet).</summary>
    public bool Knows(string name)
    {
        lock (gate) return launches.ContainsKey(name);
    }

    /// <summary>Whether this studio started the run <paramref name="name"/> and its process still lives.</summary>
    public bool IsRunning(string name)
    {
        lock (gate) return launches.TryGetValue(name, out var launch) && launch.ExitCode is null;
    }

    /// <summary>Asks the run to stop as Ctrl-C would. False when this studio has no living process for it.</summary>
    public bool Stop(string name)
    {
        Launch? launch;
        lock (gate) launches.TryGetValue(name, out launch);
        if (launch?.Process is not { } process || launch.ExitCode is not null) return false;
        launch.StopRequested = true;
        return PosixSignals.Send(process.Id, PosixSignals.Terminate);
    }

    /// <summary>What the page shows of a run this studio started (process id, exit code, output tail), or null.</summary>
    public JsonObject? Describe(string name)
    {
        Launch? launch;
        lock (gate) launches.TryGetValue(name, out launch);
        if (launch is null) return null;
        return new JsonObject
        {
            ["pid"] = launch.Process?.Id,
            ["exitCode"] = launch.ExitCode,
            ["stopRequested"] = launch.StopRequested,
            ["output"] = new JsonArray(launch.Tail().Select(line => (JsonNode)line).ToArray()),
        };
    }

    /// <summary>Waits for the child of run <paramref name="name"/> to end; its exit code, or null when there is none.</summary>
    public async Task<int?> WaitAsync(string name, CancellationToken cancel)
    {
        Launch? launch;
        lock (gate) launches.TryGetValue(name, out launch);
        if (launch?.Process is not { } process) return null;
        await process.WaitForExitAsync(cancel);
        return process.ExitCode;
    }

    /// <summary>Stops every living child (as Ctrl-C would), waits up to <see cref="StopGrace"/>, then kills what remains.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Launch> living;
        lock (gate) living = launches.Values.Where(l => l.ExitCode is null && l.Process is not null).ToList();
        foreach (var launch in living) PosixSignals.Send(launch.Process!.Id, PosixSignals.Terminate);
        using var grace = new CancellationTokenSource(StopGrace);
        foreach (var launch in living)
        {
            try
            {
                await launch.Process!.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                launch.Process!.Kill(entireProcessTree: true);
            }
        }
        foreach (var launch in living) launch.Process!.Dispose();
    }

    sealed class Launch(string name, string folder)
    {
        readonly Queue<string> tail = new();
        public string Name { get; } = name;
        public string Folder { get; } = folder;
        public Process? Process { get; set; }
        public volatile bool StopRequested;
        int? exitCode;
        public int? ExitCode { get { lock (tail) return exitCode; } set { lock (tail) exitCode = value; } }

        public void Append(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line.Length > 500 ? line[..500] : line);
                while (tail.Count > TailLines) tail.Dequeue();
            }
        }

        public List<string> Tail()
        {
            lock (tail) return [.. tail];
        }
    }
}
