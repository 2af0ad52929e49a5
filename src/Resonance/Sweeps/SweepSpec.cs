using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Resonance.Sweeps;

/// <summary>A key swept over listed values: <c>--grid training.lr=0.001,0.003</c>.</summary>
/// <param name="Key">A dotted config key, as <c>--set</c> takes it.</param>
/// <param name="Values">Each value as YAML text (<c>0.001</c>, <c>[64, 64]</c>, <c>true</c>).</param>
public sealed record GridAxis(string Key, IReadOnlyList<string> Values);

/// <summary>A key drawn uniformly between two bounds (or log-uniformly): <c>--random training.lr=1e-4:1e-2:log</c>.</summary>
public sealed record RandomAxis(string Key, double Low, double High, bool Log)
{
    /// <summary>The value at <paramref name="unit"/> in [0, 1): <c>low + u (high - low)</c>, or <c>exp(log low + u (log high - log low))</c>.</summary>
    public double At(double unit) => Log
        ? Math.Exp(Math.Log(Low) + unit * (Math.Log(High) - Math.Log(Low)))
        : Low + unit * (High - Low);
}

/// <summary>Where and how big each Slurm array task is (<c>--slurm [--partition P] [--time T] [--cpus C] [--gpus G]</c>).</summary>
/// <param name="Partition">The partition (<c>#SBATCH --partition</c>), or the cluster's default.</param>
/// <param name="Time">The time limit per task (<c>#SBATCH --time</c>, e.g. <c>01:00:00</c>), or the partition's default.</param>
/// <param name="Cpus">Cores per task (<c>--cpus-per-task</c>); the run uses that many threads.</param>
/// <param name="Gpus">GPUs per task (<c>--gres=gpu:G</c>), 0 for none.</param>
public sealed record SlurmOptions(string? Partition = null, string? Time = null, int Cpus = 1, int Gpus = 0);

/// <summary>
/// What a sweep varies and how it runs: listed values (grid), drawn values (random, <see cref="Samples"/> draws), and
/// <see cref="Seeds"/> seeds per setting. Given on the command line or in a <c>sweep:</c> section of the experiment file;
/// the command line adds to the file.
/// </summary>
/// <remarks>
/// <code>
/// settings = grid₁ × grid₂ × … × (Samples draws of the random keys)      points = settings × seeds
/// </code>
/// The seeds of a setting are <c>base, base + 1, …, base + Seeds − 1</c> where <c>base</c> is the file's <c>seed</c>.
/// Random draws come from <see cref="SamplingSeed"/> (SplitMix64), so the same sweep draws the same points.
/// </remarks>
public sealed record SweepSpec
{
    /// <summary>Most points a sweep may have (a mistake like a 1,000-value grid is refused before anything runs).</summary>
    public const int MaxPoints = 10_000;

    /// <summary>Keys with listed values, in the order given (the first varies slowest).</summary>
    public IReadOnlyList<GridAxis> Grid { get; init; } = [];

    /// <summary>Keys drawn at random.</summary>
    public IReadOnlyList<RandomAxis> Random { get; init; } = [];

    /// <summary>Random draws (settings) when there are random keys; 1 otherwise.</summary>
    public int Samples { get; init; } = 1;

    /// <summary>Seeds per setting.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Child processes at a time on this machine.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Seed of the random draws.</summary>
    public long SamplingSeed { get; init; }

    /// <summary>Submit to Slurm as a job array instead of running here; null runs locally.</summary>
    public SlurmOptions? Slurm { get; init; }

    /// <summary>The number of settings (points before seeds).</summary>
    public long Settings => Grid.Aggregate(1L, (product, axis) => product * axis.Values.Count) * (Random.Count > 0 ? Samples : 1);

