namespace Resonance.Sparks;

/// <summary>
/// The state of a spark network at one step, on the host: the four panels (activations, weights, memory field,
/// layout), where the sparks are, and the latest measures. What pictures draw and what a live view streams.
/// </summary>
/// <param name="Step">Steps taken since the simulation began.</param>
/// <param name="Activations">Activations <c>a</c>, <c>(N)</c>.</param>
/// <param name="Weights">Weights <c>W</c>, <c>(N, N)</c> row-major: <c>W[i, j] = Weights[i * N + j]</c>.</param>
/// <param name="Memory">Memory field <c>M</c>, <c>(N)</c>.</param>
/// <param name="Positions">Layout positions, <c>(N, 2)</c> row-major: neuron <c>i</c> at <c>(Positions[2i], Positions[2i + 1])</c>.</param>
/// <param name="Sparks">The neuron each spark sits at, <c>(S)</c>.</param>
/// <param name="Measures">The measures taken at this step, or the latest before it; null when none was taken yet.</param>
public sealed record SparkFrame(
    long Step,
    float[] Activations,
    float[] Weights,
    float[] Memory,
    float[] Positions,
    int[] Sparks,
    SparkMeasures? Measures)
{
    /// <summary>Number of neurons <c>N</c>.</summary>
    public int Neurons => Activations.Length;

    /// <summary>Number of sparks <c>S</c>.</summary>
    public int SparkCount => Sparks.Length;

    /// <summary><c>W[from, to]</c>.</summary>
    public float Weight(int from, int to) => Weights[from * Neurons + to];

    /// <exception cref="UserInputException">An array has the wrong length for <paramref name="neurons"/> and <paramref name="sparkCount"/>,
    /// or a spark sits outside the graph.</exception>
    internal void CheckShape(int neurons, int sparkCount)
    {
        void Expect(string name, int actual, long expected)
        {
            if (actual != expected)
                throw new UserInputException($"snapshot: {name} holds {actual} values, expected {expected} for {neurons} neurons and {sparkCount} sparks.");
        }
        Expect("activations", Activations.Length, neurons);
        Expect("weights", Weights.Length, (long)neurons * neurons);
        Expect("memory", Memory.Length, neurons);
        Expect("positions", Positions.Length, 2L * neurons);
        Expect("sparks", Sparks.Length, sparkCount);
        if (Sparks.Any(i => i < 0 || i >= neurons))
            throw new UserInputException($"snapshot: a spark sits outside the graph (neurons 0..{neurons - 1}).");
    }
}
