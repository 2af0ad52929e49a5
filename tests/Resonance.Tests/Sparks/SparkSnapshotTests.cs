using System.IO.Compression;
using Resonance.Sparks;
using static Resonance.Tests.Sparks.SparkTesting;

namespace Resonance.Tests.Sparks;

public class SparkSnapshotTests
{
    static readonly SparkExperiment Small = new()
    {
        Seed = 21,
        Sparks = new SparkOptions { Neurons = 24, SparkCount = 5 },
        Layout = new SparkLayoutOptions(),
    };

    [Fact]
    public void A_saved_snapshot_loads_back_the_same_state_and_experiment()
    {
        using var folder = new TempFolder();
        string file = folder.Combine("state.npz");
        using var simulation = new SparkSimulation(Small.Sparks, Small.Seed, layout: Small.Layout);
        simulation.Advance(7);
        var saved = simulation.Snapshot(Small);
        saved.Save(file);
        var loaded = SparkSnapshot.Load(file);

        Assert.Equal(7, loaded.State.Step);
        Assert.Equal(saved.State.Weights, loaded.State.Weights);
        Assert.Equal(saved.State.Memory, loaded.State.Memory);
        Assert.Equal(saved.State.Activations, loaded.State.Activations);
        Assert.Equal(saved.State.Positions, loaded.State.Positions);
        Assert.Equal(saved.State.Sparks, loaded.State.Sparks);
        Assert.Equal(saved.MoveStreamState, loaded.MoveStreamState);
        Assert.Equal(SparkConfig.ToYaml(saved.Experiment), SparkConfig.ToYaml(loaded.Experiment));
    }

    [Fact]
    public void A_continued_simulation_ends_where_an_uninterrupted_one_does()
    {
        using var folder = new TempFolder();
        using var straight = new SparkSimulation(Small.Sparks, Small.Seed, layout: Small.Layout);
        straight.Advance(30);

        string file = folder.Combine("half.npz");
        using (var first = new SparkSimulation(Small.Sparks, Small.Seed, layout: Small.Layout))
        {
            first.Advance(15);
            first.Snapshot(Small).Save(file);
        }
        using var continued = SparkSimulation.Restore(SparkSnapshot.Load(file));
        continued.Advance(15);

        Assert.Equal(30, continued.Step);
        Assert.Equal(Values(straight.Weights), Values(continued.Weights));
        Assert.Equal(Values(straight.Memory), Values(continued.Memory));
        Assert.Equal(Values(straight.Positions), Values(continued.Positions));
        Assert.Equal(Longs(straight.Sparks), Longs(continued.Sparks));
    }

    [Fact]
    public void The_arrays_are_numpy_npy_files_with_aligned_headers()
    {
        using var folder = new TempFolder();
        string file = folder.Combine("state.npz");
        using var simulation = new SparkSimulation(Small.Sparks, Small.Seed);
        simulation.Snapshot(Small).Save(file);
        using var zip = ZipFile.OpenRead(file);
        var weights = zip.GetEntry("weights.npy")!;
        using var stream = weights.Open();
        var head = new byte[10];
        stream.ReadExactly(head);
        Assert.Equal(0x93, head[0]);
        Assert.Equal("NUMPY", System.Text.Encoding.ASCII.GetString(head, 1, 5));
        int headerLength = BitConverter.ToUInt16(head, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (24, 24), }", System.Text.Encoding.ASCII.GetString(header));
        Assert.Equal(10 + headerLength + 24 * 24 * 4, weights.Length);
    }

    [Fact]
    public void Continuing_with_another_size_is_refused()
    {
        using var simulation = new SparkSimulation(Small.Sparks, Small.Seed);
        var snapshot = simulation.Snapshot(Small);
        var error = Assert.Throws<UserInputException>(() =>
            SparkSimulation.Restore(snapshot, experiment: Small with { Sparks = Small.Sparks with { SparkCount = 6 } }));
        Assert.StartsWith("sparks.neurons and sparks.spark_count cannot change when continuing a snapshot", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_snapshot_is_refused_by_name()
    {
        using var folder = new TempFolder();
        string file = folder.Combine("not.npz");
        File.WriteAllText(file, "hello");
        Assert.StartsWith($"{file}: not a snapshot (.npz) file", Assert.Throws<UserInputException>(() => SparkSnapshot.Load(file)).Message);
        Assert.Equal($"{file}.missing: no such snapshot file.", Assert.Throws<UserInputException>(() => SparkSnapshot.Load(file + ".missing")).Message);
    }
}
