using System.Numerics;

namespace Resonance.Analysis;

/// <summary>How a fixed point attracts or repels nearby states, from the eigenvalues of its Jacobian.</summary>
public enum FixedPointStability
{
    /// <summary>Every direction contracts: all <c>|λ| &lt; 1</c> for a map, all <c>Re λ &lt; 0</c> for a flow.</summary>
    Stable,
    /// <summary>Some directions expand and some contract (<see cref="FixedPoint.UnstableDirections"/> expand).</summary>
    Saddle,
    /// <summary>Every direction expands.</summary>
    Unstable,
}

/// <summary>One fixed or slow point found by the <see cref="FixedPointFinder"/>.</summary>
/// <param name="State">The point <c>h*</c>, length <c>S</c>.</param>
/// <param name="Q">The speed there, <c>q(h*) = ½ ‖F(h*, x*) − h*‖²</c> (a map) or <c>½ ‖f(h*)‖²</c> (a flow).</param>
/// <param name="IsSlow">True when <see cref="Q"/> stayed at or above <c>tol_q</c>: a slow point, not a fixed point.</param>
/// <param name="Eigenvalues">The Jacobian's eigenvalues, largest modulus first (a map) or largest real part first (a flow).</param>
/// <param name="Stability">Read from the eigenvalues.</param>
/// <param name="UnstableDirections">Eigenvalues with <c>|λ| &gt; 1</c> (a map) or <c>Re λ &gt; 0</c> (a flow).</param>
/// <param name="InitialState">Index, among the initial states the caller gave, of the state this point was found from.</param>
/// <param name="Jacobian"><c>∂F/∂h</c> at the point, <c>(S, S)</c> (row = output), when the options keep Jacobians.</param>
public sealed record FixedPoint(
    double[] State, double Q, bool IsSlow, Complex[] Eigenvalues, FixedPointStability Stability, int UnstableDirections, int InitialState, double[,]? Jacobian);

/// <summary>What a fixed-point search found, and what it left out.</summary>
/// <param name="Points">Unique points, lowest q first: fixed points (<see cref="FixedPoint.IsSlow"/> false) and slow points.</param>
/// <param name="InitialStates">Initial states optimised (after subsampling and outlier exclusion).</param>
/// <param name="ExcludedInitialStates">Initial states dropped by the outlier rule.</param>
/// <param name="ExcludedPoints">Optimised states dropped because they ended beyond the outlier distance or at a non-finite q.</param>
/// <param name="DuplicatesMerged">Optimised states merged into a point with a lower q.</param>
/// <param name="Iterations">Optimiser iterations run (the search stops when every state has stopped).</param>
public sealed record FixedPointResult(
    IReadOnlyList<FixedPoint> Points, int InitialStates, int ExcludedInitialStates, int ExcludedPoints, int DuplicatesMerged, int Iterations)
{
    /// <summary>Newton polishing steps run after the descent (<see cref="FixedPointOptions.PolishSteps"/> at most).</summary>
    public int PolishSteps { get; init; }
    /// <summary>Optimised states that ended below <c>tol_q</c>, before outliers were dropped and duplicates merged.</summary>
    public int ConvergedStates { get; init; }
    /// <summary>Unique points left out because more than <see cref="FixedPointOptions.MaxUnique"/> were found (the highest q ones).</summary>
    public int UniqueDropped { get; init; }
    /// <summary>Wall-clock seconds of each stage of the search.</summary>
    public FixedPointTimes Times { get; init; } = new(0, 0, 0, 0);
    /// <summary>The points with <c>q &lt; tol_q</c>.</summary>
    public IEnumerable<FixedPoint> FixedPoints => Points.Where(point => !point.IsSlow);
    /// <summary>The points whose q stayed at or above <c>tol_q</c>.</summary>
    public IEnumerable<FixedPoint> SlowPoints => Points.Where(point => point.IsSlow);
}

/// <summary>Wall-clock seconds of the stages of one <see cref="FixedPointFinder"/> search.</summary>
/// <param name="Descent">The batched Adam descent on q.</param>
/// <param name="Polish">The plain iterations and damped Newton steps.</param>
/// <param name="Merge">Outliers dropped and duplicates merged.</param>
/// <param name="Classify">The Jacobians of the unique points and their eigenvalues.</param>
public sealed record FixedPointTimes(double Descent, double Polish, double Merge, double Classify);
