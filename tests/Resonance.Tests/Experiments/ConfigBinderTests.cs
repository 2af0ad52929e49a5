using Resonance.Attractors;
using Resonance.Attractors.Studies;
using Resonance.Experiments;
using Resonance.Models;
using Resonance.Sparks;
using Resonance.Training;
using YamlDotNet.RepresentationModel;

namespace Resonance.Tests.Experiments;

public class ConfigBinderTests
{
    /// <summary>Every options record a file binds, with the section it is bound under: the training experiment's sections and
    /// every registered model, the attractor study's shared sections and every kind's own, the spark experiment's sections.</summary>
    static IEnumerable<(Type Type, string Section)> OptionsRecords() =>
    [
        .. ModelCatalog.CreateDefault().Entries.Select(entry => (entry.OptionsType, "model")),
        (typeof(DataOptions), "data"),
        (typeof(TrainingOptions), "training"),
        (typeof(LoggingOptions), "logging"),
        (typeof(ReferenceFigure), "reference[0]"),
        (typeof(AttractorNetworkOptions), "network"),
        (typeof(AttractorTrainingOptions), "training"),
        .. AttractorStudy.Kinds.Select(kind => (kind.OptionsType, AttractorStudy.SectionOf(kind.Kind))),
        .. ConfigBinder.Properties(typeof(SparkExperiment)).Where(p => p.Value.PropertyType.IsClass).Select(p => (p.Value.PropertyType, p.Key)),
    ];

    /// <summary>The keys under <paramref name="type"/> that take a fractional number (alone, nullable or in a list), nested
    /// records included, each with a way to write a value there as YAML.</summary>
    static IEnumerable<(string Key, Func<string, YamlNode> Write)> FractionalKeys(Type type)
    {
        foreach (var (key, property) in ConfigBinder.Properties(type))
        {
            Type valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Type? element = valueType.IsArray ? valueType.GetElementType()
                : valueType.IsGenericType && valueType.GetGenericArguments() is [var argument] && typeof(System.Collections.IEnumerable).IsAssignableFrom(valueType) ? argument : null;
            if (IsFractional(valueType))
                yield return (key, value => new YamlMappingNode { { key, value } });
            else if (element is not null && IsFractional(Nullable.GetUnderlyingType(element) ?? element))
                yield return (key, value => new YamlMappingNode { { key, new YamlSequenceNode(new YamlScalarNode(value)) } });
            else if (element is { IsClass: true } && element != typeof(string))
                foreach (var (inner, write) in FractionalKeys(element))
                    yield return ($"{key}[0].{inner}", value => new YamlMappingNode { { key, new YamlSequenceNode(write(value)) } });
            else if (element is null && valueType.IsClass && valueType != typeof(string))
                foreach (var (inner, write) in FractionalKeys(valueType))
                    yield return ($"{key}.{inner}", value => new YamlMappingNode { { key, write(value) } });
        }
    }

    static bool IsFractional(Type type) => type == typeof(double) || type == typeof(float);

    [Fact]
    public void Every_fractional_key_of_every_options_record_refuses_nan_the_infinities_and_numbers_beyond_float32()
    {
        string[] values = ["NaN", "nan", ".nan", "inf", "-inf", ".inf", "-.inf", "Infinity", "-Infinity", "1e400", "1e39", "-4e38"];
        var accepted = new List<string>();
        var swept = new List<string>();
        foreach (var (type, section) in OptionsRecords())
            foreach (var (key, write) in FractionalKeys(type))
            {
                string path = $"{section}.{key}";
                swept.Add(path);
                foreach (string value in values)
                {
                    var error = Record.Exception(() => ConfigBinder.Bind(type, (YamlMappingNode)write(value), section));
                    if (error is not UserInputException || !error.Message.StartsWith(path.Replace("[0].", "[0]."), StringComparison.Ordinal)
                        || !error.Message.Contains(value, StringComparison.Ordinal))
                        accepted.Add($"{type.Name} {path}={value}: {error?.Message ?? "accepted"}");
                }
            }
        Assert.Empty(accepted);
        foreach (string key in new[] { "training.weight_decay", "training.min_lr", "training.clip_grad_norm", "training.target_accuracy", "model.initial_threshold" })
            Assert.Contains(key, swept);
        Assert.True(swept.Count >= 40, $"only {swept.Count} fractional keys found: {string.Join(", ", swept)}");
    }

    [Fact]
    public void A_number_inside_float32_range_is_kept_exactly()
    {
        var training = ConfigBinder.Bind<TrainingOptions>(new YamlMappingNode { { "weight_decay", "3e-38" }, { "target_accuracy", "0.5" } }, "training");
        Assert.Equal(3e-38, training.WeightDecay);
        Assert.Equal(0.5, training.TargetAccuracy);
    }

    [Fact]
    public void A_key_that_is_not_a_name_is_refused_by_the_binder_too()
    {
        var node = new YamlMappingNode { { new YamlSequenceNode(new YamlScalarNode("lr")), new YamlScalarNode("1") } };
        var error = Assert.Throws<UserInputException>(() => ConfigBinder.Bind<TrainingOptions>(node, "training"));
        Assert.Equal("in training, a key is a list or a section; a key must be a plain name, as in hidden: 64.", error.Message);
    }
}
