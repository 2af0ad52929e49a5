using Resonance.Attractors;
using static TorchSharp.torch;
using static Resonance.Tests.Attractors.AttractorTesting;

namespace Resonance.Tests.Attractors;

public class ClassicalRulesTests
{
    public static TheoryData<string> Rules()
    {
        var data = new TheoryData<string>();
        foreach (var entry in ClassicalRules.Catalogue) data.Add(entry.Name);
        return data;
    }

    static (Tensor Memories, Tensor Mask) One(Tensor patterns) => (patterns.unsqueeze(0), ones(1, patterns.shape[0]));

    static bool AllFixedPoints(Tensor weights, Tensor memories) =>
        (MemoryPatterns.Sign(bmm(memories, weights.transpose(1, 2))) == memories).all().item<bool>();

    [Theory]
    [MemberData(nameof(Rules))]
    public void Every_rule_is_symmetric_keeps_its_diagonal_promise_ignores_padding_and_stores_a_few_patterns(string name)
    {
        var entry = ClassicalRules.Catalogue.Single(e => e.Name == name);
        using var patterns = MemoryPatterns.Bank(2, 32, 3);
        var (memories, mask) = One(patterns);
        using var w = entry.Weights(memories, mask);
        Assert.Equal(new long[] { 1, 32, 32 }, w.shape);
        Assert.True(MaxDifference(w[0], w[0].t()) < 1e-5);
        if (entry.ZeroDiagonal) Assert.True((w[0].diagonal() == 0).all().item<bool>());
        Assert.True(AllFixedPoints(w, memories));

        // Padding rows with mask 0 change nothing.
        using var padded = nn.functional.pad(memories, [0, 0, 0, 2]);
        using var paddedMask = nn.functional.pad(mask, [0, 2]);
        using var same = entry.Weights(padded, paddedMask);
        Assert.True(MaxDifference(w, same) < 1e-5);
    }

    [Fact]
    public void Hebbian_is_the_outer_product_sum_over_N_with_a_zero_diagonal_and_stores_orthogonal_patterns()
    {
        using var patterns = Hadamard(16).narrow(0, 1, 6);                              // 6 orthogonal patterns, N = 16
        var (memories, mask) = One(patterns);
        using var w = ClassicalRules.Hebbian(memories, mask);
        using var expected = patterns.t().matmul(patterns) / 16 * (1 - eye(16));
        Assert.True(MaxDifference(expected, w[0]) < 1e-6);
        Assert.True(AllFixedPoints(w, memories));
    }

    [Fact]
    public void Dreaming_runs_from_Hebbian_at_time_zero_to_the_pseudo_inverse_and_leaves_orthogonal_patterns_Hebbian()
    {
        using var scope = NewDisposeScope();
        var (memories, mask) = One(MemoryPatterns.Bank(3, 32, 10));
        Assert.True(MaxDifference(ClassicalRules.Hebbian(memories, mask), ClassicalRules.Dreaming(memories, mask, 0)) < 1e-6);
        Tensor pinv = ClassicalRules.PseudoInverse(memories, mask);
        Assert.True(MaxDifference(pinv, ClassicalRules.Dreaming(memories, mask, 1e7)) < 1e-4);
        Tensor middle = ClassicalRules.Dreaming(memories, mask, 10);
        Assert.True(MaxDifference(pinv, middle) > 1e-2);                                     // in between, neither end
        Assert.True(MaxDifference(ClassicalRules.Hebbian(memories, mask), middle) > 1e-2);
        // Orthogonal patterns have C = I, so (1 + t)(I + t C)⁻¹ = I at every t: the Hebbian weights.
        var (orthogonal, all) = One(Hadamard(16).narrow(0, 1, 6));
        Assert.True(MaxDifference(ClassicalRules.Hebbian(orthogonal, all), ClassicalRules.Dreaming(orthogonal, all, 10)) < 1e-6);
    }

    [Fact]
    public void Storkey_matches_the_rule_written_entry_by_entry()
    {
        using var patterns = MemoryPatterns.Bank(6, 10, 4);
        var (memories, mask) = One(patterns);
        using var w = ClassicalRules.Storkey(memories, mask);
        float[] m = patterns.data<float>().ToArray();
        int n = 10;
        var expected = new double[n, n];
        for (int mu = 0; mu < 4; mu++)
        {
            double H(int i, int j)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                    if (k != i && k != j) sum += expected[i, k] * m[mu * n + k];
                return sum;
            }
            var next = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    next[i, j] = i == j ? 0 : expected[i, j] + (m[mu * n + i] * m[mu * n + j] - m[mu * n + i] * H(j, i) - H(i, j) * m[mu * n + j]) / n;
            expected = next;
        }
        float[] actual = w[0].data<float>().ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(expected[i, j], actual[i * n + j], 5);
    }

    [Fact]
    public void Pseudo_inverse_stores_N_over_two_random_patterns_exactly_where_Hebbian_cannot()
    {
        using var patterns = MemoryPatterns.Bank(8, 32, 16);                              // P = N / 2
        var (memories, mask) = One(patterns);
        using var pseudoInverse = ClassicalRules.PseudoInverse(memories, mask);
        using var projection = ClassicalRules.Projection(memories, mask);
        using var hebbian = ClassicalRules.Hebbian(memories, mask);
        Assert.True(AllFixedPoints(pseudoInverse, memories));
        Assert.True(MaxDifference(bmm(memories, projection), memories) < 1e-4);           // W m = m
        Assert.False(AllFixedPoints(hebbian, memories));
    }

    [Fact]
    public void Projection_of_nets_with_different_memory_counts_holds_every_memory_on_two_threads()
    {
        // N = 1024, P = 147 beside 272 (padded): a batched solve over the padded Gram matrices failed here on two threads
        // (oneMKL DLASWP error, then a "Pivots given to lu_solve" exception or weights that hold nothing).
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            using var scope = NewDisposeScope();
            Tensor bank = MemoryPatterns.Bank(global::Resonance.Runtime.RandomStreams.Derive(4, "memories.n1024"), 1024, 272);
            Tensor memories = stack([nn.functional.pad(bank.narrow(0, 0, 147), [0, 0, 0, 125]), bank]);
            Tensor mask = stack([cat([ones(147), zeros(125)]), ones(272)]);
            Tensor w = ClassicalRules.Projection(memories, mask);
            Tensor residual = (bmm(memories, w) - memories) * mask.unsqueeze(-1);               // W m = m for every real memory
            Assert.True(residual.abs().max().item<float>() < 1e-3);
            Tensor aligned = bmm(memories, ClassicalRules.PseudoInverse(memories, mask)) * memories + (1 - mask.unsqueeze(-1));
            Assert.True(aligned.min().item<float>() > 0);                                        // every real memory a fixed point
        }
        finally { set_num_threads(before); }
    }
}
