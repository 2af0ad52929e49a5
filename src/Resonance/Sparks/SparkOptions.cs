namespace Resonance.Sparks;

/// <summary>The rules of the spark network: how sparks move and what their walk leaves behind (section <c>sparks</c>).</summary>
/// <remarks>
/// <para>State: weights <c>W</c> <c>(N, N)</c> in [0, 1], memory field <c>M</c> <c>(N)</c> in [0, 1], activations
/// <c>a</c> <c>(N)</c> in [0, 1], and the neuron <c>p_s</c> each spark <c>s</c> sits at.</para>
/// <para>Move (all sparks at once): spark <c>s</c> at <c>i = p_s</c> goes to <c>j != i</c> with probability
/// <c>P(j | i) = (1 - epsilon) softmax_j((W[i, j] + memoryBias * M[j]) / temperature) + epsilon / (N - 1)</c>;
/// that is, with probability <c>epsilon</c> it explores uniformly, otherwise it follows the softmax. A spark never
/// stays where it is and never leaves the graph.</para>
/// <para>Update, with <c>c_ij</c> the number of sparks that moved <c>i -> j</c> this step and <c>c_j</c> the number
/// that arrived at <c>j</c>: every quantity decays, then each use pushes it toward 1 (saturating, so weights,
/// memory and activations stay in [0, 1] and the order of sparks does not matter):
/// <code>
/// W      &lt;- (1 - weightDecay) W;          W[i, j] &lt;- 1 - (1 - W[i, j]) (1 - hebbianRate)^c_ij
/// M      &lt;- (1 - memoryDecay) M;          M[j]    &lt;- 1 - (1 - M[j])    (1 - memoryRate)^c_j
/// a      &lt;- (1 - activationDecay) a;      a[j]    &lt;- 1 - (1 - a[j])    (1 - activationGain)^c_j
/// </code>
/// The initial weights are uniform in [0, initialWeight) off the diagonal and 0 on it; memory and activations start at 0.</para>
/// </remarks>
public sealed record SparkOptions
{
    /// <summary>Number of neurons <c>N</c> (YAML <c>sparks.neurons</c>).</summary>
    public int Neurons { get; init; } = 256;

    /// <summary>Number of sparks <c>S</c>, at most <see cref="Neurons"/> (YAML <c>sparks.spark_count</c>).</summary>
    public int SparkCount { get; init; } = 16;

    /// <summary>Softmax temperature; lower is greedier (YAML <c>sparks.temperature</c>, &gt; 0).</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Weight <c>beta</c> of the memory field in the move logits; negative values repel sparks from
    /// visited neurons (YAML <c>sparks.memory_bias</c>).</summary>
    public double MemoryBias { get; init; } = 0.3;

    /// <summary>Probability of a uniform exploratory move (YAML <c>sparks.epsilon</c>, in [0, 1]).</summary>
    public double Epsilon { get; init; } = 0.05;

    /// <summary>Fraction of the gap to 1 that a traversed weight closes per use (YAML <c>sparks.hebbian_rate</c>, in [0, 1]).</summary>
    public double HebbianRate { get; init; } = 0.3;

    /// <summary>Fraction of every weight lost per step (YAML <c>sparks.weight_decay</c>, in [0, 1]).</summary>
    public double WeightDecay { get; init; } = 0.002;

    /// <summary>Upper end of the uniform initial weights (YAML <c>sparks.initial_weight</c>, in [0, 1]).</summary>
    public double InitialWeight { get; init; } = 0.1;

    /// <summary>Fraction of the gap to 1 that a visited neuron's activation closes (YAML <c>sparks.activation_gain</c>, in [0, 1]).</summary>
    public double ActivationGain { get; init; } = 1.0;

    /// <summary>Fraction of every activation lost per step (YAML <c>sparks.activation_decay</c>, in [0, 1]).</summary>
    public double ActivationDecay { get; init; } = 0.1;

