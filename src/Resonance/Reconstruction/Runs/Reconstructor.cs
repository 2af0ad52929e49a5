using Resonance.Analysis;
using static TorchSharp.torch;

namespace Resonance.Reconstruction;

/// <summary>One fitted model behind the common face a reconstruction run evaluates: fit on a series, then forecast freely
/// from known rows.</summary>
/// <remarks>Reservoirs (ESN, NG-RC) fit their readout in closed form and are warmed up on the known rows; latent models
/// (shPLRNN, AL-RNN) are trained by <see cref="ReconstructionTrainer"/> and start from the last known row
/// (<see cref="FreeRun.Generate"/>). All series here are <c>(T, D)</c> float64 on the CPU.</remarks>
public sealed class Reconstructor : IDisposable
{
    readonly ReconstructionExperiment experiment;
    readonly EchoStateNetwork? esn;
    readonly NextGenerationReservoir? ngrc;
    readonly LatentModel? latent;
    readonly ObservationModel? observation;

    /// <summary>Builds the untrained model of <paramref name="experiment"/> for series of <paramref name="dimensions"/> columns.</summary>
    public Reconstructor(ReconstructionExperiment experiment, int dimensions, long seed)
    {
        this.experiment = experiment;
        switch (experiment.ModelOptions)
        {
            case EchoStateOptions o: esn = new EchoStateNetwork(o, dimensions, seed); break;
            case NextGenerationOptions o: ngrc = new NextGenerationReservoir(o, dimensions); break;
            case ShallowPlrnnOptions o: latent = new ShallowPlrnn(o, seed); break;
            case AlRnnOptions o: latent = new AlRnn(o, seed); break;
            default: throw new ArgumentException($"no model for {experiment.ModelOptions.GetType().Name}", nameof(experiment));
        }
        if (latent is not null)
        {
            if (experiment.Observation == ObservationKind.Identity && latent.LatentSize < dimensions)
                throw new UserInputException($"model.latent_size: the identity observation reads the first {dimensions} latent units as the {dimensions} data columns, " +
                    $"so latent_size must be at least {dimensions} (it is {latent.LatentSize}); raise it or use model.observation=affine.");
            observation = ObservationModel.Create(experiment.Observation, dimensions, latent.LatentSize, seed);
        }
    }

    /// <summary>The latent model, or null for a reservoir.</summary>
    public LatentModel? Latent => latent;

    /// <summary>The observation model of a latent model, or null.</summary>
    public ObservationModel? Observation => observation;

    /// <summary>Fits on <paramref name="train"/>: the closed-form readout, or teacher-forcing training.</summary>
    /// <returns>The training result of a latent model; null for a reservoir.</returns>
    public ReconstructionTrainingResult? Fit(Tensor train, long seed, IProgress<ReconstructionEpoch>? progress, CancellationToken stop)
    {
        if (esn is not null) { using var _ = esn.FitForecaster(train.to(ScalarType.Float32)).alias(); return null; }
        if (ngrc is not null) { ngrc.Fit(train); return null; }
        return ReconstructionTrainer.Train(latent!, observation!, train.to(ScalarType.Float32), experiment.Training!, seed, progress, stop);
    }

    /// <summary>Forecasts <paramref name="steps"/> rows after the last of <paramref name="known"/> <c>(W, D)</c>, closed loop.</summary>
    /// <returns><c>(steps, D)</c> float64: row i forecasts the row <c>i + 1</c> steps after the last known one.</returns>
    public Tensor Forecast(Tensor known, int steps)
    {
        using var scope = NewDisposeScope();
        Tensor result;
        if (esn is not null) result = esn.Forecast(known.to(ScalarType.Float32), steps);
        else if (ngrc is not null) result = ngrc.Forecast(known, steps);
        else result = FreeRun.Generate(latent!, observation!, known[-1].to(ScalarType.Float32), steps + 1)[1..];
        return result.to(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>The largest Lyapunov exponent of the model run freely, per unit of <paramref name="dt"/>, from the latent
    /// state inferred from <paramref name="start"/> <c>(D)</c>; null with a reason for a reservoir.</summary>
    public (double? Exponent, string? Reason) LargestExponent(Tensor start, double dt, int steps, long seed)
    {
        if (latent is null)
            return (null, "the reservoir's closed loop runs in a fused float kernel without Jacobians; its exponent is left out");
        if (steps == 0) return (null, "evaluation.lyapunov_steps is 0");
        using var scope = NewDisposeScope();
        Tensor z0;
        using (no_grad()) z0 = observation!.InitialState(start.unsqueeze(0).to(ScalarType.Float32)).to(ScalarType.Float64);
        var result = FreeRun.LyapunovExponents(latent, z0, new LyapunovOptions
        {
            Exponents = 1, Steps = steps, WarmupSteps = Math.Max(1, steps / 2), TimeStep = dt, Seed = seed,
        });
        return (result.Exponents[0], null);
    }

    /// <summary>The AL-RNN's linear subregion id of each latent state of a free run of <paramref name="steps"/> steps from
    /// <paramref name="start"/> <c>(D)</c>, with the observed rows; null for other models.</summary>
    public (long[] Regions, Tensor Observed)? Regions(Tensor start, int steps)
    {
        if (latent is not AlRnn alrnn) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor z = FreeRun.Latent(alrnn, observation!.InitialState(start.unsqueeze(0).to(ScalarType.Float32)), steps).squeeze(0);  // (T, M)
        long[] ids = alrnn.RegionId(z).to(ScalarType.Int64).data<long>().ToArray();
        return (ids, observation.Observe(z).to(ScalarType.Float64).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        esn?.Dispose();
        ngrc?.Dispose();
        latent?.Dispose();
        observation?.Dispose();
    }
}