    /// <summary>Checks the spec as a whole.</summary>
    /// <exception cref="UserInputException">A key swept twice, <c>seed</c> swept, a count out of range, too many points.</exception>
    public SweepSpec Validate()
    {
        var keys = Grid.Select(a => a.Key).Concat(Random.Select(a => a.Key)).ToList();
        if (keys.Count == 0 && Seeds < 2)
            throw new UserInputException("sweep: nothing to sweep; give --grid key=v1,v2, --random key=lo:hi, or --seeds K with K >= 2.");
        if (keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UserInputException($"sweep: {twice.Key} is swept twice; give each key once (one --grid or --random).");
        if (keys.FirstOrDefault(k => k == "seed") is not null)
            throw new UserInputException("sweep: seed cannot be a swept key; use --seeds K (seeds base..base+K-1 from the file's seed).");
        if (Grid.FirstOrDefault(a => a.Values.Count == 0) is { } empty)
            throw new UserInputException($"sweep: --grid {empty.Key}: no values; write --grid {empty.Key}=v1,v2.");
        if (Samples < 1 || Samples > MaxPoints)
            throw new UserInputException($"sweep: samples: expected 1 to {MaxPoints:N0} random draws, got {Samples}.");
        if (Random.Count == 0 && Samples != 1)
            throw new UserInputException("sweep: --samples draws random keys; give --random key=lo:hi as well, or leave --samples out.");
        if (Seeds < 1 || Seeds > 1_000)
            throw new UserInputException($"sweep: seeds: expected 1 to 1,000 seeds per setting, got {Seeds}.");
        if (Parallel < 1 || Parallel > 256)
            throw new UserInputException($"sweep: parallel: expected 1 to 256 runs at a time, got {Parallel}.");
        if (Settings * Seeds > MaxPoints)
            throw new UserInputException($"sweep: {Settings * Seeds:N0} points ({Settings:N0} settings x {Seeds} seeds), more than {MaxPoints:N0}; sweep fewer values.");
        if (Slurm is { } slurm)
        {
            if (slurm.Cpus < 1 || slurm.Cpus > 1_024)
                throw new UserInputException($"sweep: --cpus: expected 1 to 1,024 cores per task, got {slurm.Cpus}.");
            if (slurm.Gpus < 0 || slurm.Gpus > 64)
                throw new UserInputException($"sweep: --gpus: expected 0 to 64 GPUs per task, got {slurm.Gpus}.");
            foreach (var (name, value) in new[] { ("--partition", slurm.Partition), ("--time", slurm.Time) })
                if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '\\' or ';')))
                    throw new UserInputException($"sweep: {name} \"{value}\": expected one word without quotes or spaces (e.g. --time 01:00:00).");
        }
        return this;
    }

    /// <summary>This spec with <paramref name="other"/>'s axes added and its counts taken where it sets them.</summary>
    public SweepSpec With(SweepSpec other, bool seedsGiven, bool samplesGiven, bool parallelGiven) => this with
    {
        Grid = [.. Grid.Where(a => other.Grid.All(o => o.Key != a.Key)), .. other.Grid],
        Random = [.. Random.Where(a => other.Random.All(o => o.Key != a.Key)), .. other.Random],
        Seeds = seedsGiven ? other.Seeds : Seeds,
        Samples = samplesGiven ? other.Samples : Samples,
        Parallel = parallelGiven ? other.Parallel : Parallel,
        Slurm = other.Slurm ?? Slurm,
    };

    /// <summary>Reads <c>key=v1,v2,...</c> (commas inside brackets belong to a value: <c>model.sizes=[64,64],[128,128]</c>).</summary>
    /// <exception cref="UserInputException">No <c>=</c>, an empty key or value.</exception>
    public static GridAxis ParseGrid(string text)
    {
        var (key, rest) = SplitKey(text, "--grid", "key=v1,v2");
        var values = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= rest.Length; i++)
        {
            if (i < rest.Length)
            {
                char c = rest[i];
                if (c is '[' or '{') depth++;
                else if (c is ']' or '}') depth--;
                if (c != ',' || depth > 0) continue;
            }
            string value = rest[start..i].Trim();
            if (value.Length == 0)
                throw new UserInputException($"--grid {text}: an empty value; write --grid {key}=v1,v2.");
            values.Add(value);
            start = i + 1;
        }
        return new GridAxis(key, values);
    }

    /// <summary>Reads <c>key=low:high</c> or <c>key=low:high:log</c>.</summary>
    /// <exception cref="UserInputException">Not two numbers with low &lt; high, or a log range that is not positive.</exception>
    public static RandomAxis ParseRandom(string text)
    {
        var (key, rest) = SplitKey(text, "--random", "key=low:high[:log]");
        string[] parts = rest.Split(':');
        bool log = parts.Length == 3 && parts[2].Trim() == "log";
        if (parts.Length is < 2 or > 3 || (parts.Length == 3 && !log) ||
            !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low) ||
            !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high) ||
            !double.IsFinite(low) || !double.IsFinite(high))
            throw new UserInputException($"--random {text}: expected key=low:high or key=low:high:log with two numbers, e.g. --random training.lr=1e-4:1e-2:log.");
        if (low >= high)
            throw new UserInputException($"--random {text}: low ({low.ToString(CultureInfo.InvariantCulture)}) must be below high ({high.ToString(CultureInfo.InvariantCulture)}).");
        if (log && low <= 0)
            throw new UserInputException($"--random {text}: a log range needs low > 0; give a positive low or drop :log.");
        return new RandomAxis(key, low, high, log);
    }

    static (string Key, string Value) SplitKey(string text, string option, string form)
    {
        int equals = text.IndexOf('=');
        string key = equals > 0 ? text[..equals].Trim() : "";
        if (key.Length == 0 || key.Split('.').Any(string.IsNullOrWhiteSpace) || equals == text.Length - 1)
            throw new UserInputException($"{option} {text}: expected {form}, e.g. {(option == "--grid" ? "--grid training.lr=0.001,0.003" : "--random training.lr=1e-4:1e-2:log")}.");
        return (key, text[(equals + 1)..]);
    }

    /// <summary>Reads a file's <c>sweep:</c> section.</summary>
    /// <remarks>
    /// <code>
    /// sweep:
    ///   grid: {training.lr: [0.001, 0.003], model.hidden: [64, 128]}
    ///   random: {training.clip_grad_norm: "0.5:2"}     # low:high[:log]
    ///   samples: 4        seeds: 3       parallel: 2      sampling_seed: 0
    ///   slurm: {partition: debug, time: "01:00:00", cpus: 2, gpus: 0}
    /// </code>
    /// </remarks>
    /// <exception cref="UserInputException">An unknown key, a value of the wrong shape; the message names the line.</exception>
    public static SweepSpec FromSection(YamlMappingNode section, string source)
    {
        var spec = new SweepSpec();
        foreach (var (keyNode, value) in section.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string where = $"{source}:{keyNode.Start.Line}: sweep.{key}";
            switch (key)
            {
                case "grid":
                    spec = spec with { Grid = [.. Mapping(value, where).Select(pair => new GridAxis(pair.Key, pair.Value is YamlSequenceNode list
                        ? [.. list.Children.Select(item => ValueText(item, $"{where}.{pair.Key}"))]
                        : throw new UserInputException($"{where}.{pair.Key}: expected a list of values, e.g. [0.001, 0.003].")))] };
                    break;
                case "random":
                    spec = spec with { Random = [.. Mapping(value, where).Select(pair => ParseRandom($"{pair.Key}={Scalar(pair.Value, $"{where}.{pair.Key}")}"))] };
                    break;
                case "samples": spec = spec with { Samples = Integer(value, where) }; break;
                case "seeds": spec = spec with { Seeds = Integer(value, where) }; break;
                case "parallel": spec = spec with { Parallel = Integer(value, where) }; break;
                case "sampling_seed": spec = spec with { SamplingSeed = Integer(value, where) }; break;
                case "slurm":
                    var slurm = new SlurmOptions();
                    foreach (var (name, setting) in Mapping(value, where))
                        slurm = name switch
                        {
                            "partition" => slurm with { Partition = Scalar(setting, $"{where}.partition") },
                            "time" => slurm with { Time = Scalar(setting, $"{where}.time") },
                            "cpus" => slurm with { Cpus = Integer(setting, $"{where}.cpus") },
                            "gpus" => slurm with { Gpus = Integer(setting, $"{where}.gpus") },
                            _ => throw new UserInputException($"{where}.{name}: unknown key; slurm has partition, time, cpus, gpus."),
                        };
                    spec = spec with { Slurm = slurm };
                    break;
                default:
                    string? guess = Experiments.ConfigBinder.Closest(key, Keys);
                    throw new UserInputException(guess is null
                        ? $"{where}: unknown key; sweep has {string.Join(", ", Keys)}."
                        : $"{where}: unknown key; did you mean {guess}?");
            }
        }
        return spec;
    }

    static readonly string[] Keys = ["grid", "random", "samples", "seeds", "parallel", "sampling_seed", "slurm"];

    static IEnumerable<(string Key, YamlNode Value)> Mapping(YamlNode node, string where) => node is YamlMappingNode mapping
        ? mapping.Children.Select(pair => ((pair.Key as YamlScalarNode)?.Value ?? "", pair.Value))
        : throw new UserInputException($"{where}: expected a section of key: value lines.");

    static string Scalar(YamlNode node, string where) => node is YamlScalarNode { Value: { Length: > 0 } text }
        ? text
        : throw new UserInputException($"{where}: expected a single value.");

    /// <summary>A list item as <c>--set</c> would take it: a scalar's text, a flow list or mapping as YAML.</summary>
    static string ValueText(YamlNode node, string where)
    {
        if (node is YamlScalarNode scalar) return scalar.Value ?? "";
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var copy = node is YamlSequenceNode list ? new YamlSequenceNode(list.Children) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow } : node;
        new YamlStream(new YamlDocument(copy)).Save(writer, assignAnchors: false);
        string text = writer.ToString().Trim();
        return text.EndsWith("...", StringComparison.Ordinal) ? text[..^3].Trim() : text;
    }

    static int Integer(YamlNode node, string where) =>
        int.TryParse(Scalar(node, where), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UserInputException($"{where}: expected a whole number, got {Scalar(node, where)}.");
}
