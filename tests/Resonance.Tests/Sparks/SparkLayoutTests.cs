using Resonance.Sparks;
using static TorchSharp.torch;

namespace Resonance.Tests.Sparks;

public class SparkLayoutTests
{
    static double Distance(Tensor positions) => (positions[0] - positions[1]).norm().item<float>();

    [Fact]
    public void A_spring_pulls_two_connected_neurons_together()
    {
        using var positions = tensor(new float[] { 0.2f, 0.5f, 0.8f, 0.5f }, new long[] { 2, 2 });
        using var weights = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 2, 2 });
        double before = Distance(positions);
        SparkLayout.Step(positions, weights, new SparkLayoutOptions { Repulsion = 0, Gravity = 0 });
        // Each moves 0.05 x 1 x 0.6 = 0.03 toward the other, capped at max_move 0.01.
        Assert.Equal(before - 0.02, Distance(positions), 5);
    }

    [Fact]
    public void Repulsion_pushes_two_neurons_apart()
    {
        using var positions = tensor(new float[] { 0.45f, 0.5f, 0.55f, 0.5f }, new long[] { 2, 2 });
        using var weights = zeros(2, 2);
        double before = Distance(positions);
        SparkLayout.Step(positions, weights, new SparkLayoutOptions { Spring = 0, Gravity = 0 });
        Assert.True(Distance(positions) > before);
    }

    [Fact]
    public void Neurons_stay_in_the_unit_square()
    {
        using var positions = tensor(new float[] { 0.001f, 0.999f, 0.999f, 0.001f, 0.5f, 0.5f }, new long[] { 3, 2 });
        using var weights = zeros(3, 3);
        for (int i = 0; i < 50; i++)
            SparkLayout.Step(positions, weights, new SparkLayoutOptions { Spring = 0, Gravity = 0, Repulsion = 10, MaxMove = 0.1 });
        Assert.All(positions.data<float>().ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Diffuse_weights_settle_into_an_even_gas()
    {
        // 200 neurons with flat weights: springs and gravity against repulsion spread them into an even disc,
        // more regular than a uniform random gas (nearest-neighbour ratio above 1).
        using var generator = new Generator(4);
        using var positions = rand(new long[] { 200, 2 }, generator: generator);
        using var weights = full(200, 200, 0.05f);
        for (int i = 0; i < 300; i++)
            SparkLayout.Step(positions, weights, new SparkLayoutOptions());
        Assert.True(Emergence.Evenness(positions).NearestNeighbourRatio > 1.3);
    }
}
