using Resonance.Experiments;
using Resonance.Reconstruction;
using YamlDotNet.RepresentationModel;

namespace Resonance.Tests.Reconstruction.Training;

[NoCollections]
public class ReconstructionOptionsBindingTests
{
    [Fact]
    public void The_training_section_binds_by_snake_case_keys()
    {
        var node = new YamlMappingNode { { "forcing", "sparse" }, { "alpha_method", "constant" }, { "forcing_interval", "8" }, { "end_lr", "1e-5" } };
        var options = ConfigBinder.Bind<ReconstructionTrainingOptions>(node, "training");
        Assert.Equal(ForcingKind.Sparse, options.Forcing);
        Assert.Equal(AlphaMethod.Constant, options.AlphaMethod);
        Assert.Equal(8, options.ForcingInterval);
        Assert.Equal(1e-5, options.EndLr);
    }

    [Fact]
    public void The_binder_validates_the_training_and_model_sections()
    {
        var error = Assert.Throws<UserInputException>(() => ConfigBinder.Bind<ReconstructionTrainingOptions>(new YamlMappingNode { { "alpha_decay", "1" } }, "training"));
        Assert.Contains("training.alpha_decay", error.Message);
        error = Assert.Throws<UserInputException>(() => ConfigBinder.Bind<AlRnnOptions>(new YamlMappingNode { { "latent_size", "3" }, { "piecewise_linear_units", "5" } }, "model"));
        Assert.Contains("model.piecewise_linear_units", error.Message);
        error = Assert.Throws<UserInputException>(() => ConfigBinder.Bind<ShallowPlrnnOptions>(new YamlMappingNode { { "hidden_size", "0" } }, "model"));
        Assert.Contains("model.hidden_size", error.Message);
    }
}
