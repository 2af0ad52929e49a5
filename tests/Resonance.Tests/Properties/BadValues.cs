using System.Globalization;
using CsCheck;

namespace Resonance.Tests.Properties;

/// <summary>Generators of the values and key names a careless user writes: non-numbers, extremes, wrong types, damaged text.</summary>
internal static class BadValues
{
    /// <summary>
    /// Keys whose value sets how much is allocated or computed (the last part of the path). The properties keep their
    /// numbers small: an unbounded size can still exhaust memory or run for minutes until the size limits (memory
    /// estimates before allocating, issue 15, kind 5) land, and the size-limit tests cover huge values. Values that are
    /// not numbers (NaN, words, lists, sections) they still get in full.
    /// </summary>
    public static readonly IReadOnlySet<string> SizeKeys = new HashSet<string>
    {
        "hidden", "layers", "reasoning_steps", "curriculum", "neurons", "hidden_neurons", "memories", "spark_count",
        "steps", "present_steps", "retain_steps", "picture_steps", "epochs", "batch_size", "eval_batch_size", "samples",
        "train_limit", "test_limit", "validation", "features", "classes", "trials", "banks", "queries", "repeats",
        "refine_points", "noise_cues", "load_grid", "iterations", "image_size", "frame_every", "snapshot_every", "every",
        "every_batches", "checkpoint_every_batches", "spike_window", "log_every", "convergence_epochs", "dream_time",
    };

    /// <summary>Whether the key at <paramref name="path"/> is a size (see <see cref="SizeKeys"/>).</summary>
    public static bool IsSize(string path) => SizeKeys.Contains(path[(path.LastIndexOf('.') + 1)..]);

    static readonly string[] Numbers =
    [
        "NaN", ".nan", "nan", ".NaN", "inf", ".inf", "-.inf", "Infinity", "-Infinity", "-1", "0", "-0", "0.0", "1", "3", "0.5",
        "1.5", "-3.5", "1e12", "1e300", "-1e300", "1e-320", "1e400", "-1e400", "1e38", "3.5e38", "2147483648", "-2147483649",
        "9223372036854775808", "0x10", "0o17", "1_000", "+1", "1e", "1.2.3", "١",
    ];

    static readonly string[] Words =
    [
        "abc", "\"\"", "''", "\"1\"", "'0.5'", "yes", "no", "true", "false", "null", "~", "", "../../escape", "/tmp/resonance-x",
        "a b", "é", "\"\\u0000\"", "\"\\t\"", "-", "?", ":", "|", ">", "@", "`", "%", "!", "&anchor 1", "*nowhere", "!!str 1",
        "!!int abc", "!!float x", "!custom 1", "!!binary AAAA", "!!timestamp 2001-01-01", "!!map {}", "!!seq []",
        new string('x', 2000), "\"" + new string('y', 500) + "\"",
    ];

    static readonly string[] Collections =
    [
        "[]", "[1, [2]]", "[1, 2]", "[a]", "[~]", "[.nan]", "[-1]", "[[]]", "[1, a]", "{}", "{a: 1}", "{a: {b: [1]}}", "[{a: 1}]",
        "{? [a]: 1}", "[", "{", "[1, 2", "{a: 1", "]", "}", "[a: 1]",
    ];

    /// <summary>Anything a user might write where a value goes, numbers of any size included.</summary>
    public static readonly Gen<string> Any = Gen.Frequency(
        (4, Gen.OneOf(Numbers)),
        (3, Gen.OneOf(Words)),
        (3, Gen.OneOf(Collections)),
        (1, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))));

    /// <summary>What goes where a size goes: small numbers (epochs at most 2) and anything that is not a number.</summary>
    public static Gen<string> ForSize(string path)
    {
        int most = path.EndsWith("epochs", StringComparison.Ordinal) ? 2 : 64;
        var small = Gen.OneOf(Gen.Int[-2, most].Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.OneOf("0.5", "1.5", "-0", "0.0", $"[{Math.Min(most, 2)}]", "[-1]", "[0]", "[0.5]"));
        var notNumbers = Gen.OneOf(Gen.OneOf("NaN", ".nan", ".inf", "-.inf", "inf", "1e", "0x10", "1_000", "+1", "1.2.3"),
            Gen.OneOf(Words), Gen.OneOf(Collections));
        return Gen.Frequency((3, small), (4, notNumbers));
    }

    /// <summary>A value for the key at <paramref name="path"/>: see <see cref="Any"/> and <see cref="ForSize"/>.</summary>
    public static Gen<string> For(string path) => IsSize(path) ? ForSize(path) : Any;

    /// <summary>A key name that is a near miss of <paramref name="key"/> or no key at all.</summary>
    public static Gen<string> KeyNear(string key) => Gen.OneOf(
        Gen.Const(key.ToUpperInvariant()),
        Gen.Const(key + "s"),
        Gen.Const(key.Length > 1 ? key[1..] : key + key),
        Gen.Const(key.Replace('_', '-')),
        Gen.Const(key + " "),
        Gen.Const("\"" + key + "\""),
        Gen.OneOf("x", "unknown_key", "a b", "a.b", "kind", "1", "true", "null", "~", "\"\"", "-", "[a]", "{a: 1}", "? a", "é", "<<"));
}
