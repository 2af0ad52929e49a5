using Resonance.Sparks;
using static Resonance.Tests.Sparks.SparkTesting;

namespace Resonance.Tests.Sparks;

public class SparkSimulationTests
{
    // A 5-neuron weight matrix with clear preferences, row = from.
    static readonly float[] Preferences =
    [
        0.0f, 0.9f, 0.1f, 0.3f, 0.0f,
        0.2f, 0.0f, 0.8f, 0.1f, 0.4f,
        0.5f, 0.5f, 0.0f, 0.0f, 0.9f,
        0.1f, 0.6f, 0.2f, 0.0f, 0.3f,
        0.7f, 0.0f, 0.4f, 0.2f, 0.0f,
    ];

    static double[] Softmax(IEnumerable<double> logits, int skip)
    {
        var values = logits.ToArray();
        var exp = values.Select((v, j) => j == skip ? 0 : Math.Exp(v)).ToArray();
        double total = exp.Sum();
        return exp.Select(e => e / total).ToArray();
    }

    // Counts moves i -> j over many steps of a chain whose rules do not change.
    static double[,] EmpiricalMoves(SparkSimulation simulation, int steps, int n)
    {
        var counts = new double[n, n];
        var from = Longs(simulation.Sparks);
        for (int step = 0; step < steps; step++)
        {
            simulation.Advance();
            var to = Longs(simulation.Sparks);
            for (int s = 0; s < from.Length; s++) counts[from[s], to[s]]++;
            from = to;
        }
        for (int i = 0; i < n; i++)
        {
            double row = Enumerable.Range(0, n).Sum(j => counts[i, j]);
            for (int j = 0; j < n; j++) counts[i, j] /= row;
        }
        return counts;
    }

    [Fact]
    public void A_spark_never_stays_put_and_never_leaves_the_graph()
    {
        var options = new SparkOptions { Neurons = 6, SparkCount = 6, Epsilon = 0.3, Temperature = 0.05 };
        using var simulation = new SparkSimulation(options, seed: 11);
        var before = Longs(simulation.Sparks);
        for (int step = 0; step < 300; step++)
        {
            simulation.Advance();
            var after = Longs(simulation.Sparks);
            for (int s = 0; s < after.Length; s++)
            {
                Assert.InRange(after[s], 0, 5);
                Assert.NotEqual(before[s], after[s]);
            }
            before = after;
        }
    }

    [Fact]
    public void Move_probabilities_are_the_softmax_of_weights_plus_memory_over_temperature_without_the_current_neuron()
    {
        var options = Frozen(5, 2) with { Temperature = 0.25, MemoryBias = 0.5, Epsilon = 0 };
        float[] memory = [0.0f, 1.0f, 0.2f, 0.0f, 0.6f];
        using var simulation = Simulation(options, Preferences, [1, 3], memory);
        using var probabilities = simulation.MoveProbabilities();
        var actual = Values(probabilities);
        foreach (var (s, i) in new[] { (0, 1), (1, 3) })
        {
            var expected = Softmax(Enumerable.Range(0, 5).Select(j => (Preferences[i * 5 + j] + 0.5 * memory[j]) / 0.25), skip: i);
            for (int j = 0; j < 5; j++)
                Assert.Equal(expected[j], actual[s * 5 + j], 1e-6);
        }
    }

    [Fact]
    public void With_epsilon_zero_moves_follow_the_softmax()
    {
        // 5 sparks x 4000 steps = 20,000 moves, about 4,000 from each neuron: a frequency's standard error is below
        // 0.008, so 0.03 is about four of them.
        var options = Frozen(5, 5) with { Temperature = 0.3, Epsilon = 0 };
        using var simulation = Simulation(options, Preferences, [0, 1, 2, 3, 4]);
        var empirical = EmpiricalMoves(simulation, 4000, 5);
        for (int i = 0; i < 5; i++)
        {
            var expected = Softmax(Enumerable.Range(0, 5).Select(j => Preferences[i * 5 + j] / 0.3), skip: i);
            for (int j = 0; j < 5; j++)
                Assert.True(Math.Abs(empirical[i, j] - expected[j]) < 0.03, $"P({j} | {i}): expected {expected[j]:0.000}, got {empirical[i, j]:0.000}");
        }
    }

