using System.Globalization;

namespace Resonance.Runtime;

/// <summary>
/// Caps on counts that cost time rather than memory (epochs, steps): far above any useful value, so that a typo
/// (<c>training.epochs=1000000000</c>) is refused at once instead of running for days.
/// </summary>
public static class SizeCaps
{
    /// <summary>The most epochs a run may ask for.</summary>
    public const long Epochs = 10_000_000;

    /// <summary>The most time steps one sequence, cue presentation or recurrence may ask for.</summary>
    public const long Steps = 1_000_000;

    /// <summary>Refuses <paramref name="value"/> above <paramref name="cap"/>.</summary>
    /// <exception cref="UserInputException">The value exceeds the cap; the message names the key and the cap.</exception>
    public static void AtMost(string key, long value, long cap)
    {
        if (value > cap)
            throw new UserInputException(
                $"{key}: {value.ToString(CultureInfo.InvariantCulture)} is above the cap of {cap.ToString(CultureInfo.InvariantCulture)} " +
                "(a run that long would not finish; the cap guards against typos); give a smaller number.");
    }
}
