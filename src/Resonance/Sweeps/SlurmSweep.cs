using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Resonance.Runs;

namespace Resonance.Sweeps;

/// <summary>
/// Submits a sweep to Slurm as one job array (<c>sbatch --array</c>): task <c>i</c> runs point <c>i</c> as a plain
/// <c>resonance run</c> (or <c>--resume</c> when its folder already holds an interrupted run). The batch script is written
/// into the sweep folder (<c>sweep.sbatch</c>) for people to read and submit again; the results are gathered by
/// <c>resonance sweep --collect DIR</c>. Slurm does the scheduling; nothing here queues or polls.
/// </summary>
public static class SlurmSweep
{
    /// <summary>The batch script for <paramref name="plan"/>: the array covers every point; a submission passes the
    /// unfinished ones with <c>--array</c> on the command line, which overrides the script's.</summary>
    /// <param name="folder">The sweep folder (absolute paths go into the script).</param>
    /// <param name="plan">The points.</param>
    /// <param name="options">Per-task resources.</param>
    /// <param name="cli">How to start this CLI on the compute nodes (the same path must exist there: a shared file system).</param>
    public static string Script(SweepDirectory folder, SweepPlan plan, SlurmOptions options, IReadOnlyList<string> cli)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append(CultureInfo.InvariantCulture, $"# Resonance sweep {Path.GetFileName(folder.Path)}: {plan.Points.Count} points, one Slurm array task each.\n");
        text.Append("# Written by resonance sweep --slurm. Task i runs point i (points/pNNN.yaml) into runs/pNNN, or resumes it.\n");
        text.Append(CultureInfo.InvariantCulture, $"# Submit it again by hand: sbatch --array=0-{plan.Points.Count - 1} {folder.ScriptPath}\n");
        text.Append(CultureInfo.InvariantCulture, $"# Gather the results: resonance sweep --collect {folder.Path}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name={JobName(folder)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{plan.Points.Count - 1}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Path.Combine(folder.LogsPath, "slurm-%A_%a.out")}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={options.Cpus}\n");
        text.Append("#SBATCH --ntasks=1\n");
        if (options.Partition is not null) text.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={options.Partition}\n");
        if (options.Time is not null) text.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={options.Time}\n");
        if (options.Gpus > 0) text.Append(CultureInfo.InvariantCulture, $"#SBATCH --gres=gpu:{options.Gpus}\n");
        text.Append("set -eu\n");
        text.Append("# one intra-op thread per allocated core; passive waiting so threads do not spin on shared cores\n");
        text.Append("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\" OMP_WAIT_POLICY=PASSIVE NO_COLOR=1\n");
        text.Append(CultureInfo.InvariantCulture, $"SWEEP={Quote(folder.Path)}\n");
        text.Append(CultureInfo.InvariantCulture, $"POINT=$(printf 'p%0{plan.NameDigits}d' \"$SLURM_ARRAY_TASK_ID\")\n");
        text.Append("RUN=\"$SWEEP/runs/$POINT\"\n");
        string command = string.Join(' ', cli.Select(Quote));
        text.Append("if [ -f \"$RUN/config.yaml\" ]; then\n");
        text.Append(CultureInfo.InvariantCulture, $"  exec {command} run --resume \"$RUN\" --threads \"$OMP_NUM_THREADS\"\n");
        text.Append("else\n");
        text.Append(CultureInfo.InvariantCulture, $"  exec {command} run \"$SWEEP/points/$POINT.yaml\" --out \"$RUN\" --threads \"$OMP_NUM_THREADS\"\n");
        text.Append("fi\n");
        return text.ToString();
    }

    /// <summary>Writes the script and submits the points of <paramref name="tasks"/> that need running.</summary>
    /// <returns>The job id, or null when every point had finished (nothing submitted).</returns>
    /// <exception cref="UserInputException"><c>sbatch</c> is missing or refused the job (its message is passed on).</exception>
    public static string? Submit(SweepDirectory folder, SweepPlan plan, SlurmOptions options, IReadOnlyList<string> cli, IReadOnlyList<PointTask> tasks)
    {
        folder.Write(folder.ScriptPath, Script(folder, plan, options, cli));
        Exec.MakeExecutable(folder.ScriptPath);
        var indices = tasks.Where(t => t.Action != PointAction.Skip).Select(t => t.Point.Index).ToList();
        if (indices.Count == 0) return null;
        string array = ArraySpec(indices);
        var (code, output, error) = Exec.Run("sbatch", ["--parsable", $"--array={array}", folder.ScriptPath], TimeSpan.FromSeconds(60),
            missing: "sbatch not found: --slurm submits to a Slurm cluster, so run it where sbatch is on PATH (a login node); without --slurm the sweep runs here.");
        if (code != 0)
            throw new UserInputException($"sbatch refused the job array (exit {code}): {FirstLine(error.Length > 0 ? error : output)}; the script is {folder.ScriptPath}.");
        string jobId = output.Trim().Split(';')[0];
        folder.Write(folder.SlurmJobPath, new JsonObject
        {
            ["job_id"] = jobId,
            ["array"] = array,
            ["points"] = indices.Count,
            ["submitted_at"] = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["script"] = folder.ScriptPath,
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return jobId;
    }

    /// <summary><c>0-3,5,7-9</c>: runs of consecutive indices folded.</summary>
    public static string ArraySpec(IReadOnlyList<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    static string JobName(SweepDirectory folder)
    {
        string name = string.Concat(Path.GetFileName(folder.Path).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return "resonance-" + (name.Length > 60 ? name[..60] : name);
    }

    /// <summary>A word for bash in single quotes.</summary>
    static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();
}

/// <summary>Runs a short external command (<c>sbatch</c>, <c>squeue</c>) and returns its exit code and output.</summary>
public static class Exec
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, up to <paramref name="timeout"/>.</summary>
    /// <exception cref="UserInputException">The program is not found (<paramref name="missing"/>), or it ran past the timeout.</exception>
    public static (int Code, string Output, string Error) Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout, string missing)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UserInputException(missing);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new UserInputException($"{file} did not answer within {timeout.TotalSeconds:0} s; check the cluster (is slurmctld up?).");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Adds the execute bits (rwxr-xr-x) where the file system has them.</summary>
    public static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
