namespace Resonance;

/// <summary>
/// A mistake in what the user asked for (a file, a key, an option, a missing tool), as opposed to a bug.
/// The CLI prints <see cref="Exception.Message"/> on one line and exits with code 2; the message names the
/// problem and what to do about it.
/// </summary>
public class UserInputException : Exception
{
    public UserInputException(string message) : base(message) { }
    public UserInputException(string message, Exception inner) : base(message, inner) { }
}
