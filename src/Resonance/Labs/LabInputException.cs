namespace Resonance.Labs;

/// <summary>A bad command or setting sent to a lab: an unknown type or key, a value of the wrong JSON type, a number that is
/// not finite or out of range, or an action the lab's state forbids (an edit while playing). The message is one line that
/// names the key and the fix; <see cref="Field"/> is the key the page shows it beside.</summary>
public sealed class LabInputException : UserInputException
{
    /// <param name="field">The key at fault (<c>sparks.epsilon</c>, <c>steps</c>), or null when the command as a whole is at fault.</param>
    /// <param name="message">One line naming the key and the fix.</param>
    public LabInputException(string? field, string message) : base(message) => Field = field;

    /// <summary>The key at fault, as the page names it (a flat settings key or a command key), or null.</summary>
    public string? Field { get; }

    /// <summary>Turns an engine's <see cref="UserInputException"/> into a lab error: its field is the known key the message
    /// starts with (<c>"sparks.epsilon: expected ..."</c>), or <paramref name="fallbackField"/>.</summary>
    internal static LabInputException From(UserInputException error, IEnumerable<string> knownKeys, string? fallbackField = null)
    {
        if (error is LabInputException lab) return lab;
        string message = error.Message.ReplaceLineEndings(" ");
        int colon = message.IndexOf(':');
        string? field = colon > 0 && knownKeys.Contains(message[..colon]) ? message[..colon] : fallbackField;
        return new LabInputException(field, message);
    }
}
