using System.Text.Json;
using Resonance.Runtime;
using Resonance.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Resonance.Tests.Training;

public class CheckpointTests
{
    static readonly TrainerState State = TrainerState.Start with { Epoch = 2, BatchInEpoch = 3, Step = 17, BestMetric = 0.75 };

    static nn.Module<Tensor, Tensor> Model(long seed)
    {
        var model = nn.Linear(3, 2);
        foreach (var (name, parameter) in model.named_parameters())
            RandomStreams.Uniform(parameter, 1, RandomStreams.Derive(seed, name));
        return model;
    }

    static void AssertSameParameters(nn.Module expected, nn.Module actual)
    {
        var actualByName = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in expected.named_parameters())
            Assert.True(parameter.eq(actualByName[name]).all().item<bool>(), $"{name} differs");
    }

    /// <summary>A checkpoint as format 1 wrote it: the same entries as today, then the global generator's state as a
    /// length and bytes (<paramref name="generatorState"/> may be shorter than the length, to cut the file).</summary>
    static void WriteFormat1(string path, nn.Module model, int generatorStateLength, byte[] generatorState)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("resonance-checkpoint/1");
        writer.Write(JsonSerializer.Serialize(State));
        model.save(writer);
        optim.Adam(model.parameters(), lr: 0.01).save_state_dict(writer);
        writer.Write(generatorStateLength);
        writer.Write(generatorState);
    }

    [Fact]
    public void A_checkpoint_loads_back_the_weights_and_the_state()
    {
        using var folder = new TempFolder();
        var saved = Model(seed: 1);
        Checkpoint.Save(folder.Combine("last.ckpt"), State, saved, optim.Adam(saved.parameters(), lr: 0.01));

        var loaded = Model(seed: 2);
        var state = Checkpoint.Load(folder.Combine("last.ckpt"), loaded, optim.Adam(loaded.parameters(), lr: 0.01));

        Assert.Equal(State, state);
        AssertSameParameters(saved, loaded);
    }

    [Fact]
    public void A_checkpoint_written_with_the_global_generator_state_still_loads_and_leaves_the_generator_alone()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("old.ckpt");
        var saved = Model(seed: 3);
        WriteFormat1(path, saved, generatorStateLength: 5056, Enumerable.Range(0, 5056).Select(i => (byte)(i * 7)).ToArray());

        var loaded = Model(seed: 4);
        var optimizer = optim.Adam(loaded.parameters(), lr: 0.01);
        using var before = torch.random.get_rng_state();

        var state = Checkpoint.Load(path, loaded, optimizer);

        Assert.Equal(State, state);
        AssertSameParameters(saved, loaded);
        using var after = torch.random.get_rng_state();
        Assert.True(before.eq(after).all().item<bool>(), "loading changed torch's global generator");
    }

    [Fact]
    public void A_format_1_checkpoint_cut_inside_its_generator_state_is_reported_as_damaged()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("cut.ckpt");
        WriteFormat1(path, Model(seed: 5), generatorStateLength: 5056, new byte[100]);

        var loaded = Model(seed: 6);
        var error = Assert.Throws<UserInputException>(() => Checkpoint.Load(path, loaded, optim.Adam(loaded.parameters(), lr: 0.01)));
        Assert.Contains("damaged", error.Message);
    }
}