    /// <summary>Fraction of the gap to 1 that a visited neuron's memory closes (YAML <c>sparks.memory_rate</c>, in [0, 1]).</summary>
    public double MemoryRate { get; init; } = 0.01;

    /// <summary>Fraction of the memory field lost per step; small, so memory is slow (YAML <c>sparks.memory_decay</c>, in [0, 1]).</summary>
    public double MemoryDecay { get; init; } = 0.0005;

    /// <summary>Bytes of memory one neuron pair costs: the weight matrix and the layout and measure temporaries
    /// (float32 each), plus copies for frames and pictures.</summary>
    public const long BytesPerNeuronPair = 32;

    /// <summary>The largest <see cref="Neurons"/> that fits a memory budget.</summary>
    public static int MaxNeurons(long memoryBudgetBytes) =>
        (int)Math.Min(int.MaxValue, Math.Floor(Math.Sqrt(memoryBudgetBytes / (double)BytesPerNeuronPair)));

    /// <summary>The memory this process may use (what <see cref="Validate"/> budgets against by default).</summary>
    public static long AvailableMemoryBytes => Runtime.MemoryBudget.AvailableBytes;

    /// <summary>Refuses impossible settings: more sparks than neurons, negative rates, <c>epsilon</c> outside [0, 1],
    /// more neurons than memory holds.</summary>
    /// <param name="memoryBudgetBytes">Memory to budget against; <see cref="AvailableMemoryBytes"/> when null.</param>
    /// <exception cref="UserInputException">A setting is out of range; the message names it and the range.</exception>
    public void Validate(long? memoryBudgetBytes = null)
    {
        long budget = memoryBudgetBytes ?? AvailableMemoryBytes;
        int maxNeurons = MaxNeurons(budget);
        if (Neurons > maxNeurons)
        {
            double needGiB = (double)Neurons * Neurons * BytesPerNeuronPair / (1L << 30);
            throw new UserInputException(
                $"sparks.neurons: {Neurons} neurons need about {needGiB:0.#} GiB ({BytesPerNeuronPair} bytes per neuron pair), " +
                $"more than the {budget / (double)(1L << 30):0.#} GiB of memory here; expected a whole number in [2, {maxNeurons}].");
        }
        OptionChecks.WholeInRange("sparks.neurons", Neurons, 2, maxNeurons);
        OptionChecks.WholeInRange("sparks.spark_count", SparkCount, 1, Neurons, "sparks.neurons");
        OptionChecks.Positive("sparks.temperature", Temperature);
        OptionChecks.Finite("sparks.memory_bias", MemoryBias);
        OptionChecks.InRange("sparks.epsilon", Epsilon, 0, 1);
        OptionChecks.InRange("sparks.hebbian_rate", HebbianRate, 0, 1);
        OptionChecks.InRange("sparks.weight_decay", WeightDecay, 0, 1);
        OptionChecks.InRange("sparks.initial_weight", InitialWeight, 0, 1);
        OptionChecks.InRange("sparks.activation_gain", ActivationGain, 0, 1);
        OptionChecks.InRange("sparks.activation_decay", ActivationDecay, 0, 1);
        OptionChecks.InRange("sparks.memory_rate", MemoryRate, 0, 1);
        OptionChecks.InRange("sparks.memory_decay", MemoryDecay, 0, 1);
    }
}

