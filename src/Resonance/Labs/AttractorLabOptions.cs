using Resonance.Attractors;

namespace Resonance.Labs;

/// <summary>The memories a net of the attractor lab can be (flat keys <c>left_rule</c>, <c>right_rule</c>).</summary>
public enum AttractorLabRule
{
    /// <summary>A dense memory with 2 N hidden neurons learned on the lab thread by the one-step denoising training (<see cref="DenseTrainer"/>).</summary>
    LearnedDense,
    /// <summary>Hebbian weights (<see cref="ClassicalRules.Hebbian"/>).</summary>
    Hebbian,
    /// <summary>Storkey's rule.</summary>
    Storkey,
    /// <summary>Pseudo-inverse weights, diagonal removed.</summary>
    PseudoInverse,
    /// <summary>The projection with its diagonal.</summary>
    Projection,
    /// <summary>The dreaming kernel at the catalogue's dreaming time.</summary>
    Dreaming,
    /// <summary>The constructed dense memory, one hidden neuron per memory (<see cref="DenseHopfield.Construct"/>).</summary>
    Dense,
    /// <summary>The modern Hopfield update (<see cref="ModernHopfield.Retrieve"/>).</summary>
    Modern,
}

/// <summary>How the cue is corrupted (flat key <c>corruption</c>).</summary>
public enum AttractorLabCorruption
{
    /// <summary>Exactly <c>round(level · N)</c> entries flipped (<see cref="MemoryPatterns.FlipExactly"/>).</summary>
    Flips,
    /// <summary>Gaussian noise of standard deviation <c>level</c> added to every entry (<see cref="MemoryPatterns.AddGaussian"/>).</summary>
    Noise,
}

/// <summary>The attractor lab's settings: flat keys without a section.</summary>
public sealed record AttractorLabOptions
{
    /// <summary>Neurons <c>N</c>, a square (the memories are drawn on a side x side grid) in [16, 256] (<c>neurons</c>).</summary>
    public int Neurons { get; init; } = 64;

    /// <summary>Stored memories <c>P</c>, random ±1 patterns, in [1, N] (<c>memories</c>).</summary>
    public int Memories { get; init; } = 5;

    /// <summary>Seed of the memories, the learned net and the cues (<c>seed</c>, &gt;= 0).</summary>
    public long Seed { get; init; } = 4;

    /// <summary>The left net (<c>left_rule</c>); a learned net by default.</summary>
    public AttractorLabRule LeftRule { get; init; } = AttractorLabRule.LearnedDense;

    /// <summary>The right net (<c>right_rule</c>); a classical rule by default.</summary>
    public AttractorLabRule RightRule { get; init; } = AttractorLabRule.Hebbian;

    /// <summary>Dynamics of the weight-matrix rules (<c>update</c>: sign, async-sign, tanh).</summary>
    public HopfieldUpdate Update { get; init; } = HopfieldUpdate.Sign;

    /// <summary>Gain of the tanh dynamics (<c>gain</c>, in (0, 100]).</summary>
    public double Gain { get; init; } = 4;

    /// <summary>Inverse temperature of the modern memory (<c>modern_beta</c>, in (0, 100]).</summary>
    public double ModernBeta { get; init; } = 1;

    /// <summary>How the cue is corrupted (<c>corruption</c>: flips, noise).</summary>
    public AttractorLabCorruption Corruption { get; init; } = AttractorLabCorruption.Flips;

    /// <summary>Corruption level (<c>level</c>): the fraction of entries flipped, in [0, 1], or the noise's standard deviation, in [0, 5].</summary>
    public double Level { get; init; } = 0.1;

    /// <summary>Steps of a <c>run</c> and of each cue in a load sweep (<c>steps</c>, in [1, 200]).</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Steps per second at which a <c>run</c> unfolds, one frame each (<c>speed</c>, in [0, 1000]; 0 = all at once).</summary>
    public double Speed { get; init; } = 10;

    /// <summary>Training epochs of a learned net (<c>epochs</c>, in [1, 5000]).</summary>
    public int Epochs { get; init; } = 300;

    /// <summary>Corrupted cues per memory in a load sweep (<c>trials</c>, in [1, 32]).</summary>
    public int Trials { get; init; } = 4;

    /// <summary>The squares the lab accepts as <see cref="Neurons"/>.</summary>
    public static IReadOnlyList<int> Sizes { get; } = [.. Enumerable.Range(4, 13).Select(side => side * side)];

    /// <summary>Side of the grid the memories are drawn on.</summary>
    public int Side => (int)Math.Round(Math.Sqrt(Neurons));

    /// <exception cref="UserInputException">A setting is out of range; the message names its key.</exception>
    public void Validate()
    {
        if (!Sizes.Contains(Neurons))
            throw new UserInputException($"neurons: expected a square number of neurons (a side x side grid) in [16, 256], e.g. 64, 100, 144, 256; got {Neurons}.");
        OptionChecks.WholeInRange("memories", Memories, 1, Neurons, "neurons");
        OptionChecks.WholeAtLeast("seed", Seed, 0);
        OptionChecks.InRange("gain", Gain, double.Epsilon, 100);
        OptionChecks.InRange("modern_beta", ModernBeta, double.Epsilon, 100);
        OptionChecks.InRange("level", Level, 0, Corruption == AttractorLabCorruption.Flips ? 1 : 5);
        OptionChecks.WholeInRange("steps", Steps, 1, 200);
        OptionChecks.InRange("speed", Speed, 0, 1000);
        OptionChecks.WholeInRange("epochs", Epochs, 1, 5000);
        OptionChecks.WholeInRange("trials", Trials, 1, 32);
    }

    /// <summary>Whether the nets must be built again to go from this to <paramref name="other"/> (not for dynamics or cue changes).</summary>
    public bool NetsDiffer(AttractorLabOptions other) =>
        (Neurons, Memories, Seed, LeftRule, RightRule, ModernBeta, Epochs) != (other.Neurons, other.Memories, other.Seed, other.LeftRule, other.RightRule, other.ModernBeta, other.Epochs);
}
