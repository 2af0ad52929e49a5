using Resonance.Data;
using Resonance.Dynamics;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>The series of a reconstruction, split and (if asked) standardised: float64 <c>(T, D)</c> tensors on the CPU.</summary>
/// <param name="Name">The system's name or the file's.</param>
/// <param name="Train">Training rows.</param>
/// <param name="Test">Test rows.</param>
/// <param name="TimeStep">Time between rows (a map's is 1).</param>
/// <param name="LargestExponent">The true largest exponent per unit time: given, published, or estimated for a catalogue system; null for a file without one.</param>
public sealed record ReconstructionData(string Name, Tensor Train, Tensor Test, double TimeStep, double? LargestExponent)
{
    /// <summary>Columns <c>D</c>.</summary>
    public int Dimension => (int)Train.shape[1];

    /// <summary>Generates or reads the series of <paramref name="experiment"/> (<paramref name="system"/> instead of
    /// <c>data.system</c> in a benchmark), splits it at <c>train_fraction</c> and z-scores it with the training rows' statistics.</summary>
    /// <exception cref="UserInputException">The file cannot be read, or a parameter does not fit the system.</exception>
    /// <exception cref="DivergenceException">The integration blew up.</exception>
    public static ReconstructionData Load(ReconstructionExperiment experiment, string? system)
    {
        var options = experiment.Data;
        double[,] values;
        double dt;
        double? lambda = experiment.Evaluation.LargestExponent;
        string name;
        if (system is not null)
        {
            var entry = SystemCatalog.Get(system);
            var simulation = options.Simulation(entry, experiment.Seed);
            values = SystemSimulation.Generate(entry, simulation);
            dt = entry.Kind == SystemKind.Map ? 1 : options.Dt ?? entry.TimeStep;
            lambda ??= simulation.Parameters.Count == 0 && entry.PublishedLargestExponent is double published ? published
                : SystemLyapunov.Compute(entry, new SystemLyapunovOptions
                {
                    Exponents = 1, Seed = experiment.Seed, TimeStep = entry.Kind == SystemKind.Map ? null : dt, Parameters = simulation.Parameters,
                }).Exponents[0];
            name = entry.Name;
        }
        else
        {
            values = SeriesFile.Read(options.File!).Values;
            dt = options.Dt ?? 1;
            name = Path.GetFileName(options.File!);
        }
        int rows = values.GetLength(0), split = (int)(options.TrainFraction * rows);
        using var scope = NewDisposeScope();
        var flat = new double[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        Tensor series = tensor(flat, [rows, values.GetLength(1)]);
        if (options.Standardize)
        {
            Tensor train = series[..split];
            series = (series - train.mean([0], keepdim: true)) / train.std([0], keepdim: true).clamp_min(1e-12);
        }
        return new ReconstructionData(name, series[..split].clone().MoveToOuterDisposeScope(), series[split..].clone().MoveToOuterDisposeScope(), dt, lambda);
    }
}
