using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Resonance.Runtime;

namespace Resonance.Sweeps;

/// <summary>One run of a sweep: a setting of the swept keys and a seed.</summary>
/// <param name="Index">Position in the plan (the Slurm array index).</param>
/// <param name="Name">The point's name, <c>p000</c>, <c>p001</c>, …: its config is <c>points/NAME.yaml</c>, its run <c>runs/NAME/</c>.</param>
/// <param name="Setting">Which setting (the points of one setting differ only by seed).</param>
/// <param name="Values">The swept keys' values, as <c>--set</c> takes them, in the sweep's key order.</param>
/// <param name="Seed">The run's seed.</param>
public sealed record SweepPoint(int Index, string Name, int Setting, IReadOnlyList<KeyValuePair<string, string>> Values, long Seed)
{
    /// <summary>The overrides that make this point from the experiment: <c>key=value</c> each.</summary>
    public IReadOnlyList<string> Overrides => [.. Values.Select(pair => $"{pair.Key}={pair.Value}")];

    /// <summary>The setting in a few words: <c>training.lr=0.001 model.hidden=64</c> (or <c>(base)</c> for a seeds-only sweep).</summary>
    public string Label => Values.Count == 0 ? "(base)" : string.Join(' ', Overrides);
}

/// <summary>The points of a sweep, in a fixed order (settings, then seeds within a setting), and the fingerprint that names it.</summary>
/// <param name="Keys">The swept keys, grid keys first, in the spec's order.</param>
/// <param name="Points">Every point.</param>
/// <param name="Fingerprint">The first 8 hex digits of SHA-256 over the experiment and the points: the same sweep run twice gets the same folder.</param>
public sealed record SweepPlan(IReadOnlyList<string> Keys, IReadOnlyList<SweepPoint> Points, string Fingerprint)
{
    /// <summary>Expands <paramref name="spec"/> over the seeds <c>baseSeed .. baseSeed + Seeds − 1</c>.</summary>
    /// <param name="spec">A validated spec.</param>
    /// <param name="baseSeed">The experiment's own seed.</param>
    /// <param name="experimentYaml">The experiment as resolved YAML without its <c>sweep:</c> section (part of the fingerprint).</param>
    public static SweepPlan Expand(SweepSpec spec, long baseSeed, string experimentYaml)
    {
        var settings = new List<List<KeyValuePair<string, string>>> { new() };
        foreach (var axis in spec.Grid)
            settings = [.. settings.SelectMany(setting => axis.Values.Select(value => new List<KeyValuePair<string, string>>(setting) { new(axis.Key, value) }))];
        if (spec.Random.Count > 0)
        {
            var draws = new SplitMix64(RandomStreams.Derive(spec.SamplingSeed, "sweep.random"));
            var samples = Enumerable.Range(0, spec.Samples)
                .Select(_ => spec.Random.Select(axis => new KeyValuePair<string, string>(axis.Key, Format(axis.At(Unit(draws))))).ToList())
                .ToList();
            settings = [.. settings.SelectMany(setting => samples.Select(sample => new List<KeyValuePair<string, string>>([.. setting, .. sample])))];
        }
        int count = settings.Count * spec.Seeds, width = Math.Max(3, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        var points = new List<SweepPoint>(count);
        for (int s = 0; s < settings.Count; s++)
            for (int k = 0; k < spec.Seeds; k++)
            {
                int index = points.Count;
                points.Add(new SweepPoint(index, "p" + index.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'), s, settings[s], baseSeed + k));
            }
        var keys = spec.Grid.Select(a => a.Key).Concat(spec.Random.Select(a => a.Key)).ToList();
        return new SweepPlan(keys, points, Hash(experimentYaml, points));
    }

    /// <summary>The number of digits in a point's name (for the Slurm script's <c>printf</c>).</summary>
    public int NameDigits => Points.Count == 0 ? 3 : Points[0].Name.Length - 1;

    /// <summary><c>points.json</c>: the fingerprint, the keys and every point.</summary>
    public JsonObject ToJson() => new()
    {
        ["fingerprint"] = Fingerprint,
        ["keys"] = new JsonArray([.. Keys.Select(k => (JsonNode)k)]),
        ["points"] = new JsonArray([.. Points.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["setting"] = p.Setting,
            ["seed"] = p.Seed,
            ["values"] = new JsonObject(p.Values.Select(pair => new KeyValuePair<string, JsonNode?>(pair.Key, pair.Value))),
        })]),
    };

    /// <summary>Reads <c>points.json</c>.</summary>
    /// <exception cref="UserInputException">It is not what <see cref="ToJson"/> writes.</exception>
    public static SweepPlan FromJson(JsonNode? node, string path)
    {
        try
        {
            var json = node!.AsObject();
            var keys = json["keys"]!.AsArray().Select(k => (string)k!).ToList();
            var points = json["points"]!.AsArray().Select((p, i) => new SweepPoint(i, (string)p!["name"]!, (int)p["setting"]!,
                [.. p["values"]!.AsObject().Select(pair => new KeyValuePair<string, string>(pair.Key, (string)pair.Value!))], (long)p["seed"]!)).ToList();
            return new SweepPlan(keys, points, (string)json["fingerprint"]!);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or System.Text.Json.JsonException)
        {
            throw new UserInputException($"{path}: not a sweep's point list ({e.Message.Split('\n')[0]}); it is written by resonance sweep.", e);
        }
    }

    /// <summary>A uniform draw in [0, 1) from the top 53 bits.</summary>
    static double Unit(SplitMix64 random) => (random.Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A drawn value with 4 significant digits (what people read in a table; the run gets exactly this value).</summary>
    static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    static string Hash(string experimentYaml, IReadOnlyList<SweepPoint> points)
    {
        var text = new StringBuilder(experimentYaml).Append('\n');
        foreach (var point in points) text.Append(point.Label).Append(" seed=").Append(point.Seed).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..8];
    }
}
