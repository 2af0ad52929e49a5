namespace Resonance.Dynamics;

/// <summary>An integration that left the finite numbers or could not meet its tolerance: the work ran and failed
/// (the CLI exits with code 1), not a mistake in the input.</summary>
public sealed class DivergenceException(string message) : Exception(message);