/// <summary>The force-directed layout of the neurons in the unit square (section <c>layout</c>).</summary>
/// <remarks>
/// Positions <c>x_i</c> <c>(N, 2)</c> live in the container [0, 1]^2. With symmetric weights
/// <c>U = (W + W^T) / 2</c> and the mean weighted degree <c>d = sum(U) / N</c>, each neuron feels
/// <code>
/// F_i = spring / d * sum_j U[i, j] (x_j - x_i)                              (springs weighted by W)
///     + repulsion / N * sum_j (x_i - x_j) / (|x_i - x_j|^2 + softening^2)   (repulsion between all pairs)
///     + gravity * (c - x_i)                                                  (pull to the centre c = (1/2, 1/2))
/// x_i &lt;- clamp(x_i + clip(stepSize * F_i, maxMove), 0, 1)
/// </code>
/// where <c>clip</c> shortens a move longer than <c>maxMove</c>. With diffuse weights the springs and gravity pull
/// every neuron toward the centre and the repulsion spreads them into an even disc (a 2-D Coulomb gas in a harmonic
/// trap, radius about <c>sqrt(repulsion / (spring + gravity))</c>); strong weights pull their neurons together.
/// </remarks>
public sealed record SparkLayoutOptions
{
    /// <summary>Whether the layout is stepped at all (YAML <c>layout.enabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Layout steps per simulation step (YAML <c>layout.iterations</c>, &gt;= 1).</summary>
    public int Iterations { get; init; } = 1;

    /// <summary>Spring stiffness (YAML <c>layout.spring</c>, &gt;= 0).</summary>
    public double Spring { get; init; } = 1.0;

    /// <summary>Repulsion strength (YAML <c>layout.repulsion</c>, &gt;= 0).</summary>
    public double Repulsion { get; init; } = 0.3;

    /// <summary>Pull of every neuron toward the centre of the container, whatever its weights (YAML <c>layout.gravity</c>, &gt;= 0).</summary>
    public double Gravity { get; init; } = 1.0;

    /// <summary>Distance below which the repulsion stops growing (YAML <c>layout.softening</c>, &gt; 0).</summary>
    public double Softening { get; init; } = 0.01;

    /// <summary>Euler step applied to the force (YAML <c>layout.step_size</c>, &gt; 0).</summary>
    public double StepSize { get; init; } = 0.05;

    /// <summary>Longest move of one neuron per layout step, in units of the container side (YAML <c>layout.max_move</c>, in (0, 1]).</summary>
    public double MaxMove { get; init; } = 0.01;

    /// <exception cref="UserInputException">A setting is out of range.</exception>
    public void Validate()
    {
        OptionChecks.WholeInRange("layout.iterations", Iterations, 1, 1000);
        OptionChecks.NonNegative("layout.spring", Spring);
        OptionChecks.NonNegative("layout.repulsion", Repulsion);
        OptionChecks.NonNegative("layout.gravity", Gravity);
        OptionChecks.Positive("layout.softening", Softening);
        OptionChecks.Positive("layout.step_size", StepSize);
        OptionChecks.Positive("layout.max_move", MaxMove);
        OptionChecks.InRange("layout.max_move", MaxMove, 0, 1);
    }
}

/// <summary>Which measures of emergence are taken, and how often (section <c>measures</c>).</summary>
public sealed record SparkMeasureOptions
{
    /// <summary>Steps between measurements (YAML <c>measures.every</c>, &gt;= 1).</summary>
    public int Every { get; init; } = 100;

    /// <summary>Half-width <c>b</c> of the diagonal band <c>|i - j| &lt;= b</c> used by the diagonal bias
    /// (YAML <c>measures.diagonal_band</c>, in [0, N - 1]).</summary>
    public int DiagonalBand { get; init; } = 4;

    /// <summary>An edge <c>{i, j}</c> enters the graph when <c>max(W[i, j], W[j, i])</c> exceeds this multiple of
    /// the mean off-diagonal weight (YAML <c>measures.graph_threshold</c>, &gt; 0).</summary>
    public double GraphThreshold { get; init; } = 4.0;

    /// <exception cref="UserInputException">A setting is out of range.</exception>
    public void Validate(int neurons)
    {
        OptionChecks.WholeAtLeast("measures.every", Every, 1);
        OptionChecks.WholeInRange("measures.diagonal_band", DiagonalBand, 0, neurons - 1, "sparks.neurons - 1");
        OptionChecks.Positive("measures.graph_threshold", GraphThreshold);
    }
}
