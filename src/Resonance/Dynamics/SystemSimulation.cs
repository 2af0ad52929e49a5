using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Dynamics;

/// <summary>Settings of one generated series (<c>resonance data gen</c>).</summary>
public sealed record SimulationOptions
{
    /// <summary>Recorded steps <c>T</c> (<c>--steps</c>).</summary>
    public int Steps { get; init; } = 10_000;
    /// <summary>The step <c>dt</c> of a flow (<c>--dt</c>); null: the system's default. Maps take no step.</summary>
    public double? TimeStep { get; init; }
    /// <summary>Steps run and discarded before recording (<c>--transient</c>); null: the system's default.</summary>
    public int? TransientSteps { get; init; }
    /// <summary>Observation noise (<c>--noise</c>): Gaussian with this many standard deviations of each variable (0.05 = 5%), added after integration.</summary>
    public double Noise { get; init; }
    /// <summary>Seed of the noise (<c>--seed</c>).</summary>
    public long Seed { get; init; }
    /// <summary>Parameter overrides by name (<c>--param k=v</c>).</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();

    /// <summary>Refuses impossible values, naming the option.</summary>
    /// <exception cref="UserInputException">A value outside its range, or <c>--dt</c> given for a map.</exception>
    public void Validate(DynamicalSystem system)
    {
        OptionChecks.WholeInRange("--steps", Steps, 1, 100_000_000);
        if (TimeStep is double dt)
        {
            if (system.Kind == SystemKind.Map)
                throw new UserInputException($"--dt: {system.Name} is a map (one iteration per step); leave --dt out.");
            OptionChecks.Positive("--dt", dt);
        }
        if (TransientSteps is int transient) OptionChecks.WholeAtLeast("--transient", transient, 0);
        OptionChecks.NonNegative("--noise", Noise);
        system.ResolveParameters(Parameters);
    }
}

/// <summary>Steps and trajectories of catalogue systems, batched over initial conditions.</summary>
/// <remarks>
/// A flow advances by one <see cref="Rk4"/> step of <c>dt</c>, a map by one iteration. Trajectories are checked for
/// non-finite values every <see cref="FiniteCheckEvery"/> steps and at the end; a blow-up is a <see cref="DivergenceException"/>.
/// </remarks>
public static class SystemSimulation
{
    /// <summary>Steps between checks for NaN or infinity.</summary>
    public const int FiniteCheckEvery = 256;

    /// <summary>The one-step map of <paramref name="system"/>: an RK4 step of <paramref name="dt"/> for a flow, the map itself otherwise.</summary>
    /// <param name="system">The system.</param>
    /// <param name="parameters">Its parameters (<see cref="DynamicalSystem.ResolveParameters"/>).</param>
    /// <param name="dt">The step of a flow; ignored for a map.</param>
    /// <returns><c>(B, D)</c> to <c>(B, D)</c>, differentiable.</returns>
    public static Func<Tensor, Tensor> Step(DynamicalSystem system, IReadOnlyDictionary<string, double> parameters, double dt)
    {
        if (system.Kind == SystemKind.Map) return state => system.Field(state, parameters);
        Func<Tensor, Tensor> field = state => system.Field(state, parameters);
        return state => Rk4.Step(field, state, dt);
    }

    /// <summary>Advances <paramref name="state"/> <paramref name="steps"/> steps and keeps only the end.</summary>
    /// <param name="step">From <see cref="Step"/>.</param>
    /// <param name="state"><c>(B, D)</c>.</param>
    /// <param name="steps">Steps to run.</param>
    /// <param name="name">The system's name, for the message of a blow-up.</param>
    /// <returns><c>(B, D)</c>.</returns>
    /// <exception cref="DivergenceException">A value stopped being finite.</exception>
    public static Tensor Advance(Func<Tensor, Tensor> step, Tensor state, int steps, string name)
    {
        using var noGrad = no_grad();
        Tensor current = state.detach().clone();
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            current = step(current).MoveToOuterDisposeScope();
            if ((t + 1) % FiniteCheckEvery == 0 || t == steps - 1) EnsureFinite(current, name, t + 1);
        }
        return current;
    }

    /// <summary>The states after each of <paramref name="steps"/> steps (the start excluded).</summary>
    /// <returns><c>(T, B, D)</c>.</returns>
    /// <exception cref="DivergenceException">A value stopped being finite.</exception>
    public static Tensor Trajectory(Func<Tensor, Tensor> step, Tensor state, int steps, string name)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = new List<Tensor>(steps);
        Tensor current = state.detach();
        for (int t = 0; t < steps; t++)
        {
            // Each step's intermediates (an RK4 step makes dozens of tensors) go with its own scope; only the state stays.
            // In one scope for the whole trajectory, 201,000 steps of Lorenz-63 held 7.8 GB until the end.
            using var stepScope = NewDisposeScope();
            current = step(current).MoveToOuterDisposeScope();
            states.Add(current);
            if ((t + 1) % FiniteCheckEvery == 0 || t == steps - 1) EnsureFinite(current, name, t + 1);
        }
        return stack(states, 0).MoveToOuterDisposeScope();                                  // (T, B, D)
    }

    /// <summary>One series of <paramref name="system"/> from its default initial condition: transient discarded, noise added.</summary>
    /// <param name="system">The system.</param>
    /// <param name="options">Validated here.</param>
    /// <returns><c>(T, D)</c> float64 values.</returns>
    /// <exception cref="UserInputException">An option out of range.</exception>
    /// <exception cref="DivergenceException">The integration blew up (try a smaller <c>--dt</c> or other parameters).</exception>
    public static double[,] Generate(DynamicalSystem system, SimulationOptions options)
    {
        options.Validate(system);
        var parameters = system.ResolveParameters(options.Parameters);
        double dt = options.TimeStep ?? system.TimeStep;
        var step = Step(system, parameters, dt);
        using var scope = NewDisposeScope();
        Tensor start = tensor(system.InitialCondition, dtype: ScalarType.Float64).unsqueeze(0);               // (1, D)
        start = Advance(step, start, options.TransientSteps ?? system.TransientSteps, system.Name);
        Tensor series = Trajectory(step, start, options.Steps, system.Name).squeeze(1);                      // (T, D)
        if (options.Noise > 0)
        {
            using var generator = RandomStreams.Generator(RandomStreams.Derive(options.Seed, "data.gen.noise"));
            Tensor spread = series.std([0], keepdim: true);                                                   // (1, D)
            series = series + options.Noise * spread * randn(series.shape, dtype: ScalarType.Float64, generator: generator);
        }
        var values = new double[options.Steps, system.Dimension];
        Buffer.BlockCopy(series.contiguous().data<double>().ToArray(), 0, values, 0, values.Length * sizeof(double));
        return values;
    }

    static void EnsureFinite(Tensor state, string name, int step)
    {
        if (!state.isfinite().all().item<bool>())
            throw new DivergenceException($"{name}: the trajectory left the finite numbers by step {step} (it diverged); " +
                "try a smaller --dt, other --param values or an initial condition on the attractor.");
    }
}
