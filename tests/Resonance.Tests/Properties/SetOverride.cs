using CsCheck;

namespace Resonance.Tests.Properties;

/// <summary><c>--set key=value</c> strings as a careless user types them: keys of the experiment's resolved config, near misses,
/// keys that walk into values or sections, and every kind of bad value (see <see cref="BadValues"/>).</summary>
internal static class SetOverride
{
    static readonly string[] MadeUpKeys =
    [
        "x", "model", "training", "data", "network", "sparks", "run", "layout", "measures", "per_rule", "kind", "name", "seed", "study",
        "model.x", "x.y.z", "a..b", ".lr", "lr.", " ", "model. hidden", "training.lr.x", "model.type.x", "per_rule.x.training.lr",
        "per_rule.learned.network.x", "run.steps.x", string.Join('.', Enumerable.Repeat("a", 70)),
    ];

    /// <summary>One override for an experiment whose resolved config has <paramref name="keys"/>.</summary>
    public static Gen<string> For(IReadOnlyList<string> keys)
    {
        var known = Gen.OneOf([.. keys]).SelectMany(key => BadValues.For(key).Select(value => $"{key}={value}"));
        var nearMiss = Gen.OneOf([.. keys]).SelectMany(key => BadValues.KeyNear(key[(key.LastIndexOf('.') + 1)..])
            .Select(name => key.Contains('.') ? key[..key.LastIndexOf('.')] + "." + name : name))
            .SelectMany(key => BadValues.For(key).Select(value => $"{key}={value}"));
        var madeUp = Gen.OneOf(MadeUpKeys).SelectMany(key => BadValues.For(key).Select(value => $"{key}={value}"));
        var malformed = Gen.OneOf("noequals", "=5", "==", "=", "training.lr==1", "training.lr", " =1", "model.hidden=8=9", "\u0000=1");
        return Gen.Frequency((6, known), (2, nearMiss), (2, madeUp), (1, malformed));
    }
}