    [Fact]
    public void With_epsilon_one_moves_are_uniform_over_the_other_neurons()
    {
        // Same counts as above; every move from i lands on each of the 4 others with probability 1/4.
        var options = Frozen(5, 5) with { Temperature = 0.01, Epsilon = 1 };
        using var simulation = Simulation(options, Preferences, [0, 1, 2, 3, 4]);
        var empirical = EmpiricalMoves(simulation, 4000, 5);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                double expected = i == j ? 0 : 0.25;
                Assert.True(Math.Abs(empirical[i, j] - expected) < 0.03, $"P({j} | {i}): expected {expected}, got {empirical[i, j]:0.000}");
            }
    }

    [Fact]
    public void Epsilon_mixes_the_softmax_with_the_uniform_exploration()
    {
        var options = Frozen(5, 1) with { Temperature = 0.3, Epsilon = 0.2 };
        using var simulation = Simulation(options, Preferences, [2]);
        using var probabilities = simulation.MoveProbabilities();
        var actual = Values(probabilities);
        var softmax = Softmax(Enumerable.Range(0, 5).Select(j => Preferences[2 * 5 + j] / 0.3), skip: 2);
        for (int j = 0; j < 5; j++)
            Assert.Equal(j == 2 ? 0 : 0.8 * softmax[j] + 0.2 / 4, actual[j], 1e-6);
    }

    [Fact]
    public void One_step_decays_everything_then_strengthens_the_used_edge_the_visited_memory_and_activation()
    {
        // Two neurons, one spark at 0: it must move to 1.
        var options = new SparkOptions
        {
            Neurons = 2, SparkCount = 1, HebbianRate = 0.5, WeightDecay = 0.1, MemoryRate = 0.25, MemoryDecay = 0.2,
            ActivationGain = 0.5, ActivationDecay = 0.5, Epsilon = 0,
        };
        float[] weights = [0.4f, 0.2f, 0.6f, 0.8f];
        using var simulation = Simulation(options, weights, [0], memory: [0.5f, 0.4f], activations: [1.0f, 0.2f]);
        simulation.Advance();

        Assert.Equal([1L], Longs(simulation.Sparks));
        var w = Values(simulation.Weights);
        Assert.Equal(0.9 * 0.4, w[0], 1e-6);                              // decayed only
        Assert.Equal(1 - (1 - 0.9 * 0.2) * 0.5, w[1], 1e-6);              // W[0, 1]: decayed, then used once
        Assert.Equal(0.9 * 0.6, w[2], 1e-6);
        Assert.Equal(0.9 * 0.8, w[3], 1e-6);
        var m = Values(simulation.Memory);
        Assert.Equal(0.8 * 0.5, m[0], 1e-6);
        Assert.Equal(1 - (1 - 0.8 * 0.4) * 0.75, m[1], 1e-6);
        var a = Values(simulation.Activations);
        Assert.Equal(0.5 * 1.0, a[0], 1e-6);
        Assert.Equal(1 - (1 - 0.5 * 0.2) * 0.5, a[1], 1e-6);
        Assert.Equal(1, simulation.Step);
    }

    [Fact]
    public void Without_learning_weights_decay_geometrically()
    {
        var options = Frozen(4, 2) with { WeightDecay = 0.05 };
        var weights = Enumerable.Range(0, 16).Select(k => k % 5 == 0 ? 0f : 0.1f * (k % 7)).ToArray();
        using var simulation = Simulation(options, weights, [0, 2]);
        simulation.Advance(10);
        var w = Values(simulation.Weights);
        for (int k = 0; k < 16; k++)
            Assert.Equal(Math.Pow(0.95, 10) * weights[k], w[k], 1e-6);
    }

    [Fact]
    public void Repeated_uses_in_one_step_compound_like_uses_in_a_row()
    {
        using var values = TorchSharp.torch.zeros(4);
        using var index = TorchSharp.torch.tensor(new long[] { 2, 2, 0, 2 });
        SparkSimulation.SaturatingUse(values, index, 0.5);
        Assert.Equal([0.5f, 0f, 0.875f, 0f], Values(values));
    }

    [Fact]
    public void Weights_memory_and_activations_stay_in_the_unit_interval()
    {
        var options = new SparkOptions { Neurons = 8, SparkCount = 8, HebbianRate = 1, MemoryRate = 1, ActivationGain = 1, Temperature = 0.05 };
        using var simulation = new SparkSimulation(options, seed: 5);
        simulation.Advance(200);
        foreach (var tensor in new[] { simulation.Weights, simulation.Memory, simulation.Activations })
            Assert.All(Values(tensor), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers_and_another_seed_others()
    {
        var options = new SparkOptions { Neurons = 12, SparkCount = 4 };
        float[] Run(long seed)
        {
            using var simulation = new SparkSimulation(options, seed);
            simulation.Advance(40);
            return [.. Values(simulation.Weights), .. Values(simulation.Positions), .. Longs(simulation.Sparks).Select(i => (float)i)];
        }
        Assert.Equal(Run(1), Run(1));
        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void Sparks_start_at_distinct_neurons()
    {
        using var simulation = new SparkSimulation(new SparkOptions { Neurons = 10, SparkCount = 10 }, seed: 3);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Longs(simulation.Sparks).Order());
    }

    [Fact]
    public void Reconfigure_changes_rates_but_refuses_a_different_size()
    {
        using var simulation = new SparkSimulation(new SparkOptions { Neurons = 6, SparkCount = 2 }, seed: 1);
        simulation.Reconfigure(simulation.Options with { Epsilon = 0.5 }, simulation.Layout);
        Assert.Equal(0.5, simulation.Options.Epsilon);
        var error = Assert.Throws<UserInputException>(() => simulation.Reconfigure(simulation.Options with { SparkCount = 3 }, simulation.Layout));
        Assert.StartsWith("sparks.spark_count: cannot change from 2 to 3", error.Message);
    }
}
